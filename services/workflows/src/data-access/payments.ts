/**
 * PostgreSQL side of payment files: registered bank accounts, planned payment entries, the files
 * written (with their XML) and the notifications imported. Entries are claimed for a file with
 * `FOR UPDATE SKIP LOCKED` inside the transaction that records the file, so two tickers never put
 * one entry into two files.
 */
import type { Pool, PoolClient } from '@cascade/db';
import type { AccountRef, AgentRef } from '@cascade/payments';
import type { BankAccount, CitedSettlement, DueEntry, KnownCitedSettlement, KnownEntry, NotificationReport, PaymentEntryKind, PaymentEntryState, PlannedPaymentEntry } from '../domain/payments.ts';

type Db = Pool | PoolClient;

export async function upsertBankAccount(db: Db, a: BankAccount, at: Date): Promise<{ registeredAt: Date; updatedAt: Date }> {
  const { rows } = await db.query<{ registered_at: Date; updated_at: Date }>(
    `INSERT INTO bank_accounts (party_id, account, agent, account_name, registered_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (party_id) DO UPDATE SET account = EXCLUDED.account, agent = EXCLUDED.agent, account_name = EXCLUDED.account_name, updated_at = EXCLUDED.updated_at
     RETURNING registered_at, updated_at`,
    [a.partyId, JSON.stringify(a.account), JSON.stringify(a.agent), a.accountName, at],
  );
  return { registeredAt: rows[0]!.registered_at, updatedAt: rows[0]!.updated_at };
}

export interface BankAccountRow extends BankAccount {
  registeredAt: Date;
  updatedAt: Date;
}

export async function bankAccountsOf(db: Db, partyIds: string[]): Promise<Map<string, BankAccountRow>> {
  if (partyIds.length === 0) return new Map();
  const { rows } = await db.query<{ party_id: string; account: AccountRef; agent: AgentRef; account_name: string; registered_at: Date; updated_at: Date }>(
    'SELECT party_id, account, agent, account_name, registered_at, updated_at FROM bank_accounts WHERE party_id = ANY($1::text[])',
    [partyIds],
  );
  return new Map(rows.map((r) => [r.party_id, { partyId: r.party_id, account: r.account, agent: r.agent, accountName: r.account_name, registeredAt: r.registered_at, updatedAt: r.updated_at }]));
}

/** Plans entries; one already planned (same id) is left as it is. */
export async function planEntries(db: Db, entries: PlannedPaymentEntry[], eventId: string, at: Date): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO payment_entries (id, kind, debtor, creditor, amount, end_to_end_id, voucher_id, root_id, reference, event_id, planned_at)
     SELECT x.id, x.kind, x.debtor, x.creditor, x.amount, x.end_to_end_id, x.voucher_id, x.root_id, x.reference, $2, $3
     FROM json_to_recordset($1::json) AS x(id text, kind text, debtor text, creditor text, amount numeric, end_to_end_id text, voucher_id uuid, root_id uuid, reference text)
     ON CONFLICT (id) DO NOTHING`,
    [JSON.stringify(entries.map((e) => ({ id: e.id, kind: e.kind, debtor: e.debtor, creditor: e.creditor, amount: e.amount, end_to_end_id: e.endToEndId, voucher_id: e.voucherId, root_id: e.rootId, reference: e.reference }))), eventId, at],
  );
}

const dueOf = (r: { id: string; end_to_end_id: string; kind: PaymentEntryKind; debtor: string; creditor: string; amount: string; voucher_id: string | null; root_id: string; reference: string }): DueEntry => ({
  id: r.id,
  endToEndId: r.end_to_end_id,
  kind: r.kind,
  debtor: r.debtor,
  creditor: r.creditor,
  amount: r.amount,
  voucherId: r.voucher_id,
  rootId: r.root_id,
  reference: r.reference,
});

/**
 * Planned entries whose debtor and creditor both have a registered account, locked for this
 * transaction (others' locked rows skipped), oldest first, at most `limit`.
 */
export async function claimDueEntries(client: PoolClient, limit: number): Promise<DueEntry[]> {
  const { rows } = await client.query(
    `SELECT e.id, e.end_to_end_id, e.kind, e.debtor, e.creditor, e.amount::text AS amount, e.voucher_id, e.root_id, e.reference
     FROM payment_entries e
     WHERE e.state = 'planned'
       AND EXISTS (SELECT 1 FROM bank_accounts d WHERE d.party_id = e.debtor)
       AND EXISTS (SELECT 1 FROM bank_accounts c WHERE c.party_id = e.creditor)
     ORDER BY e.debtor, e.planned_at, e.id LIMIT $1 FOR UPDATE OF e SKIP LOCKED`,
    [limit],
  );
  return rows.map(dueOf);
}

export interface PaymentFileRow {
  id: string;
  debtor: string;
  messageId: string;
  fileName: string;
  createdAt: Date;
  transfers: number;
  controlSum: string;
  sha256: string;
  writtenAt: Date | null;
}

/** Records a file and moves its entries to `filed`, with the payee account each was written with. */
export async function recordFile(client: PoolClient, f: Omit<PaymentFileRow, 'writtenAt'> & { xml: string }, payeeAccounts: Map<string, string>): Promise<void> {
  await client.query(
    `INSERT INTO payment_files (id, debtor, message_id, file_name, created_at, transfers, control_sum, sha256, xml) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [f.id, f.debtor, f.messageId, f.fileName, f.createdAt, f.transfers, f.controlSum, f.sha256, f.xml],
  );
  const { rowCount } = await client.query(
    `UPDATE payment_entries e SET state = 'filed', file_id = $1, payee_account = x.payee_account
     FROM json_to_recordset($2::json) AS x(id text, payee_account text) WHERE e.id = x.id AND e.state = 'planned'`,
    [f.id, JSON.stringify([...payeeAccounts].map(([id, payee]) => ({ id, payee_account: payee })))],
  );
  if (rowCount !== payeeAccounts.size) throw new Error(`invariant broken: file ${f.id} took ${rowCount} of its ${payeeAccounts.size} entries`);
}

