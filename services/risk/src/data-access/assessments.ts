/** Assessments, each stored with the inputs and the scorecard version it used, so it can be re-run. */
import type { AssessmentInputs, AssessmentResult } from '../domain/assessment.ts';
import type { Scorecard } from '../domain/scorecard.ts';
import type { Db } from './platform-view.ts';

export interface StoredAssessment {
  assessmentId: string;
  voucherId: string;
  rootId: string;
  holder: string;
  funder: string;
  issuer: string | null;
  productId: string;
  requestedAt: string;
  assessedAt: string;
  result: AssessmentResult;
  inputs: AssessmentInputs;
}

export async function saveScorecard(db: Db, card: Scorecard): Promise<void> {
  await db.query('INSERT INTO scorecards (version, definition) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING', [card.version, JSON.stringify(card)]);
}

export async function scorecardByVersion(db: Db, version: string): Promise<Scorecard | null> {
  const { rows } = await db.query<{ definition: Scorecard }>('SELECT definition FROM scorecards WHERE version = $1', [version]);
  return rows[0]?.definition ?? null;
}

export async function saveAssessment(db: Db, a: StoredAssessment): Promise<void> {
  await db.query(
    `INSERT INTO assessments (assessment_id, voucher_id, root_id, holder, funder, issuer, product_id, decision, score, pd, grade, scorecard_version, inputs, result, requested_at, assessed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [a.assessmentId, a.voucherId, a.rootId, a.holder, a.funder, a.issuer, a.productId, a.result.decision, a.result.score, a.result.pd, a.result.grade, a.result.scorecardVersion, JSON.stringify(a.inputs), JSON.stringify(a.result), a.requestedAt, a.assessedAt],
  );
}

type Row = { assessment_id: string; voucher_id: string; root_id: string; holder: string; funder: string; issuer: string | null; product_id: string; requested_at: Date; assessed_at: Date; result: AssessmentResult; inputs: AssessmentInputs };

const toStored = (r: Row): StoredAssessment => ({
  assessmentId: r.assessment_id, voucherId: r.voucher_id, rootId: r.root_id, holder: r.holder, funder: r.funder, issuer: r.issuer, productId: r.product_id,
  requestedAt: r.requested_at.toISOString(), assessedAt: r.assessed_at.toISOString(), result: r.result, inputs: r.inputs,
});

export async function assessmentById(db: Db, id: string): Promise<StoredAssessment | null> {
  const { rows } = await db.query<Row>('SELECT * FROM assessments WHERE assessment_id = $1', [id]);
  return rows[0] ? toStored(rows[0]) : null;
}

export async function assessmentsOf(db: Db, q: { funder: string | null; voucherId: string | null; before: string | null; limit: number }): Promise<StoredAssessment[]> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM assessments WHERE ($1::text IS NULL OR funder = $1) AND ($2::uuid IS NULL OR voucher_id = $2)
       AND ($3::uuid IS NULL OR assessment_id < $3) ORDER BY assessment_id DESC LIMIT $4`,
    [q.funder, q.voucherId, q.before, q.limit],
  );
  return rows.map(toStored);
}

/**
 * The financing requests still pending whose issuer or holder is one of `enterprises`, as their
 * latest assessment recorded them (the request of the voucher's current request, not an earlier
 * one that was rejected or withdrawn), at most `limit`.
 */
export async function pendingRequestsOf(db: Db, enterprises: readonly string[], limit: number): Promise<StoredAssessment['inputs']['request'][]> {
  const { rows } = await db.query<{ request: StoredAssessment['inputs']['request'] }>(
    `SELECT DISTINCT ON (a.voucher_id) a.inputs->'request' AS request
       FROM assessments a JOIN vouchers v ON v.voucher_id = a.voucher_id
      WHERE v.status = 'pending_financing' AND v.request_funder = a.funder AND v.requested_at = a.requested_at
        AND (a.issuer = ANY($1::text[]) OR a.holder = ANY($1::text[]))
      ORDER BY a.voucher_id, a.assessment_id DESC
      LIMIT $2`,
    [enterprises, limit],
  );
  return rows.map((r) => r.request);
}
