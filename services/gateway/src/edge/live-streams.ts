/**
 * The open live event streams of this gateway process (`GET /v1/events`, server-sent events):
 * who is listening, and the writing to them. Each stream belongs to one token and its party; a
 * ledger event is written only to the streams of the parties it concerns, with what each may see
 * (`notificationsFor` in @cascade/events, the rules the webhooks follow). Limits: streams per
 * token, per party (a party may log in for many tokens) and per process, and the bytes a slow reader may leave unread before its stream is
 * closed. A stream ends when its token is revoked (announced to every process), when the token
 * expires (checked at each heartbeat), or when the gateway closes.
 */
import type { ServerResponse } from 'node:http';
import { Problem, commonProblems } from '@cascade/errors';
import type { Notification } from '@cascade/events';
import type { Principal } from './auth.ts';

/** A comment line keeps proxies from closing an idle stream and lets the page see it is alive. */
export const liveHeartbeatMs = 15_000;
/** Bytes written but not yet taken by a reader; past it the reader is too slow and is cut off. */
export const liveUnreadBytesMax = 64 * 1024;
/** What the client is told to wait before it reconnects (the SSE `retry:` field). */
export const liveRetryMs = 3_000;

export interface LiveEvent {
  id: string;
  type: string;
  occurredAt: string;
}

interface Stream {
  principal: Principal;
  res: ServerResponse;
  expiresAtMs: number;
}

export class LiveStreams {
  private readonly byParty = new Map<string, Set<Stream>>();
  private readonly byToken = new Map<string, Set<Stream>>();
  private count = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  /** Events written to streams, and streams cut off, for /metrics and tests. */
  readonly stats = { written: 0, cutOff: 0 };

  constructor(private readonly limits: { perTokenMax: number; perPartyMax?: number; perProcessMax: number; heartbeatMs?: number }) {}

  start(): void {
    this.heartbeat = setInterval(() => this.beat(), this.limits.heartbeatMs ?? liveHeartbeatMs);
    this.heartbeat.unref();
  }

  /** Ends every stream (the gateway is closing: an open stream would hold its server open). */
  stop(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const set of [...this.byToken.values()]) for (const s of [...set]) this.end(s, 'gatewayClosing');
  }

  get open(): number {
    return this.count;
  }

  /**
   * Takes over the response as an event stream for `principal`. Refused with 429 past the
   * streams a token may hold, 503 past what this process holds; `headers` are the ones the
   * request's checks set (rate-limit headers), sent with the stream's own.
   */
  attach(principal: Principal, res: ServerResponse, headers: Record<string, string | number | string[] | undefined>, now = Date.now()): void {
    const ofToken = this.byToken.get(principal.tokenId)?.size ?? 0;
    if (ofToken >= this.limits.perTokenMax) throw new Problem(commonProblems.rateLimited, `this token already holds ${ofToken} live event streams (at most ${this.limits.perTokenMax}); close one first`);
    const ofParty = this.byParty.get(principal.partyId)?.size ?? 0;
    const perPartyMax = this.limits.perPartyMax ?? 2 * this.limits.perTokenMax;
    if (ofParty >= perPartyMax) throw new Problem(commonProblems.rateLimited, `${principal.partyId} already holds ${ofParty} live event streams here (at most ${perPartyMax}, whatever its tokens); close one first`);
    if (this.count >= this.limits.perProcessMax) throw new Problem(commonProblems.notReady, 'this gateway holds as many live event streams as it may; retry shortly');
    const stream: Stream = { principal, res, expiresAtMs: Date.parse(principal.expiresAt) };
    if (stream.expiresAtMs <= now) throw new Problem(commonProblems.unauthenticated, 'the token has expired');
    // A client that went away while its request was being checked: its close has already fired,
    // so a stream registered now would hold its slots until the token expires.
    if (res.destroyed || res.socket?.destroyed) return;
    res.writeHead(200, {
      ...Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // nginx and similar proxies would buffer the stream otherwise.
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${liveRetryMs}\n: streaming ledger events for ${principal.partyId}\n\n`);
    const add = <K>(map: Map<K, Set<Stream>>, key: K) => (map.get(key) ?? map.set(key, new Set()).get(key)!).add(stream);
    add(this.byParty, principal.partyId);
    add(this.byToken, principal.tokenId);
    this.count += 1;
    res.on('close', () => this.forget(stream));
  }

  /** Writes one ledger event to the streams of each party it concerns, each with its own view. */
  publish(event: LiveEvent, notifications: readonly Notification[]): void {
    for (const n of notifications) {
      const streams = this.byParty.get(n.partyId);
      if (!streams) continue;
      const frame = `id: ${event.id}\nevent: ${n.type}\ndata: ${JSON.stringify({ id: event.id, type: n.type, occurredAt: event.occurredAt, data: n.data })}\n\n`;
      for (const s of [...streams]) this.write(s, frame);
    }
  }

  /** Ends the streams of a token (revoked: every process is told, see RegistryView.announce). */
  endToken(tokenId: string, reason = 'tokenRevoked'): void {
    for (const s of [...(this.byToken.get(tokenId) ?? [])]) this.end(s, reason);
  }

  private beat(now = Date.now()): void {
    for (const set of [...this.byToken.values()]) {
      for (const s of [...set]) {
        if (s.expiresAtMs <= now) this.end(s, 'tokenExpired');
        else this.write(s, `: heartbeat ${new Date(now).toISOString()}\n\n`);
      }
    }
  }

  private write(s: Stream, frame: string): void {
    if (s.res.destroyed) {
      this.forget(s);
      return;
    }
    if (s.res.writableLength > liveUnreadBytesMax) {
      this.stats.cutOff += 1;
      this.end(s, 'readerTooSlow');
      return;
    }
    s.res.write(frame);
    this.stats.written += 1;
  }

  /** Tells the client why (an `end` event: it should not reconnect with this token) and closes. */
  private end(s: Stream, reason: string): void {
    this.forget(s);
    if (!s.res.writableEnded) s.res.end(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
  }

  private forget(s: Stream): void {
    const drop = <K>(map: Map<K, Set<Stream>>, key: K) => {
      const set = map.get(key);
      if (!set?.delete(s)) return false;
      if (set.size === 0) map.delete(key);
      return true;
    };
    if (drop(this.byToken, s.principal.tokenId)) this.count -= 1;
    drop(this.byParty, s.principal.partyId);
  }
}
