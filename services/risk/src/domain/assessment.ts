/**
 * The assessment of a financing request (DESIGN §4): hard rules that reject, soft signals that
 * send the request to a credit officer, and the issuer's score, which decides between approve
 * and review. The voucher is the issuer's obligation, so the score, PD and grade are the issuer's
 * (the obligor's); the holder's own risk shows in the signals (cycles, velocity, related parties).
 *
 * `assess` is pure over its inputs, and the inputs are stored with every assessment, so an
 * assessment can be re-run later with the scorecard version it used and must give the same
 * answer, and every reason can be traced to a fact in the inputs.
 *
 * Rules are checked in a fixed order; all that apply are reported, not only the first.
 */
import { Amount, parseAnnualRate } from '@cascade/money';
import { findCycle, type TransferEdge } from './cycles.ts';
import { financingCost, ineligibilities, type FinancingCost, type Product } from './products.ts';
import { score, type FeatureLabels, type FeatureVector, type Grade, type Scorecard } from './scorecard.ts';
import { daysBetween, shanghaiDate } from './time.ts';

export const decisions = ['approve', 'review', 'reject'] as const;
export type Decision = (typeof decisions)[number];

/** Hard rules, in the order checked: any one rejects. */
export const hardRuleCodes = {
  voucherFrozen: 'the voucher is frozen by a regulator',
  issuerOverdue: 'the issuer has overdue vouchers on the platform',
  backingInvoiceVoid: 'an invoice behind the voucher was voided or reversed after use',
  maturityTooClose: 'the voucher matures too soon to finance',
  productUnknown: 'the funder has no active product with this id',
  productIneligible: 'the voucher does not fit the product',
  productTermsBeyondRequest: "the product's rate or fees are above what the holder accepts",
  productDailyLimitExceeded: "the product's daily limit would be passed",
  registryHit: 'the financing registry (中登网) holds a registration in force on the receivable',
} as const;
export type HardRuleCode = keyof typeof hardRuleCodes;

/** Soft signals, in the order checked: any one sends the request to review. */
export const softSignalCodes = {
  voucherNotSeen: 'the risk service has not seen this voucher issued',
  fourFlowLow: 'the trade behind the voucher is poorly evidenced (four-flow score)',
  transferCycle: 'value went around a cycle of parties back to the holder',
  relatedParties: 'the holder shares a legal representative or address with another party to the voucher',
  transferVelocity: 'the voucher passed through many hands in a short time',
  funderConcentration: "the financing would concentrate the funder's book on this issuer",
  issuerExposureHigh: "the platform's financed exposure to the issuer would pass its limit",
  pdAboveApproveMax: "the issuer's probability of default is above what is approved without review",
} as const;
export type SoftSignalCode = keyof typeof softSignalCodes;

export interface AssessmentPolicy {
  maturityDaysMin: number;
  fourFlowScoreMin: number;
  cycleWindowDays: number;
  velocityWindowHours: number;
  /** More hops than this inside the velocity window is a signal. */
  velocityHopsMax: number;
  concentrationShareMax: number;
  /** The concentration signal applies once the funder's book (after this financing) is at least this. */
  concentrationBookMin: string;
  issuerExposureMax: string;
  approvePdMax: number;
}

export const assessmentPolicyDefaults: AssessmentPolicy = {
  maturityDaysMin: 7,
  fourFlowScoreMin: 60,
  cycleWindowDays: 90,
  velocityWindowHours: 72,
  velocityHopsMax: 3,
  concentrationShareMax: 0.5,
  concentrationBookMin: '1000000.00',
  issuerExposureMax: '100000000.00',
  approvePdMax: 0.05,
};

/** Who a party is in the registration records, for the related-party check. */
export interface PartyIdentity {
  partyId: string;
  legalRepresentative: string | null;
  address: string | null;
}

export interface AssessmentInputs {
  request: { voucherId: string; rootId: string; holder: string; funder: string; productId: string; maxAnnualRate: string; maxFees: string; amount: string; at: string };
  /** The voucher as the ledger's events left it, or null when the service never saw it issued. */
  voucher: {
    status: string;
    issuer: string;
    maturityDate: string;
    tier: number;
    /** The hops from the issuer down to the holder, oldest first: who gave it to whom, when accepted. */
    path: { from: string; to: string; at: string | null }[];
  } | null;
  issuer: { partyId: string; features: FeatureVector; overdueRoots: number; overdueOutstanding: string };
  product: Product | null;
  /** What other financings on the product took on the request's day. */
  productUsedToday: string;
  /** The payables behind the voucher's tree, with their four-flow scores (null: not known yet). */
  payables: { payableId: string; fourFlowScore: number | null; voidedInvoices: string[] }[];
  /** Accepted transfers reachable from the holder inside the cycle window. */
  transferEdges: TransferEdge[];
  transferEdgesTruncated: boolean;
  /** The holder first, then the issuer, the funder and the senders on the path. */
  identities: PartyIdentity[];
  exposure: { issuerFinanced: string; funderOnIssuer: string; funderBook: string };
  policy: AssessmentPolicy;
  /** The registry search as the workflows service had it (application/registry.ts); absent in assessments made before it was read, null when it could not be had. */
  registry?: { searched: boolean; activeRegistrations: string[] } | null;
}

