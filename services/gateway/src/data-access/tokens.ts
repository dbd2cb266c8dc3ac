/**
 * Bearer tokens in the gateway's PostgreSQL schema. A token is `cgt1.<tokenId>.<secret>`; the row
 * keeps the SHA-256 of the secret only, so neither a dump nor a log line gives anyone a token.
 * A token is issued in the same transaction that records its login's nonce, so a replayed login
 * fails on the nonce's primary key and issues nothing. A token the operator issues to a party
 * (`POST /v1/tokens`) has no login, hence no nonce.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { withTransaction, type Pool } from '@cascade/db';
import { uuidv7 } from '@cascade/ids';

export const tokenPrefix = 'cgt1';
const secretBytes = 32;
export const tokensPerPageMax = 200;

export interface TokenRow {
  tokenId: string;
  partyId: string;
  label: string | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  /** The operator who issued it (a read-only token), or null for the party's own login. */
  issuedBy: string | null;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class LoginReplayedError extends Error {
  override readonly name = 'LoginReplayedError';
}

/** Parses `cgt1.<uuid>.<base64url>`; undefined for anything else. */
export function parseToken(token: string): { tokenId: string; secret: string } | undefined {
  const m = /^cgt1\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return m ? { tokenId: m[1]!, secret: m[2]! } : undefined;
}

export function secretMatches(secret: string, storedSha256: string): boolean {
  const a = Buffer.from(sha256(secret), 'hex');
  const b = Buffer.from(storedSha256, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

const rowOf = (r: { token_id: string; party_id: string; label: string | null; created_at: Date; expires_at: Date; revoked_at: Date | null; issued_by: string | null }): TokenRow => ({
  tokenId: r.token_id,
  partyId: r.party_id,
  label: r.label,
  createdAt: r.created_at.toISOString(),
  expiresAt: r.expires_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null,
  issuedBy: r.issued_by,
});

export class TokenStore {
  constructor(private readonly pool: Pool) {}

  /**
   * Issues a token: for a verified login (its nonce, used once: LoginReplayedError when it was
   * used before), or with `loginNonce` null and `issuedBy` the operator for the operator's
   * read-only issue to a registered party.
   */
  async issue(input: { partyId: string; loginNonce: string | null; issuedBy?: string; idempotency?: { key: string; requestSha256: string }; label: string | null; now: Date; expiresAt: Date }): Promise<{ token: string; row: TokenRow }> {
    const tokenId = uuidv7();
    const secret = randomBytes(secretBytes).toString('base64url');
    return withTransaction(this.pool, async (client) => {
      if (input.loginNonce !== null) {
        const claimed = await client.query('INSERT INTO login_nonces (party_id, nonce, used_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [input.partyId, input.loginNonce, input.now]);
        if (claimed.rowCount === 0) throw new LoginReplayedError(`login nonce ${input.loginNonce} of ${input.partyId} was used before`);
      }
      const { rows } = await client.query(
        'INSERT INTO tokens (token_id, party_id, secret_sha256, label, created_at, expires_at, issued_by, idempotency_key, request_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *',
        [tokenId, input.partyId, sha256(secret), input.label, input.now, input.expiresAt, input.issuedBy ?? null, input.idempotency?.key ?? null, input.idempotency?.requestSha256 ?? null],
      );
      return { token: `${tokenPrefix}.${tokenId}.${secret}`, row: rowOf(rows[0]) };
    });
  }

  /** The token an operator issued under an Idempotency-Key, with the hash of the request it came with. */
  async issuedUnder(issuedBy: string, key: string): Promise<{ tokenId: string; requestSha256: string } | undefined> {
    const { rows } = await this.pool.query<{ token_id: string; request_sha256: string }>('SELECT token_id, request_sha256 FROM tokens WHERE issued_by = $1 AND idempotency_key = $2', [issuedBy, key]);
    return rows[0] ? { tokenId: rows[0].token_id, requestSha256: rows[0].request_sha256 } : undefined;
  }

  /** The token's row with its secret hash, or undefined. */
  async find(tokenId: string): Promise<(TokenRow & { secretSha256: string }) | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM tokens WHERE token_id = $1', [tokenId]);
    return rows[0] ? { ...rowOf(rows[0]), secretSha256: rows[0].secret_sha256 as string } : undefined;
  }

  /** A party's tokens (every party's for `partyId` null), newest first, one page at a time. */
  async list(partyId: string | null, before: string | null, limit: number): Promise<TokenRow[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM tokens WHERE ($1::text IS NULL OR party_id = $1) AND ($2::uuid IS NULL OR token_id < $2) ORDER BY token_id DESC LIMIT $3`,
      [partyId, before, Math.min(limit, tokensPerPageMax)],
    );
    return rows.map(rowOf);
  }

  /** Revokes a token (once; a second revoke keeps the first time). */
  async revoke(tokenId: string, now: Date): Promise<TokenRow | undefined> {
    const { rows } = await this.pool.query('UPDATE tokens SET revoked_at = coalesce(revoked_at, $2) WHERE token_id = $1 RETURNING *', [tokenId, now]);
    return rows[0] ? rowOf(rows[0]) : undefined;
  }

  /** Drops login nonces older than `before` (bounded per call) and tokens expired before it. */
  async sweep(before: Date, rowsMax = 1_000): Promise<number> {
    const a = await this.pool.query('DELETE FROM login_nonces WHERE ctid IN (SELECT ctid FROM login_nonces WHERE used_at < $1 LIMIT $2)', [before, rowsMax]);
    return a.rowCount ?? 0;
  }
}