const fileOf = (r: { id: string; debtor: string; message_id: string; file_name: string; created_at: Date; transfers: number; control_sum: string; sha256: string; written_at: Date | null }): PaymentFileRow => ({
  id: r.id,
  debtor: r.debtor,
  messageId: r.message_id,
  fileName: r.file_name,
  createdAt: r.created_at,
  transfers: r.transfers,
  controlSum: r.control_sum,
  sha256: r.sha256,
  writtenAt: r.written_at,
});
const fileColumns = 'id, debtor, message_id, file_name, created_at, transfers, control_sum::text AS control_sum, sha256, written_at';

/** Files recorded but not yet in the directory (the process stopped between the two). */
export async function unwrittenFiles(db: Db, limit: number): Promise<(PaymentFileRow & { xml: string })[]> {
  const { rows } = await db.query(`SELECT ${fileColumns}, xml FROM payment_files WHERE written_at IS NULL ORDER BY created_at, id LIMIT $1`, [limit]);
  return rows.map((r) => ({ ...fileOf(r), xml: r.xml as string }));
}

export async function fileWritten(db: Db, id: string, at: Date): Promise<void> {
  await db.query('UPDATE payment_files SET written_at = $2 WHERE id = $1 AND written_at IS NULL', [id, at]);
}

export async function listFiles(db: Db, q: { debtor: string | null; after?: string; limit: number }): Promise<PaymentFileRow[]> {
  const { rows } = await db.query(
    `SELECT ${fileColumns} FROM payment_files WHERE ($1::text IS NULL OR debtor = $1) AND ($2::text IS NULL OR id > $2) ORDER BY id LIMIT $3`,
    [q.debtor, q.after ?? null, q.limit],
  );
  return rows.map(fileOf);
}

export async function fileById(db: Db, id: string): Promise<(PaymentFileRow & { xml: string }) | undefined> {
  const { rows } = await db.query(`SELECT ${fileColumns}, xml FROM payment_files WHERE id = $1`, [id]);
  return rows[0] && { ...fileOf(rows[0]), xml: rows[0].xml as string };
}

export interface EntryRow extends PlannedPaymentEntry {
  state: PaymentEntryState;
  fileId: string | null;
  notifiedAmount: string | null;
}

const entryColumns = 'id, kind, debtor, creditor, amount::text AS amount, end_to_end_id, voucher_id, root_id, reference, state, file_id, notified_amount::text AS notified_amount';
const entryOf = (r: Record<string, any>): EntryRow => ({
  id: r.id,
  kind: r.kind,
  debtor: r.debtor,
  creditor: r.creditor,
  amount: r.amount,
  endToEndId: r.end_to_end_id,
  voucherId: r.voucher_id,
  rootId: r.root_id,
  reference: r.reference,
  state: r.state,
  fileId: r.file_id,
  notifiedAmount: r.notified_amount,
});

export async function entriesOfFiles(db: Db, fileIds: string[]): Promise<EntryRow[]> {
  if (fileIds.length === 0) return [];
  const { rows } = await db.query(`SELECT ${entryColumns} FROM payment_entries WHERE file_id = ANY($1::text[]) ORDER BY file_id, id`, [fileIds]);
  return rows.map(entryOf);
}

/** The entries that pay `creditor`, newest first, at most `limit`. */
export async function entriesPaying(db: Db, q: { creditor: string; limit: number }): Promise<EntryRow[]> {
  const { rows } = await db.query(`SELECT ${entryColumns} FROM payment_entries WHERE creditor = $1 ORDER BY planned_at DESC, id LIMIT $2`, [q.creditor, q.limit]);
  return rows.map(entryOf);
}

