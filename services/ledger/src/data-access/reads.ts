/**
 * Queries of the read side. They read committed rows only (never the writer's memory), so the
 * HTTP API can run in any number of processes beside the single writer.
 */
import type { Pool } from '@cascade/db';
import { buildProof, type InclusionProof, type SealedBlock } from '@cascade/chain';
import type { Party, Voucher } from '../domain/entities.ts';
import type { CommandResult, OperationRecord } from '../application/batch.ts';

export const pageSizeMax = 200;

export async function partyById(pool: Pool, partyId: string): Promise<Party | undefined> {
  const { rows } = await pool.query<{ data: Party }>('SELECT data FROM parties WHERE party_id = $1', [partyId]);
  return rows[0]?.data;
}

export async function voucherById(pool: Pool, voucherId: string): Promise<Voucher | undefined> {
  const { rows } = await pool.query<{ data: Voucher }>('SELECT data FROM vouchers WHERE voucher_id = $1', [voucherId]);
  return rows[0]?.data;
}

export async function treeOf(pool: Pool, rootId: string): Promise<Voucher[]> {
  const { rows } = await pool.query<{ data: Voucher }>('SELECT data FROM vouchers WHERE root_id = $1 ORDER BY created_seq, voucher_id', [rootId]);
  return rows.map((r) => r.data);
}

export interface VoucherPageQuery {
  partyId: string;
  status?: string;
  /** Opaque: the last voucher id of the previous page. */
  after?: string;
  limit: number;
}

/** Vouchers the party holds or issued, by id, one page at a time. */
export async function vouchersOfParty(pool: Pool, q: VoucherPageQuery): Promise<Voucher[]> {
  const { rows } = await pool.query<{ data: Voucher }>(
    `SELECT data FROM vouchers
     WHERE (holder = $1 OR issuer = $1) AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR voucher_id > $3)
     ORDER BY voucher_id LIMIT $4`,
    [q.partyId, q.status ?? null, q.after ?? null, Math.min(q.limit, pageSizeMax)],
  );
  return rows.map((r) => r.data);
}

export interface HistoryEntry {
  seq: number;
  opId: string;
  type: string;
  actor: string;
  committedAt: string;
  blockHeight: number | null;
}

export async function historyOf(pool: Pool, voucherId: string): Promise<HistoryEntry[]> {
  const { rows } = await pool.query<{ seq: string; op_id: string; type: string; actor: string; committed_at: Date; block_height: string | null }>(
    `SELECT o.seq, o.op_id, o.type, o.actor, o.committed_at, o.block_height FROM voucher_operations v JOIN operations o ON o.seq = v.seq
     WHERE v.voucher_id = $1 ORDER BY o.seq LIMIT 1000`,
    [voucherId],
  );
  return rows.map((r) => ({ seq: Number(r.seq), opId: r.op_id, type: r.type, actor: r.actor, committedAt: r.committed_at.toISOString(), blockHeight: r.block_height === null ? null : Number(r.block_height) }));
}

export async function vouchersTouchedBy(pool: Pool, seq: number): Promise<string[]> {
  const { rows } = await pool.query<{ voucher_id: string }>('SELECT voucher_id FROM voucher_operations WHERE seq = $1', [seq]);
  return rows.map((r) => r.voucher_id);
}

export async function balancesOf(pool: Pool, partyId: string): Promise<{ account: string; currency: string; amount: string }[]> {
  // Accounts are "<kind>:<party>", or "<kind>:<funder>:<issuer>" for credit-line memo accounts.
  // Exact comparison of the parts: a LIKE pattern would read "_" in a party id as a wildcard.
  const { rows } = await pool.query<{ account: string; currency: string; amount: string }>(
    `SELECT account, currency, amount::text FROM balances WHERE split_part(account, ':', 2) = $1 OR split_part(account, ':', 3) = $1 ORDER BY account, currency`,
    [partyId],
  );
  return rows;
}

export async function balanceTotals(pool: Pool): Promise<{ currency: string; total: string }[]> {
  const { rows } = await pool.query<{ currency: string; total: string }>('SELECT currency, sum(amount)::text AS total FROM balances GROUP BY currency ORDER BY currency');
  return rows;
}

export async function blocksFrom(pool: Pool, fromHeight: number, limit: number): Promise<SealedBlock[]> {
  const { rows } = await pool.query<{ hash: string; header: string; signature: string }>('SELECT hash, header, signature FROM blocks WHERE height >= $1 ORDER BY height LIMIT $2', [
    fromHeight,
    Math.min(limit, pageSizeMax),
  ]);
  return rows.map((r) => ({ hash: r.hash, header: JSON.parse(r.header), signature: JSON.parse(r.signature) }));
}

