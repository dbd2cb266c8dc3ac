/** PostgreSQL store of the tax authority's records and the result files applied. */
import type { TaxRecord, VerificationStatus } from '../domain/index.ts';
import { invoiceColumns, invoiceOf, type InvoiceRow, type Queryable, type StoredInvoice } from './rows.ts';

export async function taxRecordsByKeys(q: Queryable, keys: readonly string[]): Promise<Map<string, TaxRecord>> {
  if (keys.length === 0) return new Map();
  const { rows } = await q.query<{ invoice_key: string; record: TaxRecord }>('SELECT invoice_key, record FROM tax_records WHERE invoice_key = ANY($1::text[])', [[...new Set(keys)]]);
  return new Map(rows.map((r) => [r.invoice_key, r.record]));
}

/** Stores `record` unless one checked at the same time or later is there; true when stored. */
export async function storeTaxRecord(q: Queryable, record: TaxRecord, source: string, at: string): Promise<boolean> {
  const { rowCount } = await q.query(
    `INSERT INTO tax_records (invoice_key, status, record, checked_at, source, received_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (invoice_key) DO UPDATE SET status = EXCLUDED.status, record = EXCLUDED.record, checked_at = EXCLUDED.checked_at, source = EXCLUDED.source, received_at = EXCLUDED.received_at
     WHERE tax_records.checked_at < EXCLUDED.checked_at`,
    [record.invoiceKey, record.status, JSON.stringify(record), record.checkedAt, source, at],
  );
  return (rowCount ?? 0) > 0;
}

export async function lockInvoicesByKeys(q: Queryable, keys: readonly string[]): Promise<StoredInvoice[]> {
  if (keys.length === 0) return [];
  const { rows } = await q.query<InvoiceRow>(`SELECT ${invoiceColumns} FROM invoices WHERE invoice_key = ANY($1::text[]) ORDER BY invoice_id FOR UPDATE`, [[...new Set(keys)]]);
  return rows.map(invoiceOf);
}

export async function setVerification(q: Queryable, invoiceId: string, status: VerificationStatus, details: string[], checkedAt: string): Promise<void> {
  await q.query('UPDATE invoices SET verification = $2, verification_details = $3, verified_at = $4 WHERE invoice_id = $1', [invoiceId, status, JSON.stringify(details), checkedAt]);
}

export async function fileApplied(q: Queryable, sha256: string): Promise<{ name: string; appliedAt: string } | undefined> {
  const { rows } = await q.query<{ name: string; applied_at: Date }>('SELECT name, applied_at FROM verification_files WHERE sha256 = $1', [sha256]);
  return rows[0] && { name: rows[0].name, appliedAt: rows[0].applied_at.toISOString() };
}

export async function recordFile(q: Queryable, f: { sha256: string; name: string; records: number; refused: number; at: string }): Promise<void> {
  await q.query('INSERT INTO verification_files (sha256, name, records, refused, applied_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING', [f.sha256, f.name, f.records, f.refused, f.at]);
}
