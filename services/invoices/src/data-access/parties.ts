/**
 * The service's view of the ledger's parties and keys, kept from ledger.events. Writes are
 * idempotent on their own (a redelivered registration changes nothing), besides the inbox.
 */
import type { Party, Role } from '../domain/index.ts';
import type { Queryable } from './rows.ts';

export interface StoredKey {
  keyId: string;
  partyId: string;
  alg: 'ed25519' | 'sm2';
  publicKey: string;
  revoked: boolean;
}

export async function partiesByIds(q: Queryable, ids: readonly string[]): Promise<Map<string, Party>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const { rows } = await q.query<{ party_id: string; roles: Role[] }>('SELECT party_id, roles FROM parties WHERE party_id = ANY($1::text[])', [unique]);
  return new Map(rows.map((r) => [r.party_id, { partyId: r.party_id, roles: r.roles }]));
}

export async function keysByIds(q: Queryable, keyIds: readonly string[]): Promise<Map<string, StoredKey>> {
  if (keyIds.length === 0) return new Map();
  const { rows } = await q.query<{ key_id: string; party_id: string; alg: 'ed25519' | 'sm2'; public_key: string; revoked_at: Date | null }>(
    'SELECT key_id, party_id, alg, public_key, revoked_at FROM party_keys WHERE key_id = ANY($1::text[])',
    [[...new Set(keyIds)]],
  );
  return new Map(rows.map((r) => [r.key_id, { keyId: r.key_id, partyId: r.party_id, alg: r.alg, publicKey: r.public_key, revoked: r.revoked_at !== null }]));
}

export async function recordParty(q: Queryable, p: { partyId: string; uscc: string | null; name: string; roles: string[]; keys: { keyId: string; alg: string; publicKey: string }[]; at: string }): Promise<void> {
  await q.query('INSERT INTO parties (party_id, uscc, name, roles, registered_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (party_id) DO NOTHING', [p.partyId, p.uscc, p.name, p.roles, p.at]);
  for (const k of p.keys) await recordKey(q, { partyId: p.partyId, ...k, at: p.at });
}

export async function recordKey(q: Queryable, k: { partyId: string; keyId: string; alg: string; publicKey: string; at: string }): Promise<void> {
  await q.query('INSERT INTO party_keys (key_id, party_id, alg, public_key, added_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key_id) DO NOTHING', [k.keyId, k.partyId, k.alg, k.publicKey, k.at]);
}

export async function revokeKey(q: Queryable, k: { partyId: string; keyId: string; at: string }): Promise<void> {
  await q.query('UPDATE party_keys SET revoked_at = $3 WHERE key_id = $1 AND party_id = $2 AND revoked_at IS NULL', [k.keyId, k.partyId, k.at]);
}
