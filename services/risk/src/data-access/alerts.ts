/** Alerts: one row per funder an early warning was raised for; acknowledged once, by that funder. */
import type { Db } from './platform-view.ts';

export interface AlertRow {
  alertId: string;
  funder: string;
  subject: string;
  rule: string;
  severity: string;
  text: string;
  facts: Record<string, unknown>;
  raisedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  note: string | null;
}

type Row = { alert_id: string; funder: string; subject: string; rule: string; severity: string; text: string; facts: Record<string, unknown>; raised_at: Date; acknowledged_at: Date | null; acknowledged_by: string | null; note: string | null };

const toAlert = (r: Row): AlertRow => ({
  alertId: r.alert_id, funder: r.funder, subject: r.subject, rule: r.rule, severity: r.severity, text: r.text, facts: r.facts,
  raisedAt: r.raised_at.toISOString(), acknowledgedAt: r.acknowledged_at?.toISOString() ?? null, acknowledgedBy: r.acknowledged_by, note: r.note,
});

export async function insertAlert(db: Db, a: Omit<AlertRow, 'acknowledgedAt' | 'acknowledgedBy' | 'note'>): Promise<void> {
  await db.query(
    `INSERT INTO alerts (alert_id, funder, subject, rule, severity, text, facts, raised_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [a.alertId, a.funder, a.subject, a.rule, a.severity, a.text, JSON.stringify(a.facts), a.raisedAt],
  );
}

export async function alertById(db: Db, id: string, forUpdate = false): Promise<AlertRow | null> {
  const { rows } = await db.query<Row>(`SELECT * FROM alerts WHERE alert_id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toAlert(rows[0]) : null;
}

export async function acknowledgeAlert(db: Db, id: string, by: string, note: string, at: string): Promise<void> {
  await db.query('UPDATE alerts SET acknowledged_at = $2, acknowledged_by = $3, note = $4 WHERE alert_id = $1', [id, at, by, note]);
}

export async function alertsOf(db: Db, q: { funder: string | null; subject: string | null; open: boolean | null; before: string | null; limit: number }): Promise<AlertRow[]> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM alerts WHERE ($1::text IS NULL OR funder = $1) AND ($2::text IS NULL OR subject = $2)
       AND ($3::boolean IS NULL OR (acknowledged_at IS NULL) = $3) AND ($4::uuid IS NULL OR alert_id < $4)
     ORDER BY alert_id DESC LIMIT $5`,
    [q.funder, q.subject, q.open, q.before, q.limit],
  );
  return rows.map(toAlert);
}
