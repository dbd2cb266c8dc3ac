/**
 * Ingesting enterprise data, row by row: each row is read (refused with a code, or taken), a
 * changed record becomes the next version and is published as EnterpriseDataUpdated, and the
 * early-warning rules that watch data (tax paid falling, new litigation) run on it. The report
 * says what happened to every row; refused rows store nothing, and the stored ones commit
 * together.
 */
import { readRecord, type JudicialRecord, type RecordRejectionCode, type TaxRecord } from '../domain/records.ts';
import { newLitigation, taxPaidFalling } from '../domain/warnings.ts';
import type { Db } from '../data-access/platform-view.ts';
import { latestRecords, storeRecord } from '../data-access/records.ts';
import { raiseAlert } from './alerts.ts';
import { reassessPendingOf } from './assess.ts';
import { emit, type RiskContext } from './context.ts';

/** Rows one import or one API call may carry. */
export const importRowsMax = 5_000;

export type RowReport =
  | { row: number; status: 'created' | 'updated' | 'unchanged'; enterprise: string; kind: string; recordKey: string; version: number; alerts: number }
  | { row: number; status: 'refused'; code: RecordRejectionCode; detail: string };

export interface ImportReport {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
  alerts: number;
  report: RowReport[];
}

export async function ingestRows(db: Db, ctx: RiskContext, rows: readonly Record<string, unknown>[], kind?: string): Promise<ImportReport> {
  const now = ctx.now();
  const report: RowReport[] = [];
  const changed = new Set<string>();
  for (let i = 0; i < rows.length; i++) {
    const read = readRecord(rows[i]!, now, kind);
    if (!read.ok) {
      report.push({ row: i + 1, status: 'refused', code: read.code, detail: read.detail });
      continue;
    }
    const r = read.record;
    const outcome = await storeRecord(db, r);
    let alerts = 0;
    if (outcome.status !== 'unchanged') {
      changed.add(r.enterprise);
      await emit(db, ctx, 'EnterpriseDataUpdated', r.enterprise, { enterprise: r.enterprise, kind: r.kind, recordKey: r.recordKey, version: outcome.version, source: r.source, observedAt: r.observedAt, at: now.toISOString() }, now);
      const observedOn = r.observedAt.slice(0, 10);
      let draft = null;
      if (r.kind === 'tax') {
        const all = await latestRecords(db, r.enterprise);
        draft = taxPaidFalling(r.enterprise, all.tax as TaxRecord[], (r.data as TaxRecord).period, ctx.warnings);
      } else if (r.kind === 'judicial') {
        draft = newLitigation(r.enterprise, r.data as JudicialRecord, outcome.previous !== null, observedOn, ctx.warnings);
      }
      if (draft) alerts = (await raiseAlert(db, ctx, draft, now)).length;
    }
    report.push({ row: i + 1, status: outcome.status, enterprise: r.enterprise, kind: r.kind, recordKey: r.recordKey, version: outcome.version, alerts });
  }
  // Re-scoring: the pending financings these changes bear on are assessed again, with the rest.
  const reassessed = await reassessPendingOf(db, ctx, [...changed]);
  if (reassessed > 0) ctx.logger.info({ enterprises: changed.size, reassessed }, 'pending financings re-assessed after their data changed');
  const count = (s: string) => report.filter((x) => x.status === s).length;
  return { rows: rows.length, created: count('created'), updated: count('updated'), unchanged: count('unchanged'), refused: count('refused'), alerts: report.reduce((s, x) => s + ('alerts' in x ? x.alerts : 0), 0), report };
}