export interface StoredOperation {
  seq: number;
  rootId: string | null;
  actor: string;
  record: OperationRecord;
  blockHeight: number | null;
}

export async function operationById(pool: Pool, opId: string): Promise<StoredOperation | undefined> {
  const { rows } = await pool.query<{ seq: string; root_id: string | null; actor: string; record: string; block_height: string | null }>(
    'SELECT seq, root_id, actor, record, block_height FROM operations WHERE op_id = $1',
    [opId],
  );
  const r = rows[0];
  return r && { seq: Number(r.seq), rootId: r.root_id, actor: r.actor, record: JSON.parse(r.record), blockHeight: r.block_height === null ? null : Number(r.block_height) };
}

export async function proofOf(pool: Pool, op: StoredOperation): Promise<InclusionProof | undefined> {
  if (op.blockHeight === null) return undefined;
  const [block] = await blocksFrom(pool, op.blockHeight, 1);
  if (!block || block.header.height !== op.blockHeight) return undefined;
  const { rows } = await pool.query<{ seq: string; record: string }>('SELECT seq, record FROM operations WHERE block_height = $1 ORDER BY seq', [op.blockHeight]);
  const records = rows.map((r) => JSON.parse(r.record) as unknown);
  const index = rows.findIndex((r) => Number(r.seq) === op.seq);
  return buildProof(block, records, index);
}

export async function resultOf(pool: Pool, actor: string, nonce: string): Promise<CommandResult | undefined> {
  const { rows } = await pool.query<{ result: string }>('SELECT result FROM command_results WHERE actor = $1 AND nonce = $2', [actor, nonce]);
  return rows[0] ? (JSON.parse(rows[0].result) as CommandResult) : undefined;
}

export interface VoucherListQuery {
  /** The party whose vouchers are listed. */
  partyId: string;
  /** `holder`: it holds them; `issuer`: its trees; `any`: either. */
  role: 'holder' | 'issuer' | 'any';
  status?: string;
  rootId?: string;
  /** Only vouchers maturing on or before this date (YYYY-MM-DD). */
  maturityBefore?: string;
  after?: string;
  limit: number;
}

/** Vouchers by id, filtered; one page at a time (cursor: the last voucher id of the page before). */
export async function listVouchers(pool: Pool, q: VoucherListQuery): Promise<Voucher[]> {
  const { rows } = await pool.query<{ data: Voucher }>(
    `SELECT data FROM vouchers
     WHERE (($2 = 'holder' AND holder = $1) OR ($2 = 'issuer' AND issuer = $1) OR ($2 = 'any' AND (holder = $1 OR issuer = $1)))
       AND ($3::text IS NULL OR status = $3) AND ($4::uuid IS NULL OR root_id = $4) AND ($5::date IS NULL OR maturity_date <= $5)
       AND ($6::uuid IS NULL OR voucher_id > $6)
     ORDER BY voucher_id LIMIT $7`,
    [q.partyId, q.role, q.status ?? null, q.rootId ?? null, q.maturityBefore ?? null, q.after ?? null, Math.min(q.limit, pageSizeMax)],
  );
  return rows.map((r) => r.data);
}

/** Payables where the party is debtor or creditor (every payable for null), by id. */
export async function listPayables(pool: Pool, q: { partyId: string | null; role: 'debtor' | 'creditor' | 'any'; after?: string; limit: number }): Promise<unknown[]> {
  const { rows } = await pool.query<{ data: unknown }>(
    `SELECT data FROM payables
     WHERE ($1::text IS NULL OR ($2 IN ('debtor', 'any') AND data->>'debtor' = $1) OR ($2 IN ('creditor', 'any') AND data->>'creditor' = $1))
       AND ($3::text IS NULL OR payable_id > $3)
     ORDER BY payable_id LIMIT $4`,
    [q.partyId, q.role, q.after ?? null, Math.min(q.limit, pageSizeMax)],
  );
  return rows.map((r) => r.data);
}

/** Credit lines the party grants or draws on (every line for null), by funder then issuer. */
export async function listCreditLines(pool: Pool, q: { partyId: string | null; after?: string; limit: number }): Promise<unknown[]> {
  const { rows } = await pool.query<{ data: unknown }>(
    `SELECT data FROM credit_lines
     WHERE ($1::text IS NULL OR funder = $1 OR issuer = $1) AND ($2::text IS NULL OR funder || ':' || issuer > $2)
     ORDER BY funder || ':' || issuer LIMIT $3`,
    [q.partyId, q.after ?? null, Math.min(q.limit, pageSizeMax)],
  );
  return rows.map((r) => r.data);
}
