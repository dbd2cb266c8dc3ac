/**
 * Bearer tokens → the calling party. A token names its row (`cgt1.<tokenId>.<secret>`); the
 * secret's SHA-256 must match, the token must be neither expired nor revoked, and the party must
 * be in the registry view (its roles come from there, never from the token). Verified tokens are
 * cached briefly per process; a revocation is announced to every process and takes effect at once.
 */
import type { FastifyRequest } from 'fastify';
import { Problem, commonProblems } from '@cascade/errors';
import { parseToken, secretMatches, type TokenRow, type TokenStore } from '../data-access/tokens.ts';
import { gatewayProblems } from '../problems.ts';
import type { RegistryView } from './registry-view.ts';

export interface Principal {
  partyId: string;
  roles: readonly string[];
  tokenId: string;
  /** When the token stops being valid (a live event stream is closed then). */
  expiresAt: string;
  /** A token the operator issued: it reads as the party and is refused on every mutating route. */
  readOnly: boolean;
}

export const tokenCacheTtlMs = 30_000;
export const tokenCacheEntriesMax = 100_000;
const tokenCharsMax = 200;

export class Authenticator {
  private readonly cache = new Map<string, { row: TokenRow & { secretSha256: string }; until: number }>();

  constructor(
    private readonly tokens: TokenStore,
    private readonly registry: RegistryView,
  ) {
    registry.listeners.push((what) => {
      if (what.startsWith('token:')) this.cache.delete(what.slice('token:'.length));
      if (what === '*') this.cache.clear();
    });
  }

  /** The principal of a request's bearer token; throws 401 problems. */
  async authenticate(request: FastifyRequest, now = Date.now()): Promise<Principal> {
    const header = request.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) {
      throw new Problem(commonProblems.unauthenticated, 'send Authorization: Bearer <token>; get a token with a signed login (POST /v1/auth/login)');
    }
    const token = header.slice('Bearer '.length).trim();
    const parsed = token.length <= tokenCharsMax ? parseToken(token) : undefined;
    if (!parsed) throw new Problem(gatewayProblems.tokenInvalid, 'the bearer token is not a Cascade token');
    let hit = this.cache.get(parsed.tokenId);
    if (!hit || hit.until < now) {
      const row = await this.tokens.find(parsed.tokenId);
      if (!row) throw new Problem(gatewayProblems.tokenInvalid, 'unknown token');
      if (this.cache.size >= tokenCacheEntriesMax) this.cache.delete(this.cache.keys().next().value!);
      hit = { row, until: now + tokenCacheTtlMs };
      this.cache.set(parsed.tokenId, hit);
    }
    const { row } = hit;
    if (!secretMatches(parsed.secret, row.secretSha256)) throw new Problem(gatewayProblems.tokenInvalid, 'unknown token');
    if (row.revokedAt !== null) throw new Problem(gatewayProblems.tokenInvalid, `token revoked at ${row.revokedAt}`);
    if (Date.parse(row.expiresAt) <= now) throw new Problem(gatewayProblems.tokenInvalid, `token expired at ${row.expiresAt}; log in again`);
    const party = await this.registry.party(row.partyId, now);
    if (!party) throw new Problem(gatewayProblems.tokenInvalid, `party ${row.partyId} is no longer registered`);
    return { partyId: row.partyId, roles: party.roles, tokenId: row.tokenId, expiresAt: row.expiresAt, readOnly: row.issuedBy !== null };
  }

  forget(tokenId: string): void {
    this.cache.delete(tokenId);
  }
}
