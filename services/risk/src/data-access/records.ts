/**
 * Ingested enterprise records: every version kept with its source and observation time; the
 * latest version of each (enterprise, kind, key) is the one features read. Registration also
 * keeps the enterprise's identity (legal representative, address) for related-party checks.
 */
import type { BureauRecord, EnterpriseRecord, JudicialRecord, RecordData, RegistrationRecord, TaxRecord } from '../domain/records.ts';
import type { PartyIdentity } from '../domain/assessment.ts';
import type { Db } from './platform-view.ts';

export type StoreOutcome = { status: 'created' | 'updated'; version: number; previous: RecordData | null } | { status: 'unchanged'; version: number };

const identityKey = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();

/** Months of tax records features read (the trailing year and the windows before it). */
export const taxMonthsRead = 24;
export const judicialCasesRead = 500;

/** Stores a record as the next version of its key, unless it equals the latest version. */
export async function storeRecord(db: Db, r: EnterpriseRecord): Promise<StoreOutcome> {
  const { rows } = await db.query<{ version: number; data: RecordData }>(
    `SELECT version, data FROM enterprise_records WHERE enterprise = $1 AND kind = $2 AND record_key = $3 ORDER BY version DESC LIMIT 1 FOR UPDATE`,
    [r.enterprise, r.kind, r.recordKey],
  );
  const latest = rows[0];
  if (latest && JSON.stringify(sortKeys(latest.data)) === JSON.stringify(sortKeys(r.data))) return { status: 'unchanged', version: latest.version };
  const version = (latest?.version ?? 0) + 1;
  await db.query(
    `INSERT INTO enterprise_records (enterprise, kind, record_key, version, source, observed_at, data) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [r.enterprise, r.kind, r.recordKey, version, r.source, r.observedAt, JSON.stringify(r.data)],
  );
  if (r.kind === 'registration') {
    const reg = r.data as RegistrationRecord;
    await db.query(
      `INSERT INTO enterprise_identity (enterprise, legal_representative, address, representative_key, address_key) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (enterprise) DO UPDATE SET legal_representative = EXCLUDED.legal_representative, address = EXCLUDED.address,
         representative_key = EXCLUDED.representative_key, address_key = EXCLUDED.address_key`,
      [r.enterprise, reg.legalRepresentative, reg.address, identityKey(reg.legalRepresentative), identityKey(reg.address)],
    );
  }
  return { status: latest ? 'updated' : 'created', version, previous: latest?.data ?? null };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, sortKeys(v)]));
  return value;
}

/** The latest version of each record of an enterprise, by kind. */
export async function latestRecords(db: Db, enterprise: string): Promise<{ registration: RegistrationRecord | null; tax: TaxRecord[]; judicial: JudicialRecord[]; bureau: BureauRecord | null }> {
  const { rows } = await db.query<{ kind: string; record_key: string; data: RecordData }>(
    `SELECT DISTINCT ON (kind, record_key) kind, record_key, data FROM enterprise_records WHERE enterprise = $1
     ORDER BY kind, record_key DESC, version DESC`,
    [enterprise],
  );
  const tax = rows.filter((r) => r.kind === 'tax').slice(0, taxMonthsRead).map((r) => r.data as TaxRecord);
  const judicial = rows.filter((r) => r.kind === 'judicial').slice(0, judicialCasesRead).map((r) => r.data as JudicialRecord);
  const bureau = rows.find((r) => r.kind === 'bureau');
  const registration = rows.find((r) => r.kind === 'registration');
  return { registration: (registration?.data as RegistrationRecord) ?? null, tax, judicial, bureau: (bureau?.data as BureauRecord) ?? null };
}

export async function recordHistory(db: Db, enterprise: string, limit: number): Promise<{ kind: string; recordKey: string; version: number; source: string; observedAt: string; receivedAt: string; data: RecordData }[]> {
  const { rows } = await db.query<{ kind: string; record_key: string; version: number; source: string; observed_at: Date; received_at: Date; data: RecordData }>(
    `SELECT kind, record_key, version, source, observed_at, received_at, data FROM enterprise_records WHERE enterprise = $1
     ORDER BY received_at DESC, kind, record_key, version DESC LIMIT $2`,
    [enterprise, limit],
  );
  return rows.map((r) => ({ kind: r.kind, recordKey: r.record_key, version: r.version, source: r.source, observedAt: r.observed_at.toISOString(), receivedAt: r.received_at.toISOString(), data: r.data }));
}

export async function identities(db: Db, parties: readonly string[]): Promise<PartyIdentity[]> {
  const { rows } = await db.query<{ enterprise: string; legal_representative: string; address: string }>(
    'SELECT enterprise, legal_representative, address FROM enterprise_identity WHERE enterprise = ANY($1)',
    [parties],
  );
  const byId = new Map(rows.map((r) => [r.enterprise, r]));
  return parties.map((p) => ({ partyId: p, legalRepresentative: byId.get(p)?.legal_representative ?? null, address: byId.get(p)?.address ?? null }));
}
