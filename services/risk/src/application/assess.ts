/**
 * The assessment of a FinancingRequested event: gather the facts the rules read (stored with the
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
import { saveAssessment, scorecardByVersion, type StoredAssessment } from '../data-access/assessments.ts';
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

export async function gatherInputs(db: Db, ctx: RiskContext, request: FinancingRequest): Promise<AssessmentInputs> {
  const asOf = shanghaiDate(request.at);
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
      features: issuer ? await featuresOf(db, issuer, asOf) : {},
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

export async function assessFinancingRequest(db: Db, ctx: RiskContext, request: FinancingRequest): Promise<StoredAssessment> {
  const inputs = await gatherInputs(db, ctx, request);
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
