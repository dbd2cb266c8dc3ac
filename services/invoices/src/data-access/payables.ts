/**
 * PostgreSQL store of payables, their invoices and their usage (payables, payable_invoices, roots,
 * and the usage columns of invoices).
 */
import type { FourFlowResult, InvoiceShare, PayableUsage, RootUsage } from '../domain/index.ts';
import { Refusal } from '../domain/index.ts';
import { amountOf, fen, invoiceColumnsOf, invoiceOf, uniqueViolation, type InvoiceRow, type Queryable, type StoredInvoice } from './rows.ts';
import { pageSizeMax, type PageQuery } from './records.ts';

export type PayableStatus = 'confirmed' | 'recorded' | 'refused';

export interface StoredPayable {
  payableId: string;
  status: PayableStatus;
  debtor: string;
  creditor: string;
  amount: string;
  dueDate: string;
  invoices: { invoiceId: string; invoiceKey: string; amount: string }[];
  fourFlow: FourFlowResult & { floor: number };
  usage: { issued: string; financed: string; settled: string };
  actor: string;
  nonce: string;
  confirmedAt: string;
  decidedAt: string | null;
  refusal: { code: string; detail: string } | null;
}

export interface NewPayable {
  payableId: string;
  debtor: string;
  creditor: string;
  amount: string;
  dueDate: string;
  fourFlow: FourFlowResult & { floor: number };
  actor: string;
  nonce: string;
  commandHash: string;
  command: unknown;
  signatures: unknown;
  confirmedAt: string;
  allocations: { invoiceId: string; amount: string }[];
}

/** Two submissions of one (actor, nonce) raced; the loser reads the winner's result. */
export class NonceRaceError extends Error {
  override readonly name = 'NonceRaceError';
}

export async function insertPayable(q: Queryable, p: NewPayable): Promise<void> {
  try {
    await q.query(
      `INSERT INTO payables (payable_id, debtor, creditor, amount_fen, due_date, status, four_flow_score, four_flow, actor, nonce, command_hash, command, signatures, confirmed_at)
       VALUES ($1, $2, $3, $4, $5, 'confirmed', $6, $7, $8, $9, $10, $11, $12, $13)`,
      [p.payableId, p.debtor, p.creditor, fen(p.amount), p.dueDate, p.fourFlow.score, JSON.stringify(p.fourFlow), p.actor, p.nonce, p.commandHash, JSON.stringify(p.command), JSON.stringify(p.signatures), p.confirmedAt],
    );
  } catch (error) {
    const constraint = uniqueViolation(error);
    if (constraint === 'payables_pkey') throw new Refusal('payableIdTaken', `payable id ${p.payableId} is already used`);
    if (constraint === 'payables_nonce_unique') throw new NonceRaceError(`${p.actor}:${p.nonce}`);
    throw error;
  }
  await q.query(
    `INSERT INTO payable_invoices (payable_id, position, invoice_id, amount_fen)
     SELECT $1, ord - 1, invoice_id, amount_fen FROM unnest($2::uuid[], $3::bigint[]) WITH ORDINALITY AS t(invoice_id, amount_fen, ord)`,
    [p.payableId, p.allocations.map((a) => a.invoiceId), p.allocations.map((a) => fen(a.amount))],
  );
}

export async function payableByNonce(q: Queryable, actor: string, nonce: string): Promise<{ payableId: string; commandHash: string } | undefined> {
  const { rows } = await q.query<{ payable_id: string; command_hash: string }>('SELECT payable_id, command_hash FROM payables WHERE actor = $1 AND nonce = $2', [actor, nonce]);
  return rows[0] && { payableId: rows[0].payable_id, commandHash: rows[0].command_hash };
}

interface PayableRow {
  payable_id: string;
  status: PayableStatus;
  debtor: string;
  creditor: string;
  amount_fen: string;
  due_date: string;
  four_flow: FourFlowResult & { floor: number };
  issued_fen: string;
  financed_fen: string;
  settled_fen: string;
  actor: string;
  nonce: string;
  confirmed_at: Date;
  decided_at: Date | null;
  refusal: { code: string; detail: string } | null;
  invoices: { invoiceId: string; invoiceKey: string; amountFen: string }[];
}

