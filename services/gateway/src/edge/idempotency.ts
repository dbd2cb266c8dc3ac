/**
 * Idempotency-Key, as Formance and Stripe keep it: each key (per calling party) is stored in
 * Redis with the SHA-256 of its request (method, path and the canonical JSON of the body) and,
 * once answered, the response. The same key with the same request gets the same response again
 * (`Idempotent-Replayed: true`); with another request, 422. Claims are one atomic script, so two
 * gateway processes receiving the same key at once agree on which one handles it; the other waits
 * for that answer (up to `waitMs`) and returns it, or says 409 "in progress". A claim whose
 * process died is taken over when its lease runs out. Failures that deserve a retry (5xx) release
 * the key instead of storing the failure.
 */
import { createHash } from 'node:crypto';
import { canonicalize } from '@cascade/crypto';
import { Problem } from '@cascade/errors';
import { randomHex } from '@cascade/logging';
import { gatewayProblems } from '../problems.ts';
import type { GatewayRedis } from './redis-scripts.ts';

export const idempotencyHeader = 'idempotency-key';
export const idempotencyKeyPattern = /^[\x21-\x7e]{1,128}$/;
/** Polling interval while another process holds the key. */
export const idempotencyPollMs = 25;
/** Response headers kept with a stored response. */
const keptHeaders = ['content-type', 'location', 'retry-after'];

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Claim = { kind: 'claimed'; record: string; owner: string } | { kind: 'replay'; response: StoredResponse };

export function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${url}\n`).update(body === undefined ? '' : canonicalize(body)).digest('hex');
}

/**
 * A signed command's request hash, from the canonical bytes of its command the signature check
 * made (not canonicalised twice) and the rest of the body.
 */
export function commandRequestHash(method: string, url: string, commandBytes: Uint8Array, body: Record<string, unknown>): string {
  return createHash('sha256').update(`${method} ${url}\n`).update(commandBytes).update('\n').update(canonicalize({ ...body, command: null })).digest('hex');
}

/** What a command's claim adds: its nonce was used by another request. */
export type CommandClaim = Claim | { kind: 'nonceUsed' };

export class IdempotencyStore {
  constructor(
    private readonly redis: GatewayRedis,
    private readonly options: { prefix: string; ttlMs: number; leaseMs: number; waitMs: number },
  ) {}

  private record(partyId: string, key: string): string {
    return `${this.options.prefix}idem:${partyId}:${key}`;
  }

  /** Claims the key for this request, or returns the stored response; throws 422/409 problems. */
  async claim(partyId: string, key: string, hash: string): Promise<Claim> {
    return this.claimWith(partyId, key, (record, owner) => this.redis.gwClaimIdempotency(record, hash, owner, Date.now(), this.options.leaseMs, this.options.ttlMs)) as Promise<Claim>;
  }

  /**
   * Claims the key and, for a new request, the command's nonce with it (one script, one round
   * trip): `nonceUsed` when another request used the nonce first.
   */
  async claimCommand(partyId: string, key: string, hash: string, nonce: { key: string; scope: string; ttlMs: number }): Promise<CommandClaim> {
    return this.claimWith(partyId, key, (record, owner) => this.redis.gwClaimCommand(record, nonce.key, hash, owner, Date.now(), this.options.leaseMs, this.options.ttlMs, nonce.scope, nonce.ttlMs));
  }

  private async claimWith(partyId: string, key: string, run: (record: string, owner: string) => Promise<string[]>): Promise<CommandClaim> {
    const record = this.record(partyId, key);
    const owner = randomHex(8);
    const deadline = Date.now() + this.options.waitMs;
    for (;;) {
      const r = await run(record, owner);
      if (r[0] === 'claimed') return { kind: 'claimed', record, owner };
      if (r[0] === 'nonceUsed') return { kind: 'nonceUsed' };
      if (r[0] === 'mismatch') throw new Problem(gatewayProblems.idempotencyKeyReused, `Idempotency-Key ${JSON.stringify(key)} was used with a different request; use a new key for a new request`);
      if (r[0] === 'done') return { kind: 'replay', response: { status: Number(r[1]), headers: JSON.parse(r[2]!) as Record<string, string>, body: r[3]! } };
      if (Date.now() >= deadline) throw new Problem(gatewayProblems.idempotencyRequestInProgress, `a request with Idempotency-Key ${JSON.stringify(key)} is still being processed`);
      await new Promise((resolve) => setTimeout(resolve, idempotencyPollMs));
    }
  }

  async complete(claim: { record: string; owner: string }, status: number, headers: Record<string, unknown>, body: string): Promise<void> {
    const kept: Record<string, string> = {};
    for (const h of keptHeaders) if (headers[h] !== undefined) kept[h] = String(headers[h]);
    await this.redis.gwCompleteIdempotency(claim.record, claim.owner, status, JSON.stringify(kept), body, this.options.ttlMs);
  }

  async release(claim: { record: string; owner: string }): Promise<void> {
    await this.redis.gwReleaseIdempotency(claim.record, claim.owner);
  }
}
