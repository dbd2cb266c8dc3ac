/**
 * PostgreSQL store of trade records. Duplicates are refused by unique constraints at insert time
 * (never a check-then-insert), so two registrations of one invoice racing each other end with
 * exactly one row.
 */
import type { Contract, Delivery, Invoice, Payment, PaymentEdge } from '../domain/index.ts';
import { Refusal } from '../domain/index.ts';
import {
  amountOf,
  contractColumns,
  contractOf,
  deliveryColumns,
  deliveryOf,
  fen,
  invoiceColumns,
  invoiceOf,
  paymentColumns,
  paymentOf,
  uniqueViolation,
  type ContractRow,
  type DeliveryRow,
  type InvoiceRow,
  type PaymentRow,
  type Queryable,
  type StoredInvoice,
} from './rows.ts';

export const pageSizeMax = 200;

async function insertOrRefuse(run: () => Promise<unknown>, constraint: string, refusal: () => Refusal): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (uniqueViolation(error) === constraint) throw refusal();
    throw error;
  }
}

export async function insertContract(q: Queryable, c: Contract): Promise<void> {
  await insertOrRefuse(
    () =>
      q.query(
        `INSERT INTO contracts (contract_id, contract_number, buyer, seller, amount_fen, signed_on, valid_until, document_hash, lines, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [c.contractId, c.contractNumber, c.buyer, c.seller, fen(c.amount), c.signedOn, c.validUntil, c.documentHash, JSON.stringify(c.lines), c.recordedBy, c.recordedAt],
      ),
    'contracts_number_unique',
    () => new Refusal('contractAlreadyRecorded', `seller ${c.seller} already recorded contract ${c.contractNumber} with buyer ${c.buyer}`),
  );
}

export const invoiceAlreadyRegistered = (key: string): Refusal => new Refusal('invoiceAlreadyRegistered', `invoice ${key} is already registered`);

export async function insertInvoice(q: Queryable, i: Invoice): Promise<void> {
  await insertOrRefuse(
    () =>
      q.query(
        `INSERT INTO invoices (invoice_id, invoice_key, form, code, number, seller, buyer, amount_excl_tax_fen, tax_fen, total_fen, issued_on, document_hash, contract_id, verification, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
        [i.invoiceId, i.invoiceKey, i.form, i.code, i.number, i.seller, i.buyer, fen(i.amountExclTax), fen(i.tax), fen(i.total), i.issuedOn, i.documentHash, i.contractId, i.verification, i.recordedBy, i.recordedAt],
      ),
    'invoices_key_unique',
    () => invoiceAlreadyRegistered(i.invoiceKey),
  );
}

/**
 * Inserts many invoices in one statement (bulk import). A row whose key is already registered is
 * skipped by the unique constraint (`ON CONFLICT DO NOTHING`), never overwritten; the keys
 * inserted are returned, so the caller reports the others as duplicates. Keys must be distinct
 * within the call (the importer refuses a repeat within the file first).
 */
export async function insertInvoicesSkippingDuplicates(q: Queryable, list: readonly Invoice[]): Promise<Set<string>> {
  if (list.length === 0) return new Set();
  const col = <T>(f: (i: Invoice) => T): T[] => list.map(f);
  const { rows } = await q.query<{ invoice_key: string }>(
    `INSERT INTO invoices (invoice_id, invoice_key, form, code, number, seller, buyer, amount_excl_tax_fen, tax_fen, total_fen, issued_on, document_hash, contract_id, verification, recorded_by, recorded_at)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::bigint[], $11::date[], $12::text[], $13::uuid[], $14::text[], $15::text[], $16::timestamptz[])
     ON CONFLICT ON CONSTRAINT invoices_key_unique DO NOTHING
     RETURNING invoice_key`,
    [
      col((i) => i.invoiceId),
      col((i) => i.invoiceKey),
      col((i) => i.form),
      col((i) => i.code),
      col((i) => i.number),
      col((i) => i.seller),
      col((i) => i.buyer),
      col((i) => fen(i.amountExclTax)),
      col((i) => fen(i.tax)),
      col((i) => fen(i.total)),
      col((i) => i.issuedOn),
      col((i) => i.documentHash),
      col((i) => i.contractId),
      col((i) => i.verification),
      col((i) => i.recordedBy),
      col((i) => i.recordedAt),
    ],
  );
  return new Set(rows.map((r) => r.invoice_key));
}

export async function insertDelivery(q: Queryable, d: Delivery): Promise<void> {
  await insertOrRefuse(
    () =>
      q.query(
        `INSERT INTO deliveries (delivery_id, contract_id, delivery_number, shipped_on, received_on, receiver, lines, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [d.deliveryId, d.contractId, d.deliveryNumber, d.shippedOn, d.receivedOn, d.receiver, JSON.stringify(d.lines), d.recordedBy, d.recordedAt],
      ),
    'deliveries_number_unique',
    () => new Refusal('deliveryAlreadyRecorded', `delivery ${d.deliveryNumber} is already recorded under contract ${d.contractId}`),
  );
}

export async function insertPayment(q: Queryable, p: Payment): Promise<void> {
  await insertOrRefuse(
    () =>
      q.query(
        `INSERT INTO payments (payment_id, payer, payee, amount_fen, paid_on, bank_reference, invoice_id, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [p.paymentId, p.payer, p.payee, fen(p.amount), p.paidOn, p.bankReference, p.invoiceId, p.recordedBy, p.recordedAt],
      ),
    'payments_reference_unique',
    () => new Refusal('paymentAlreadyRecorded', `payer ${p.payer} already recorded a payment with bank reference ${p.bankReference}`),
  );
}

export async function contractById(q: Queryable, id: string): Promise<Contract | undefined> {
  const { rows } = await q.query<ContractRow>(`SELECT ${contractColumns} FROM contracts WHERE contract_id = $1`, [id]);
  return rows[0] && contractOf(rows[0]);
}

export async function contractsByIds(q: Queryable, ids: readonly string[]): Promise<Map<string, Contract>> {
  if (ids.length === 0) return new Map();
  const { rows } = await q.query<ContractRow>(`SELECT ${contractColumns} FROM contracts WHERE contract_id = ANY($1::uuid[])`, [[...new Set(ids)]]);
  return new Map(rows.map((r) => [r.contract_id, contractOf(r)]));
}

export async function invoiceById(q: Queryable, id: string): Promise<StoredInvoice | undefined> {
  const { rows } = await q.query<InvoiceRow>(`SELECT ${invoiceColumns} FROM invoices WHERE invoice_id = $1`, [id]);
  return rows[0] && invoiceOf(rows[0]);
}

/** Invoices named by id or key, locked for update in id order (so concurrent confirmations queue, never deadlock). */
export async function lockInvoices(q: Queryable, ids: readonly string[], keys: readonly string[]): Promise<StoredInvoice[]> {
  const { rows } = await q.query<InvoiceRow>(
    `SELECT ${invoiceColumns} FROM invoices WHERE invoice_id = ANY($1::uuid[]) OR invoice_key = ANY($2::text[]) ORDER BY invoice_id FOR UPDATE`,
    [[...new Set(ids)], [...new Set(keys)]],
  );
  return rows.map(invoiceOf);
}

export async function deliveryById(q: Queryable, id: string): Promise<Delivery | undefined> {
  const { rows } = await q.query<DeliveryRow>(`SELECT ${deliveryColumns} FROM deliveries d JOIN contracts c USING (contract_id) WHERE d.delivery_id = $1`, [id]);
  return rows[0] && deliveryOf(rows[0]);
}

export async function paymentById(q: Queryable, id: string): Promise<Payment | undefined> {
  const { rows } = await q.query<PaymentRow>(`SELECT ${paymentColumns} FROM payments WHERE payment_id = $1`, [id]);
  return rows[0] && paymentOf(rows[0]);
}

// ---- Lists: what a party is party to, by id, one page at a time (the regulator sees all) -------

export interface PageQuery {
  /** The party whose records are listed, or null for all (the regulator). */
  party: string | null;
  after: string | null;
  limit: number;
}

const page = (q: PageQuery) => [q.party, q.after, Math.min(q.limit, pageSizeMax)];

export async function listContracts(q: Queryable, p: PageQuery): Promise<Contract[]> {
  const { rows } = await q.query<ContractRow>(
    `SELECT ${contractColumns} FROM contracts WHERE ($1::text IS NULL OR buyer = $1 OR seller = $1) AND ($2::uuid IS NULL OR contract_id > $2) ORDER BY contract_id LIMIT $3`,
    page(p),
  );
  return rows.map(contractOf);
}

export async function listInvoices(q: Queryable, p: PageQuery & { verification?: string }): Promise<StoredInvoice[]> {
  const { rows } = await q.query<InvoiceRow>(
    `SELECT ${invoiceColumns} FROM invoices WHERE ($1::text IS NULL OR buyer = $1 OR seller = $1) AND ($2::uuid IS NULL OR invoice_id > $2) AND ($4::text IS NULL OR verification = $4) ORDER BY invoice_id LIMIT $3`,
    [...page(p), p.verification ?? null],
  );
  return rows.map(invoiceOf);
}

export async function listDeliveries(q: Queryable, p: PageQuery & { contractId?: string }): Promise<Delivery[]> {
  const { rows } = await q.query<DeliveryRow>(
    `SELECT ${deliveryColumns} FROM deliveries d JOIN contracts c USING (contract_id)
     WHERE ($1::text IS NULL OR c.buyer = $1 OR c.seller = $1) AND ($2::uuid IS NULL OR d.delivery_id > $2) AND ($4::uuid IS NULL OR d.contract_id = $4)
     ORDER BY d.delivery_id LIMIT $3`,
    [...page(p), p.contractId ?? null],
  );
  return rows.map(deliveryOf);
}

export async function listPayments(q: Queryable, p: PageQuery): Promise<Payment[]> {
  const { rows } = await q.query<PaymentRow>(
    `SELECT ${paymentColumns} FROM payments WHERE ($1::text IS NULL OR payer = $1 OR payee = $1) AND ($2::uuid IS NULL OR payment_id > $2) ORDER BY payment_id LIMIT $3`,
    page(p),
  );
  return rows.map(paymentOf);
}

// ---- What the four-flow score reads ------------------------------------------------------------

/** The most payments the circle search loads; past it the search sees only the earliest ones. */
export const circleSearchPaymentsMax = 5_000;

/** Each contract's total of every invoice registered under it, in fen. */
export async function invoicedTotals(q: Queryable, contractIds: readonly string[]): Promise<Map<string, bigint>> {
  if (contractIds.length === 0) return new Map();
  const { rows } = await q.query<{ contract_id: string; total: string }>(
    'SELECT contract_id, sum(total_fen)::bigint AS total FROM invoices WHERE contract_id = ANY($1::uuid[]) GROUP BY contract_id',
    [[...new Set(contractIds)]],
  );
  return new Map(rows.map((r) => [r.contract_id, BigInt(r.total)]));
}

export async function deliveriesOfContracts(q: Queryable, contractIds: readonly string[]): Promise<Map<string, Delivery[]>> {
  const out = new Map<string, Delivery[]>(contractIds.map((id) => [id, []]));
  if (contractIds.length === 0) return out;
  const { rows } = await q.query<DeliveryRow>(
    `SELECT ${deliveryColumns} FROM deliveries d JOIN contracts c USING (contract_id) WHERE d.contract_id = ANY($1::uuid[]) ORDER BY d.shipped_on, d.delivery_id LIMIT 10000`,
    [[...new Set(contractIds)]],
  );
  for (const r of rows) out.get(r.contract_id)?.push(deliveryOf(r));
  return out;
}

export async function paymentCount(q: Queryable, payer: string, payee: string, until: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM payments WHERE payer = $1 AND payee = $2 AND paid_on <= $3', [payer, payee, until]);
  return rows[0]?.n ?? 0;
}

/**
 * The payments a circle from `from` could use: breadth first from `from`, up to `hops` payments
 * deep, each dated at or after `since`, bounded by `circleSearchPaymentsMax`.
 */
export async function paymentEdgesFrom(q: Queryable, from: string, since: string, hops: number): Promise<PaymentEdge[]> {
  const edges: PaymentEdge[] = [];
  const seen = new Set<string>([from]);
  let frontier = [from];
  for (let depth = 0; depth < hops && frontier.length > 0 && edges.length < circleSearchPaymentsMax; depth++) {
    const { rows } = await q.query<{ payment_id: string; payer: string; payee: string; amount_fen: string; paid_on: string }>(
      `SELECT payment_id, payer, payee, amount_fen, paid_on::text AS paid_on FROM payments WHERE payer = ANY($1::text[]) AND paid_on >= $2 ORDER BY paid_on, payment_id LIMIT $3`,
      [frontier, since, circleSearchPaymentsMax - edges.length],
    );
    const next: string[] = [];
    for (const r of rows) {
      edges.push({ paymentId: r.payment_id, payer: r.payer, payee: r.payee, amount: amountOf(r.amount_fen), paidOn: r.paid_on });
      if (!seen.has(r.payee)) {
        seen.add(r.payee);
        next.push(r.payee);
      }
    }
    frontier = next;
  }
  return edges;
}
