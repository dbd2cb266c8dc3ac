/**
 * Webhooks as pure functions: how a delivery is signed, when it is tried again, and which
 * endpoints are refused. Which parties an event concerns and what each may see of it is
 * `notificationsFor` in @cascade/events (shared with the gateway's live event stream).
 */
import { BlockList, isIP } from 'node:net';
import { createHmac } from 'node:crypto';

/** Attempts before a delivery is dead (about 2 h 45 min of trying with the backoff below). */
export const deliveryAttemptsMax = 12;
export const deliveryBackoffBaseMs = 10_000;
export const deliveryBackoffMaxMs = 30 * 60_000;
export const deliveryTimeoutMs = 10_000;
/** The largest body a delivery carries; an event over it is sent as a reference (type and ids). */
export const deliveryBodyBytesMax = 256 * 1024;

/** The wait before attempt `attempt + 1`, after `attempt` failed ones: 10 s, 20 s, 40 s … at most 30 min. */
export function backoffMs(attempt: number): number {
  return Math.min(deliveryBackoffMaxMs, deliveryBackoffBaseMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * The signature header of a delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 * The timestamp is signed with the body, so a receiver that refuses old timestamps refuses a
 * replayed delivery.
 */
export function signatureHeader(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

export const endpointUrlLengthMax = 2_000;

/** Addresses the platform must never be made to call: loopback, private, shared, link-local, reserved, multicast. */
const blocked = new BlockList();
for (const [net, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['100::', 64]] as const) blocked.addSubnet(net, prefix, 'ipv6');

/** True for a literal address in a blocked range (an IPv4-mapped IPv6 address is judged as its IPv4). */
export function isBlockedAddress(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').toLowerCase();
  const kind = isIP(a);
  if (kind === 4) return blocked.check(a, 'ipv4');
  if (kind !== 6) return false;
  const mapped = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(a);
  if (mapped) {
    const v4 = mapped[1] ?? [parseInt(mapped[2]!, 16) >> 8, parseInt(mapped[2]!, 16) & 255, parseInt(mapped[3]!, 16) >> 8, parseInt(mapped[3]!, 16) & 255].join('.');
    return blocked.check(v4, 'ipv4');
  }
  return blocked.check(a, 'ipv6');
}

function isPrivateHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  return isBlockedAddress(h);
}

/**
 * Why an endpoint URL is refused, or null: https only (plain http where the deployment allows
 * it, for local work), no credentials in it, and no loopback or private address (the platform
 * must not be made to call its own internal services) unless the deployment allows it. A name is
 * resolved again before each delivery (`runDelivery`), and refused if it points at such an
 * address; a deployment that must also close the window between that lookup and the connection
 * (DNS rebinding) puts an egress proxy in front.
 */
export function endpointUrlProblem(raw: string, allow: { http: boolean; privateHosts: boolean }): string | null {
  if (raw.length > endpointUrlLengthMax) return `the URL is longer than ${endpointUrlLengthMax} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'https:' && !(allow.http && url.protocol === 'http:')) return allow.http ? 'must be http or https' : 'must be https';
  if (url.username || url.password) return 'must not carry credentials';
  if (!allow.privateHosts && isPrivateHost(url.hostname)) return `${url.hostname} is a loopback or private address`;
  return null;
}
