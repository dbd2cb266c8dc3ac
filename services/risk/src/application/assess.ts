/**
 * The assessment of a FinancingRequested event, and again when its enterprises' data changes: gather the facts the rules read (stored with the
 * result, so the assessment can be re-run and explained), run the pure assessment, store it and
 * publish FinancingAssessed — all in the consumer's transaction.
 */
import { Amount } from '@cascade/money';
import { uuidv7 } from '@cascade/ids';
import { canonicalize } from '@cascade/crypto';
import { Problem } from '@cascade/errors';
import { assess, type AssessmentInputs, type AssessmentResult } from '../domain/assessment.ts';
import { enterpriseFeatureLabels } from '../domain/features.ts';
import { shanghaiDate } from '../domain/time.ts';
import { pendingRequestsOf, saveAssessment, scorecardByVersion, type StoredAssessment } from '../data-access/assessments.ts';
import { edgesReachableFrom, issuerPosition, payablesOfTree, voucherWithPath, type Db } from '../data-access/platform-view.ts';
import { productWithUse } from '../data-access/products.ts';
import { identities } from '../data-access/records.ts';
import { emit, type RiskContext } from './context.ts';
import { riskProblems } from './problems.ts';
import { featuresOf } from './scoring.ts';

export interface FinancingRequest {
  voucherId: string;
  rootId: string;
  holder: string;
  funder: string;
  productId: string;
  maxAnnualRate: string;
  maxFees: string;
  amount: string;
  at: string;
}

/**
 * `dataAsOf`: the instant the enterprise data is read as of — the request's own for its first
 * assessment, now for a re-assessment after the data changed. The product's daily use is always
 * that of the request's day.
 */
export async function gatherInputs(db: Db, ctx: RiskContext, request: FinancingRequest, dataAsOf: string = request.at): Promise<AssessmentInputs> {
  const asOf = shanghaiDate(request.at);
  const featuresAsOf = shanghaiDate(dataAsOf);
  const found = await voucherWithPath(db, request.voucherId);
  const issuer = found?.voucher.issuer ?? null;
  const path = found?.path ?? [];
  const position = issuer ? await issuerPosition(db, issuer, request.funder) : null;
  const { product, usedFen } = await productWithUse(db, request.funder, request.productId, asOf, request.voucherId);
  const since = new Date(Date.parse(request.at) - ctx.policy.cycleWindowDays * 86_400_000).toISOString();
  const graph = await edgesReachableFrom(db, request.holder, since);
  const others = [...new Set([issuer, request.funder, ...path.map((h) => h.from)].filter((p): p is string => p !== null && p !== request.holder))];
  return {
    request,
    voucher: found ? { status: found.voucher.status, issuer: found.voucher.issuer, maturityDate: found.voucher.maturityDate, tier: found.voucher.tier, path } : null,
    issuer: {
      partyId: issuer ?? request.holder,
      features: issuer ? await featuresOf(db, issuer, featuresAsOf) : {},
      overdueRoots: position?.overdue.roots ?? 0,
      overdueOutstanding: position?.overdue.outstanding ?? '0.00',
    },
    product,
    productUsedToday: Amount.fromFen(usedFen).toString(),
    payables: found ? await payablesOfTree(db, found.voucher.rootId) : [],
    transferEdges: graph.edges,
    transferEdgesTruncated: graph.truncated,
    identities: await identities(db, [request.holder, ...others]),
    exposure: position?.exposure ?? { issuerFinanced: '0.00', funderOnIssuer: '0.00', funderBook: '0.00' },
    policy: ctx.policy,
    ...(ctx.registry ? { registry: await ctx.registry(request.voucherId, request.funder) } : {}),
  };
}

export async function assessFinancingRequest(db: Db, ctx: RiskContext, request: FinancingRequest, dataAsOf?: string): Promise<StoredAssessment> {
  const inputs = await gatherInputs(db, ctx, request, dataAsOf);
  const result = assess(inputs, ctx.card, enterpriseFeatureLabels);
  const at = ctx.now();
  const stored: StoredAssessment = {
    assessmentId: uuidv7(),
    voucherId: request.voucherId,
    rootId: request.rootId,
    holder: request.holder,
    funder: request.funder,
    issuer: inputs.voucher?.issuer ?? null,
    productId: request.productId,
    requestedAt: request.at,
    assessedAt: at.toISOString(),
    result,
    inputs,
  };
  await saveAssessment(db, stored);
  await emit(db, ctx, 'FinancingAssessed', request.rootId, assessedEventData(stored), at);
  ctx.logger.debug({ voucherId: request.voucherId, decision: result.decision }, 'financing assessed');
  return stored;
}

/** Pending financings re-assessed at most per data change (the rest keep their assessment; logged). */
export const reassessmentsMax = 1_000;

/**
 * Re-scoring when risk data changes: every financing still pending whose issuer or holder is one
 * of `enterprises` is assessed again, its enterprise data read as of now, in the caller's
 * transaction — a new assessment (and FinancingAssessed) the funder reads as the latest, the
 * earlier one kept. Returns how many were re-assessed.
 */
export async function reassessPendingOf(db: Db, ctx: RiskContext, enterprises: readonly string[]): Promise<number> {
  if (enterprises.length === 0) return 0;
  const requests = await pendingRequestsOf(db, enterprises, reassessmentsMax + 1);
  if (requests.length > reassessmentsMax) ctx.logger.warn({ enterprises: enterprises.length, reassessed: reassessmentsMax }, 'more pending financings than are re-assessed at once; the rest keep their assessment');
  const now = ctx.now().toISOString();
  for (const request of requests.slice(0, reassessmentsMax)) await assessFinancingRequest(db, ctx, request, now);
  return Math.min(requests.length, reassessmentsMax);
}

/** Event texts are bounded; the stored assessment keeps them whole. */
const eventReasonsMax = 100;
const eventTextCharsMax = 2000;

export function assessedEventData(a: StoredAssessment): Record<string, unknown> {
  const r = a.result;
  return {
    assessmentId: a.assessmentId,
    voucherId: a.voucherId,
    rootId: a.rootId,
    holder: a.holder,
    funder: a.funder,
    issuer: a.issuer,
    productId: a.productId,
    requestedAt: a.requestedAt,
    decision: r.decision,
    score: r.score,
    pd: r.pd,
    grade: r.grade,
    scorecardVersion: r.scorecardVersion,
    hardRules: r.hardRules,
    softSignals: r.softSignals,
    reasons: r.reasons.slice(0, eventReasonsMax).map((x) => ({ ...x, text: x.text.slice(0, eventTextCharsMax) })),
    terms: r.terms,
    at: a.assessedAt,
  };
}

/**
 * Runs a stored assessment again from its stored inputs with the scorecard version it used.
 * Rejections: scorecardVersionUnknown.
 */
export async function rerunAssessment(db: Db, a: StoredAssessment): Promise<{ result: AssessmentResult; same: boolean }> {
  const card = await scorecardByVersion(db, a.result.scorecardVersion);
  if (!card) throw new Problem(riskProblems.scorecardVersionUnknown, `scorecard ${a.result.scorecardVersion} is not stored`);
  const result = assess(a.inputs, card, enterpriseFeatureLabels);
  // Key order differs once stored (jsonb), so the two are compared in canonical form.
  return { result, same: canonicalize(result) === canonicalize(a.result) };
}