const payableSelect = `SELECT p.payable_id, p.status, p.debtor, p.creditor, p.amount_fen, p.due_date::text AS due_date, p.four_flow, p.issued_fen, p.financed_fen, p.settled_fen,
    p.actor, p.nonce, p.confirmed_at, p.decided_at, p.refusal,
    (SELECT json_agg(json_build_object('invoiceId', pi.invoice_id, 'invoiceKey', i.invoice_key, 'amountFen', pi.amount_fen::text) ORDER BY pi.position)
       FROM payable_invoices pi JOIN invoices i USING (invoice_id) WHERE pi.payable_id = p.payable_id) AS invoices
  FROM payables p`;

const payableOf = (r: PayableRow): StoredPayable => ({
  payableId: r.payable_id,
  status: r.status,
  debtor: r.debtor,
  creditor: r.creditor,
  amount: amountOf(r.amount_fen),
  dueDate: r.due_date,
  invoices: (r.invoices ?? []).map((i) => ({ invoiceId: i.invoiceId, invoiceKey: i.invoiceKey, amount: amountOf(i.amountFen) })),
  fourFlow: r.four_flow,
  usage: { issued: amountOf(r.issued_fen), financed: amountOf(r.financed_fen), settled: amountOf(r.settled_fen) },
  actor: r.actor,
  nonce: r.nonce,
  confirmedAt: r.confirmed_at.toISOString(),
  decidedAt: r.decided_at?.toISOString() ?? null,
  refusal: r.refusal,
});

export async function payableById(q: Queryable, id: string): Promise<StoredPayable | undefined> {
  const { rows } = await q.query<PayableRow>(`${payableSelect} WHERE p.payable_id = $1`, [id]);
  return rows[0] && payableOf(rows[0]);
}

export async function listPayables(q: Queryable, p: PageQuery): Promise<StoredPayable[]> {
  const { rows } = await q.query<PayableRow>(
    `${payableSelect} WHERE ($1::text IS NULL OR p.debtor = $1 OR p.creditor = $1) AND ($2::text IS NULL OR p.payable_id > $2) ORDER BY p.payable_id LIMIT $3`,
    [p.party, p.after, Math.min(p.limit, pageSizeMax)],
  );
  return rows.map(payableOf);
}

/** Payables confirmed against an invoice (for InvoiceVoidedAfterUse). */
export async function payablesOfInvoice(q: Queryable, invoiceId: string): Promise<string[]> {
  const { rows } = await q.query<{ payable_id: string }>(
    `SELECT pi.payable_id FROM payable_invoices pi JOIN payables p USING (payable_id) WHERE pi.invoice_id = $1 AND p.status <> 'refused' ORDER BY pi.payable_id LIMIT 1000`,
    [invoiceId],
  );
  return rows.map((r) => r.payable_id);
}

// ---- Usage ----------------------------------------------------------------------------------------

/** The usage of these payables, locked for update in id order. Unknown ids are absent. */
export async function lockPayableUsage(q: Queryable, ids: readonly string[]): Promise<Map<string, PayableUsage>> {
  if (ids.length === 0) return new Map();
  const { rows } = await q.query<{ payable_id: string; amount_fen: string; status: PayableStatus; issued_fen: string; financed_fen: string; settled_fen: string; allocations: { invoiceId: string; amountFen: string }[] }>(
    `SELECT p.payable_id, p.amount_fen, p.status, p.issued_fen, p.financed_fen, p.settled_fen,
       (SELECT json_agg(json_build_object('invoiceId', invoice_id, 'amountFen', amount_fen::text) ORDER BY position) FROM payable_invoices pi WHERE pi.payable_id = p.payable_id) AS allocations
     FROM payables p WHERE p.payable_id = ANY($1::text[]) ORDER BY p.payable_id FOR UPDATE`,
    [[...new Set(ids)]],
  );
  return new Map(
    rows.map((r) => [
      r.payable_id,
      {
        payableId: r.payable_id,
        amountFen: BigInt(r.amount_fen),
        refused: r.status === 'refused',
        allocations: (r.allocations ?? []).map((a) => ({ invoiceId: a.invoiceId, amountFen: BigInt(a.amountFen) })),
        issuedFen: BigInt(r.issued_fen),
        financedFen: BigInt(r.financed_fen),
        settledFen: BigInt(r.settled_fen),
      },
    ]),
  );
}