export interface Reason {
  code: HardRuleCode | SoftSignalCode | 'note' | 'score';
  kind: 'hardRule' | 'softSignal' | 'score' | 'note';
  text: string;
}

export interface AssessmentResult {
  decision: Decision;
  score: number;
  pd: number;
  grade: Grade;
  scorecardVersion: string;
  reasons: Reason[];
  hardRules: HardRuleCode[];
  softSignals: SoftSignalCode[];
  /** What the named product would cost the holder, when the product is known. */
  terms: (FinancingCost & { productId: string }) | null;
}

/** PDs are reported to this many decimals (enough for the AAA band, stable across machines). */
export const pdDecimals = 6;

const normalise = (s: string | null): string | null => (s === null ? null : s.trim().replace(/\s+/g, ' ').toLowerCase() || null);

function relatedTo(identities: readonly PartyIdentity[]): { with: string; via: 'legalRepresentative' | 'address' }[] {
  const [holder, ...others] = identities;
  if (!holder) return [];
  const out: { with: string; via: 'legalRepresentative' | 'address' }[] = [];
  const rep = normalise(holder.legalRepresentative);
  const address = normalise(holder.address);
  const seen = new Set<string>([holder.partyId]);
  for (const o of others) {
    if (seen.has(o.partyId)) continue;
    seen.add(o.partyId);
    if (rep !== null && normalise(o.legalRepresentative) === rep) out.push({ with: o.partyId, via: 'legalRepresentative' });
    else if (address !== null && normalise(o.address) === address) out.push({ with: o.partyId, via: 'address' });
  }
  return out;
}