/** Planned entries the party pays or is paid (all of them for `null`) that wait for an account. */
export async function blockedEntries(db: Db, q: { partyId: string | null; limit: number }): Promise<(EntryRow & { debtorHasAccount: boolean; creditorHasAccount: boolean })[]> {
  const { rows } = await db.query(
    `SELECT ${entryColumns},
       EXISTS (SELECT 1 FROM bank_accounts d WHERE d.party_id = e.debtor) AS debtor_has_account,
       EXISTS (SELECT 1 FROM bank_accounts c WHERE c.party_id = e.creditor) AS creditor_has_account
     FROM payment_entries e
     WHERE e.state = 'planned' AND ($1::text IS NULL OR e.debtor = $1 OR e.creditor = $1)
       AND NOT (EXISTS (SELECT 1 FROM bank_accounts d WHERE d.party_id = e.debtor) AND EXISTS (SELECT 1 FROM bank_accounts c WHERE c.party_id = e.creditor))
     ORDER BY e.planned_at, e.id LIMIT $2`,
    [q.partyId, q.limit],
  );
  return rows.map((r) => ({ ...entryOf(r), debtorHasAccount: r.debtor_has_account, creditorHasAccount: r.creditor_has_account }));
}

/** The filed (or already settled) entries with these end-to-end ids, locked for the import's transaction. */
export async function entriesByEndToEndId(client: PoolClient, endToEndIds: string[]): Promise<(KnownEntry & { debtor: string; creditor: string })[]> {
  if (endToEndIds.length === 0) return [];
  const { rows } = await client.query(
    `SELECT id, end_to_end_id, state, amount::text AS amount, payee_account, debtor, creditor FROM payment_entries
     WHERE end_to_end_id = ANY($1::text[]) AND state <> 'planned' ORDER BY id FOR UPDATE`,
    [endToEndIds],
  );
  return rows.map((r) => ({ id: r.id, endToEndId: r.end_to_end_id, state: r.state, amount: r.amount, payeeAccount: r.payee_account, debtor: r.debtor, creditor: r.creditor }));
}

/** Records the payment a settlement cites; one already recorded (same issuer and reference) is kept. */
export async function recordCitedSettlement(db: Db, c: CitedSettlement, eventId: string, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO cited_settlements (issuer, payment_reference, root_id, paid_amount, event_id, cited_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (issuer, payment_reference) DO NOTHING`,
    [c.issuer, c.paymentReference, c.rootId, c.paidAmount, eventId, at],
  );
}

/** The cited settlements with these references (of `issuer` only, unless null), with the issuer's registered account, locked for the import. */
export async function citedSettlements(client: PoolClient, references: string[], issuer: string | null): Promise<KnownCitedSettlement[]> {
  if (references.length === 0) return [];
  const { rows } = await client.query(
    `SELECT s.issuer, s.payment_reference, s.root_id, s.paid_amount::text AS paid_amount, s.state, coalesce(a.account->>'number', a.account->>'iban') AS payer_account
     FROM cited_settlements s LEFT JOIN bank_accounts a ON a.party_id = s.issuer
     WHERE s.payment_reference = ANY($1::text[]) AND ($2::text IS NULL OR s.issuer = $2) ORDER BY s.issuer, s.payment_reference FOR UPDATE OF s`,
    [references, issuer],
  );
  return rows.map((r) => ({ issuer: r.issuer, paymentReference: r.payment_reference, rootId: r.root_id, paidAmount: r.paid_amount, state: r.state, payerAccount: r.payer_account }));
}

export async function notificationById(db: Db, id: string): Promise<NotificationReport | undefined> {
  const { rows } = await db.query<{ report: NotificationReport }>('SELECT report FROM payment_notifications WHERE id = $1', [id]);
  return rows[0]?.report;
}

/** Records an import and what it settled; false when the same file was recorded meanwhile (nothing changed). */
export async function recordNotification(client: PoolClient, n: { id: string; format: 'camt.054' | 'csv'; importedBy: string; at: Date; report: NotificationReport }): Promise<boolean> {
  const { rowCount } = await client.query(
    'INSERT INTO payment_notifications (id, format, imported_by, imported_at, report) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING',
    [n.id, n.format, n.importedBy, n.at, JSON.stringify(n.report)],
  );
  if (rowCount === 0) return false;
  const settle = [
    ...n.report.matched.map((m) => ({ id: m.entryId, state: 'paid', notified: m.amount })),
    ...n.report.partial.map((p) => ({ id: p.entryId, state: 'partial', notified: p.notified })),
  ];
  if (n.report.settlements.length > 0) {
    await client.query(
      `UPDATE cited_settlements s SET state = x.state, notified_amount = x.notified, notification_id = $2
       FROM json_to_recordset($1::json) AS x(root_id uuid, payment_reference text, state text, notified numeric)
       WHERE s.root_id = x.root_id AND s.payment_reference = x.payment_reference AND s.state = 'cited'`,
      [JSON.stringify(n.report.settlements.map((c) => ({ root_id: c.rootId, payment_reference: c.paymentReference, state: c.state, notified: c.notified }))), n.id],
    );
  }
  if (settle.length > 0) {
    await client.query(
      `UPDATE payment_entries e SET state = x.state, notified_amount = x.notified, notification_id = $2, settled_at = $3
       FROM json_to_recordset($1::json) AS x(id text, state text, notified numeric) WHERE e.id = x.id AND e.state = 'filed'`,
      [JSON.stringify(settle), n.id, n.at],
    );
  }
  return true;
}
