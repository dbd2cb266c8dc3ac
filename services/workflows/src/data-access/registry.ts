/**
 * PostgreSQL side of financing registration: parties' names and USCCs, the invoices behind
 * vouchers, one row per financing request with the registry's answers, and the registry steps
 * (claimed like the schedule's actions, `FOR UPDATE SKIP LOCKED`).
 */
import type { Pool, PoolClient } from '@cascade/db';
import type { Receivable, RegistryParty } from '@cascade/payments';
import type { RegistryOperationStep } from '../domain/registry.ts';
import { claimBatchMax } from './store.ts';

type Db = Pool | PoolClient;

export type FinancingState = 'requested' | 'funded' | 'rejected' | 'withdrawn' | 'paidOff';
export type RegistryStatus = 'new' | 'searched' | 'registered' | 'released';

export interface FinancingRow {
  financingId: string;
  voucherId: string;
  rootId: string;
  holder: string;
  funder: string;
  amount: string;
  requestedAt: Date;
  state: FinancingState;
  receivable: Receivable | null;
  registryStatus: RegistryStatus;
  search: unknown;
  registration: unknown;
  release: unknown;
  updatedAt: Date;
}

export interface StepRow {
  id: string;
  financingId: string;
  operation: RegistryOperationStep;
  input: Record<string, unknown>;
  dueAt: Date;
  state: 'pending' | 'enqueued' | 'done' | 'cancelled' | 'failed';
  attempts: number;
  outcome: string | null;
}

export async function recordPartyIdentity(db: Db, partyId: string, name: string, uscc: string | null): Promise<void> {
  await db.query('UPDATE parties SET name = $2, uscc = $3 WHERE party_id = $1', [partyId, name, uscc]);
}

/** The registry's names of parties; a party without a USCC (or unknown) is left out. */
export async function registryPartiesOf(db: Db, partyIds: string[]): Promise<Map<string, RegistryParty>> {
  const { rows } = await db.query<{ party_id: string; name: string; uscc: string }>('SELECT party_id, name, uscc FROM parties WHERE party_id = ANY($1::text[]) AND name IS NOT NULL AND uscc IS NOT NULL', [partyIds]);
  return new Map(rows.map((r) => [r.party_id, { name: r.name, uscc: r.uscc }]));
}

export async function recordPayable(db: Db, payableId: string, invoices: string[]): Promise<void> {
  await db.query('INSERT INTO registry_payables (payable_id, invoices) VALUES ($1, $2) ON CONFLICT (payable_id) DO NOTHING', [payableId, invoices]);
}

export async function recordVouchers(db: Db, vouchers: { voucherId: string; rootId: string; payableIds: string[] }[]): Promise<void> {
  if (vouchers.length === 0) return;
  await db.query(
    `INSERT INTO registry_vouchers (voucher_id, root_id, payable_ids) SELECT x.voucher_id, x.root_id, x.payable_ids FROM json_to_recordset($1::json) AS x(voucher_id uuid, root_id uuid, payable_ids text[])
     ON CONFLICT (voucher_id) DO NOTHING`,
    [JSON.stringify(vouchers.map((v) => ({ voucher_id: v.voucherId, root_id: v.rootId, payable_ids: v.payableIds })))],
  );
}

/** The invoices behind a voucher (its own backing, else its root's: a piece of a split carries none), in a stable order. */
export async function invoicesOf(db: Db, voucherId: string, rootId: string): Promise<string[]> {
  for (const id of voucherId === rootId ? [voucherId] : [voucherId, rootId]) {
    const { rows } = await db.query<{ invoice: string }>(
      `SELECT DISTINCT unnest(p.invoices) AS invoice FROM registry_vouchers v JOIN registry_payables p ON p.payable_id = ANY(v.payable_ids) WHERE v.voucher_id = $1 ORDER BY invoice`,
      [id],
    );
    if (rows.length > 0) return rows.map((r) => r.invoice);
  }
  return [];
}

export async function treeOf(db: Db, rootId: string): Promise<{ issuer: string; maturityDate: string } | undefined> {
  const { rows } = await db.query<{ issuer: string; maturity_date: string }>('SELECT issuer, maturity_date::text AS maturity_date FROM trees WHERE root_id = $1', [rootId]);
  return rows[0] && { issuer: rows[0].issuer, maturityDate: rows[0].maturity_date };
}

