/**
 * The gateway's view of parties and their keys, and of which issuer each voucher's tree
 * belongs to, kept in its own schema from ledger.events (event-carried state: every write is
 * an idempotent upsert, applied once per event through the inbox).
 */
import type { PoolClient, Pool } from '@cascade/db';

export interface PartyRecord {
  partyId: string;
  uscc: string | null;
  name: string;
  roles: string[];
  registeredAt: string;
}

export interface KeyRecord {
  keyId: string;
  partyId: string;
  alg: 'ed25519' | 'sm2';
  publicKey: string;
  addedAt: string;
  revokedAt: string | null;
}

type Db = Pool | PoolClient;
export const partiesPerPageMax = 200;

export async function upsertParty(db: Db, p: PartyRecord): Promise<void> {
  await db.query(
    `INSERT INTO parties (party_id, uscc, name, roles, registered_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (party_id) DO UPDATE SET uscc = EXCLUDED.uscc, name = EXCLUDED.name, roles = EXCLUDED.roles`,
    [p.partyId, p.uscc, p.name, p.roles, p.registeredAt],
  );
}

export async function addKey(db: Db, k: Omit<KeyRecord, 'revokedAt'>): Promise<void> {
  await db.query(
    'INSERT INTO party_keys (key_id, party_id, alg, public_key, added_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key_id) DO NOTHING',
    [k.keyId, k.partyId, k.alg, k.publicKey, k.addedAt],
  );
}

export async function revokeKey(db: Db, keyId: string, at: string): Promise<void> {
  await db.query('UPDATE party_keys SET revoked_at = coalesce(revoked_at, $2) WHERE key_id = $1', [keyId, at]);
}

export async function recordVoucherIssuer(db: Db, rows: { voucherId: string; rootId: string; issuer: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO voucher_issuers (voucher_id, root_id, issuer) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[]) ON CONFLICT DO NOTHING`,
    [rows.map((r) => r.voucherId), rows.map((r) => r.rootId), rows.map((r) => r.issuer)],
  );
}

const partyOf = (r: { party_id: string; uscc: string | null; name: string; roles: string[]; registered_at: Date }): PartyRecord => ({
  partyId: r.party_id,
  uscc: r.uscc,
  name: r.name,
  roles: r.roles,
  registeredAt: r.registered_at.toISOString(),
});
const keyOf = (r: { key_id: string; party_id: string; alg: 'ed25519' | 'sm2'; public_key: string; added_at: Date; revoked_at: Date | null }): KeyRecord => ({
  keyId: r.key_id,
  partyId: r.party_id,
  alg: r.alg,
  publicKey: r.public_key,
  addedAt: r.added_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

export async function findParty(db: Db, partyId: string): Promise<PartyRecord | undefined> {
  const { rows } = await db.query('SELECT * FROM parties WHERE party_id = $1', [partyId]);
  return rows[0] ? partyOf(rows[0]) : undefined;
}

export async function findKey(db: Db, keyId: string): Promise<KeyRecord | undefined> {
  const { rows } = await db.query('SELECT * FROM party_keys WHERE key_id = $1', [keyId]);
  return rows[0] ? keyOf(rows[0]) : undefined;
}

export async function keysOfParty(db: Db, partyId: string): Promise<KeyRecord[]> {
  const { rows } = await db.query('SELECT * FROM party_keys WHERE party_id = $1 ORDER BY added_at, key_id', [partyId]);
  return rows.map(keyOf);
}

export async function listParties(db: Db, after: string | null, limit: number): Promise<PartyRecord[]> {
  const { rows } = await db.query('SELECT * FROM parties WHERE ($1::text IS NULL OR party_id > $1) ORDER BY party_id LIMIT $2', [after, Math.min(limit, partiesPerPageMax)]);
  return rows.map(partyOf);
}

export const directoryPageMax = 50;

/**
 * The directory's search: parties whose name contains `q` (case-insensitively), or whose party id
 * or USCC starts with it, in party-id order after the cursor. A scan of the view's parties table,
 * which holds the platform's registered parties (thousands, not millions); a trigram index is the
 * next step if it grows.
 */
export async function searchParties(db: Db, q: string, after: string | null, limit: number): Promise<PartyRecord[]> {
  const { rows } = await db.query(
    `SELECT * FROM parties
      WHERE (strpos(lower(name), lower($1)) > 0 OR starts_with(upper(party_id), upper($1)) OR starts_with(upper(coalesce(uscc, '')), upper($1)))
        AND ($2::text IS NULL OR party_id > $2)
      ORDER BY party_id LIMIT $3`,
    [q, after, Math.min(limit, directoryPageMax)],
  );
  return rows.map(partyOf);
}

/** The issuers of these vouchers' trees, for the ones the view knows (ids are UUIDs). */
export async function issuersOfVouchers(db: Db, voucherIds: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ voucher_id: string; issuer: string }>('SELECT voucher_id, issuer FROM voucher_issuers WHERE voucher_id = ANY($1::uuid[])', [voucherIds]);
  return new Map(rows.map((r) => [r.voucher_id, r.issuer]));
}