export async function savePayableUsage(q: Queryable, p: PayableUsage): Promise<void> {
  await q.query('UPDATE payables SET issued_fen = $2, financed_fen = $3, settled_fen = $4 WHERE payable_id = $1', [p.payableId, p.issuedFen.toString(), p.financedFen.toString(), p.settledFen.toString()]);
}

export async function lockRoot(q: Queryable, rootId: string): Promise<RootUsage | undefined> {
  const { rows } = await q.query<{ root_id: string; backing: { payableId: string; amountFen: string }[]; live: boolean; financed_fen: string; settled_fen: string }>(
    'SELECT root_id, backing, live, financed_fen, settled_fen FROM roots WHERE root_id = $1 FOR UPDATE',
    [rootId],
  );
  const r = rows[0];
  return r && { rootId: r.root_id, backing: r.backing.map((b) => ({ payableId: b.payableId, amountFen: BigInt(b.amountFen) })), live: r.live, financedFen: BigInt(r.financed_fen), settledFen: BigInt(r.settled_fen) };
}

export async function saveRoot(q: Queryable, r: RootUsage): Promise<void> {
  await q.query(
    `INSERT INTO roots (root_id, backing, live, financed_fen, settled_fen) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (root_id) DO UPDATE SET live = EXCLUDED.live, financed_fen = EXCLUDED.financed_fen, settled_fen = EXCLUDED.settled_fen`,
    [r.rootId, JSON.stringify(r.backing.map((b) => ({ payableId: b.payableId, amountFen: b.amountFen.toString() }))), r.live, r.financedFen.toString(), r.settledFen.toString()],
  );
}

/**
 * Adds usage deltas to invoices (in id order) and returns the invoices as they now are. The
 * table's CHECK keeps every invoice within its total: a delta that would break it fails the
 * transaction instead of being stored.
 */
export async function addInvoiceUsage(q: Queryable, deltas: readonly InvoiceShare[]): Promise<StoredInvoice[]> {
  if (deltas.length === 0) return [];
  const sorted = [...deltas].sort((a, b) => (a.invoiceId < b.invoiceId ? -1 : 1));
  const { rows } = await q.query<InvoiceRow>(
    `UPDATE invoices i SET committed_fen = committed_fen + d.committed, used_fen = used_fen + d.used, financed_fen = financed_fen + d.financed, settled_fen = settled_fen + d.settled
     FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[]) AS d(invoice_id, committed, used, financed, settled)
     WHERE i.invoice_id = d.invoice_id
     RETURNING ${invoiceColumnsOf('i.')}`,
    [sorted.map((d) => d.invoiceId), sorted.map((d) => d.committed.toString()), sorted.map((d) => d.used.toString()), sorted.map((d) => d.financed.toString()), sorted.map((d) => d.settled.toString())],
  );
  return rows.map(invoiceOf);
}

export async function markPayableRecorded(q: Queryable, payableId: string, at: string): Promise<boolean> {
  const { rowCount } = await q.query(`UPDATE payables SET status = 'recorded', decided_at = $2 WHERE payable_id = $1 AND status = 'confirmed'`, [payableId, at]);
  return (rowCount ?? 0) > 0;
}

export async function markPayableRefused(q: Queryable, payableId: string, refusal: { code: string; detail: string }, at: string): Promise<StoredPayable | undefined> {
  const { rowCount } = await q.query(`UPDATE payables SET status = 'refused', decided_at = $3, refusal = $2 WHERE payable_id = $1 AND status <> 'refused'`, [payableId, JSON.stringify(refusal), at]);
  return rowCount ? payableById(q, payableId) : undefined;
}