export async function insertFinancing(db: Db, f: { financingId: string; voucherId: string; rootId: string; holder: string; funder: string; amount: string; requestedAt: string; receivable: Receivable | null }): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO registry_financings (financing_id, voucher_id, root_id, holder, funder, amount, requested_at, receivable) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (financing_id) DO NOTHING`,
    [f.financingId, f.voucherId, f.rootId, f.holder, f.funder, f.amount, f.requestedAt, f.receivable === null ? null : JSON.stringify(f.receivable)],
  );
  return (rowCount ?? 0) > 0;
}

const financingOf = (r: Record<string, any>): FinancingRow => ({
  financingId: r.financing_id,
  voucherId: r.voucher_id,
  rootId: r.root_id,
  holder: r.holder,
  funder: r.funder,
  amount: r.amount,
  requestedAt: r.requested_at,
  state: r.state,
  receivable: r.receivable,
  registryStatus: r.registry_status,
  search: r.search,
  registration: r.registration,
  release: r.release,
  updatedAt: r.updated_at,
});

/** The voucher's latest financing in `states` (every state when none is given). */
export async function latestFinancingOf(db: Db, voucherId: string, states?: FinancingState[]): Promise<FinancingRow | undefined> {
  const { rows } = await db.query(`SELECT * FROM registry_financings WHERE voucher_id = $1 AND ($2::text[] IS NULL OR state = ANY($2::text[])) ORDER BY requested_at DESC LIMIT 1`, [voucherId, states ?? null]);
  return rows[0] && financingOf(rows[0]);
}

/** The funded financings among `voucherIds` (a settlement's payouts: one query, however many). */
export async function fundedFinancingsOf(db: Db, voucherIds: string[]): Promise<FinancingRow[]> {
  if (voucherIds.length === 0) return [];
  const { rows } = await db.query(`SELECT * FROM registry_financings WHERE voucher_id = ANY($1::uuid[]) AND state = 'funded'`, [voucherIds]);
  return rows.map(financingOf);
}

export async function financingById(db: Db, financingId: string): Promise<FinancingRow | undefined> {
  const { rows } = await db.query('SELECT * FROM registry_financings WHERE financing_id = $1', [financingId]);
  return rows[0] && financingOf(rows[0]);
}

/** Moves a financing on as the ledger decided; only from `from`. */
export async function setFinancingState(db: Db, financingId: string, from: FinancingState[], to: FinancingState, at: Date): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE registry_financings SET state = $3, updated_at = $4 WHERE financing_id = $1 AND state = ANY($2::text[])', [financingId, from, to, at]);
  return (rowCount ?? 0) > 0;
}

export async function recordAnswer(db: Db, financingId: string, operation: RegistryOperationStep, answer: unknown, at: Date): Promise<void> {
  const column = operation === 'search' ? 'search' : operation === 'register' ? 'registration' : 'release';
  const status = operation === 'search' ? 'searched' : operation === 'register' ? 'registered' : 'released';
  await db.query(`UPDATE registry_financings SET ${column} = $2, registry_status = $3, updated_at = $4 WHERE financing_id = $1`, [financingId, JSON.stringify(answer), status, at]);
}

export async function planStep(db: Db, s: { id: string; financingId: string; operation: RegistryOperationStep; input: unknown; dueAt: Date }): Promise<void> {
  await db.query(`INSERT INTO registry_steps (id, financing_id, operation, input, due_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`, [s.id, s.financingId, s.operation, JSON.stringify(s.input), s.dueAt]);
}

/** Cancels a financing's steps that wait (a rejected or withdrawn request is not searched). */
export async function cancelSteps(db: Db, financingId: string, at: Date): Promise<void> {
  await db.query(`UPDATE registry_steps SET state = 'cancelled', done_at = $2, outcome = 'no longer needed' WHERE financing_id = $1 AND state = 'pending'`, [financingId, at]);
}

/** Steps due by `now`, and steps handed to the queue longer than `staleMs` ago: marked enqueued, returned. */
export async function claimDueSteps(db: Db, now: Date, staleMs: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE registry_steps SET state = 'enqueued', enqueued_at = $1
     WHERE id IN (
       SELECT id FROM registry_steps WHERE (state = 'pending' AND due_at <= $1) OR (state = 'enqueued' AND enqueued_at < $2)
       ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING id`,
    [now, new Date(now.getTime() - staleMs), claimBatchMax],
  );
  return rows.map((r) => r.id);
}

const stepOf = (r: Record<string, any>): StepRow => ({ id: r.id, financingId: r.financing_id, operation: r.operation, input: r.input, dueAt: r.due_at, state: r.state, attempts: r.attempts, outcome: r.outcome });

export async function stepById(db: Db, id: string): Promise<StepRow | undefined> {
  const { rows } = await db.query('SELECT * FROM registry_steps WHERE id = $1', [id]);
  return rows[0] && stepOf(rows[0]);
}

export async function stepsOf(db: Db, financingId: string): Promise<StepRow[]> {
  const { rows } = await db.query('SELECT * FROM registry_steps WHERE financing_id = $1 ORDER BY created_at, id', [financingId]);
  return rows.map(stepOf);
}

export async function finishStep(db: Db, id: string, state: 'done' | 'failed', outcome: string, at: Date): Promise<void> {
  await db.query(`UPDATE registry_steps SET state = $2, outcome = $3, done_at = $4 WHERE id = $1 AND state = 'enqueued'`, [id, state, outcome.slice(0, 500), at]);
}

export async function retryStepAt(db: Db, id: string, dueAt: Date, outcome: string): Promise<void> {
  await db.query(`UPDATE registry_steps SET state = 'pending', due_at = $2, attempts = attempts + 1, outcome = $3 WHERE id = $1 AND state = 'enqueued'`, [id, dueAt, outcome.slice(0, 500)]);
}