export function assess(inputs: AssessmentInputs, card: Scorecard, labels: FeatureLabels = {}): AssessmentResult {
  const { request, voucher, policy } = inputs;
  const reasons: Reason[] = [];
  const hardRules: HardRuleCode[] = [];
  const softSignals: SoftSignalCode[] = [];
  const hard = (code: HardRuleCode, detail: string) => {
    hardRules.push(code);
    reasons.push({ code, kind: 'hardRule', text: `${hardRuleCodes[code]}: ${detail}` });
  };
  const soft = (code: SoftSignalCode, detail: string) => {
    softSignals.push(code);
    reasons.push({ code, kind: 'softSignal', text: `${softSignalCodes[code]}: ${detail}` });
  };
  const note = (text: string) => reasons.push({ code: 'note', kind: 'note', text });

  const scored = score(card, inputs.issuer.features, labels);
  const pd = Number(scored.pd.toFixed(pdDecimals));
  const asOf = shanghaiDate(request.at);
  const amount = Amount.parse(request.amount);

  // Hard rules.
  if (voucher?.status === 'frozen') hard('voucherFrozen', `voucher ${request.voucherId} is frozen`);
  if (inputs.issuer.overdueRoots > 0) hard('issuerOverdue', `${inputs.issuer.partyId} has ${inputs.issuer.overdueRoots} overdue tree(s), ${inputs.issuer.overdueOutstanding} outstanding`);
  const voided = inputs.payables.filter((p) => p.voidedInvoices.length > 0);
  if (voided.length > 0) hard('backingInvoiceVoid', voided.map((p) => `payable ${p.payableId}: invoice(s) ${p.voidedInvoices.join(', ')}`).join('; '));
  const tenor = voucher ? daysBetween(asOf, voucher.maturityDate) : null;
  if (tenor !== null && tenor < policy.maturityDaysMin) hard('maturityTooClose', `${tenor} days to maturity, fewer than ${policy.maturityDaysMin}`);
  const product = inputs.product;
  let terms: AssessmentResult['terms'] = null;
  if (!product || product.status !== 'active' || product.funder !== request.funder) {
    hard('productUnknown', `${request.funder} has no active product ${request.productId}`);
  } else if (voucher) {
    const used = Amount.parse(inputs.productUsedToday).toFen();
    const misfits = ineligibilities(product, { voucherId: request.voucherId, issuer: voucher.issuer, amount: request.amount, maturityDate: voucher.maturityDate }, scored.grade, asOf, used);
    const limit = misfits.filter((m) => m.code === 'dailyLimitExceeded');
    const others = misfits.filter((m) => m.code !== 'dailyLimitExceeded');
    if (others.length > 0) hard('productIneligible', others.map((m) => m.text).join('; '));
    const beyond: string[] = [];
    if (parseAnnualRate(product.annualRate).gt(parseAnnualRate(request.maxAnnualRate))) beyond.push(`rate ${product.annualRate} > ${request.maxAnnualRate}`);
    if (Amount.parse(product.fees).gt(Amount.parse(request.maxFees))) beyond.push(`fees ${product.fees} > ${request.maxFees}`);
    if (beyond.length > 0) hard('productTermsBeyondRequest', beyond.join('; '));
    if (limit.length > 0) hard('productDailyLimitExceeded', limit[0]!.text);
    terms = { productId: product.productId, ...financingCost(request.amount, product.annualRate, tenor ?? 0, product.fees) };
  }
  if (inputs.registry && inputs.registry.activeRegistrations.length > 0) hard('registryHit', `registration(s) ${inputs.registry.activeRegistrations.join(', ')}`);
  else if (inputs.registry === null || inputs.registry?.searched === false) note('the financing registry search was not answered when assessed: the approval waits for it at the gateway');

  // Soft signals.
  if (!voucher) soft('voucherNotSeen', `no VoucherIssued/VoucherTransferred for ${request.voucherId} has reached the risk service`);
  const low = inputs.payables.filter((p) => p.fourFlowScore !== null && p.fourFlowScore < policy.fourFlowScoreMin);
  if (low.length > 0) soft('fourFlowLow', low.map((p) => `payable ${p.payableId} scored ${p.fourFlowScore}`).join('; ') + ` (below ${policy.fourFlowScoreMin})`);
  const unknown = inputs.payables.filter((p) => p.fourFlowScore === null);
  if (unknown.length > 0) note(`four-flow score not known yet for payable(s) ${unknown.map((p) => p.payableId).join(', ')}: the invoices service has not scored them (not held against the request)`);
  const windowStart = new Date(Date.parse(request.at) - policy.cycleWindowDays * 86_400_000).toISOString();
  const cycle = findCycle(inputs.transferEdges, request.holder, windowStart);
  if (cycle) soft('transferCycle', `${cycle.parties.join(' → ')} within ${policy.cycleWindowDays} days`);
  if (inputs.transferEdgesTruncated) note('the transfer graph around the holder is larger than the search bound; the cycle check saw part of it');
  const related = relatedTo(inputs.identities);
  if (related.length > 0) soft('relatedParties', related.map((r) => `${r.with} (same ${r.via === 'address' ? 'address' : 'legal representative'})`).join('; '));
  if (voucher) {
    const since = Date.parse(request.at) - policy.velocityWindowHours * 3_600_000;
    const recent = voucher.path.filter((h) => h.at !== null && Date.parse(h.at) >= since).length;
    if (recent > policy.velocityHopsMax) soft('transferVelocity', `${recent} hands in the last ${policy.velocityWindowHours} hours (more than ${policy.velocityHopsMax})`);
  }
  const funderOnIssuer = Amount.parse(inputs.exposure.funderOnIssuer).plus(amount);
  const funderBook = Amount.parse(inputs.exposure.funderBook).plus(amount);
  const share = Number(funderOnIssuer.toFen()) / Number(funderBook.toFen());
  if (funderBook.gte(Amount.parse(policy.concentrationBookMin)) && share > policy.concentrationShareMax) {
    soft('funderConcentration', `${(share * 100).toFixed(1)} % of ${request.funder}'s financed book would be on this issuer (more than ${(policy.concentrationShareMax * 100).toFixed(1)} %)`);
  }
  const issuerFinanced = Amount.parse(inputs.exposure.issuerFinanced).plus(amount);
  if (issuerFinanced.gt(Amount.parse(policy.issuerExposureMax))) soft('issuerExposureHigh', `${issuerFinanced} financed across all funders, more than ${policy.issuerExposureMax}`);
  if (pd > policy.approvePdMax) soft('pdAboveApproveMax', `PD ${pd} > ${policy.approvePdMax}`);

  reasons.push({ code: 'score', kind: 'score', text: `issuer ${inputs.issuer.partyId}: score ${scored.score}, PD ${pd}, grade ${scored.grade} (scorecard ${card.version})` });
  for (const r of scored.reasons) reasons.push({ code: 'score', kind: 'score', text: r });
  const decision: Decision = hardRules.length > 0 ? 'reject' : softSignals.length > 0 ? 'review' : 'approve';
  return { decision, score: scored.score, pd, grade: scored.grade, scorecardVersion: card.version, reasons, hardRules, softSignals, terms };
}
