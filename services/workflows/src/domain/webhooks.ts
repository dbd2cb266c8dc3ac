/**
 * Webhooks as pure functions: which parties an event concerns and what each may see of it (the
 * ledger's visibility rules: a holder sees its own vouchers, the issuer its whole trees; a split
 * never shows a recipient its siblings), how a delivery is signed, and when it is tried again.
 */
import { BlockList, isIP } from 'node:net';
import { createHmac } from 'node:crypto';
import type { LedgerEventIn } from './planning.ts';

export interface Notification {
  partyId: string;
  /** What that party is sent: the event type, and data it may see. */
  type: string;
  data: Record<string, unknown>;
}

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

type Row = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * Who is told of an event, and what each is told. `issuerOf` gives a tree's issuer (events other
 * than VoucherIssued name only the root); the issuer is told every event of its trees, whole.
 */
export function notificationsFor(event: LedgerEventIn, issuerOf: (rootId: string) => string | undefined): Notification[] {
  const d = event.data;
  const out = new Map<string, Notification>();
  const tell = (party: string | null, data: Row = d) => {
    if (party && !out.has(party)) out.set(party, { partyId: party, type: event.type, data });
  };
  const rootId = str(d.rootId) ?? str((d.voucher as Row | undefined)?.rootId);
  const issuer = str(d.issuer) ?? str((d.voucher as Row | undefined)?.issuer) ?? (rootId ? issuerOf(rootId) ?? null : null);
  switch (event.type) {
    case 'PartyRegistered':
    case 'KeyAdded':
    case 'KeyRevoked':
      tell(str(d.partyId));
      break;
    case 'PayableRecorded':
      tell(str(d.debtor));
      tell(str(d.creditor));
      break;
    case 'CreditLineChanged':
      tell(str(d.funder));
      tell(str(d.issuer));
      break;
    case 'VoucherIssued': {
      const v = d.voucher as Row;
      tell(issuer);
      // The holder sees its voucher, not the payables or line behind it beyond its own.
      tell(str(v.holder), { voucher: { ...v, creditLineFunder: null, paymentReferences: [] } });
      const funder = str(v.creditLineFunder);
      if (funder) tell(funder, { voucher: { ...v, backing: [], paymentReferences: [] }, creditLineUsed: d.creditLineUsed });
      break;
    }
    case 'VoucherAccepted':
      tell(issuer);
      tell(str(d.holder));
      tell(str(d.owner));
      break;
    case 'VoucherRejected':
    case 'VoucherCancelled':
    case 'TransferRevoked':
    case 'AcceptanceExpired':
      tell(issuer);
      tell(str(d.recipient));
      tell(str(d.owner));
      break;
    case 'VoucherTransferred': {
      tell(issuer);
      tell(str(d.holder));
      // Each recipient sees its own child only: the others name other branches' parties.
      for (const child of d.children as Row[]) {
        const recipient = str(child.holder);
        if (recipient && recipient !== d.holder) tell(recipient, { ...d, children: [child] });
      }
      break;
    }
    case 'FinancingRequested':
    case 'FinancingRejected':
    case 'FinancingWithdrawn':
      tell(issuer);
      tell(str(d.holder));
      tell(str(d.funder));
      break;
    case 'VoucherFinanced': {
      const terms = d.terms as Row;
      tell(issuer);
      tell(str(terms.seller));
      tell(str(terms.funder));
      break;
    }
    case 'VoucherSettled': {
      tell(issuer);
      // A holder sees what it was paid, not the issuer's payment reference or other holders.
      for (const total of d.holderTotals as Row[]) {
        const holder = str(total.holder);
        if (!holder) continue;
        tell(holder, { rootId: d.rootId, issuer: d.issuer, payouts: (d.payouts as Row[]).filter((p) => p.holder === holder), holderTotals: [total], at: d.at, ...(d.part ? { part: d.part } : {}) });
      }
      break;
    }
    case 'VoucherOverdue': {
      tell(issuer);
      const byHolder = new Map<string, Row[]>();
      for (const leaf of d.leaves as Row[]) {
        const h = str(leaf.holder);
        if (h) byHolder.set(h, [...(byHolder.get(h) ?? []), leaf]);
      }
      for (const [h, leaves] of byHolder) tell(h, { rootId: d.rootId, leaves, at: d.at, ...(d.part ? { part: d.part } : {}) });
      break;
    }
    case 'VoucherFrozen':
    case 'VoucherUnfrozen':
      // The reason is the regulator's and the issuer's (the ledger's visibility rules).
      tell(issuer);
      break;
    default:
      break;
  }
  return [...out.values()];
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
