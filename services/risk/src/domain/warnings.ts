/**
 * Early warning (DESIGN §4): rules over data updates and ledger events that spot an issuer
 * getting worse. Each rule is a pure function from what changed (and what was known before) to
 * an alert draft or null; the service raises one alert per funder exposed to the issuer.
 *
 * - taxPaidFalling: tax paid over the last three months fell by more than a share against the
 *   three months before (both windows complete, the earlier one above zero). Money is compared in
 *   fen, never as floats.
 * - newLitigation: a court case not seen before names the enterprise as defendant and was filed
 *   within the look-back (an old case found late is still new to the funders).
 * - issuerOverdue: a tree of the issuer went overdue with an amount outstanding.
 * - concentrationAboveLimit: the issuer's share of everything financed on the platform rose past
 *   a limit (it fires on the crossing, not on every financing while above).
 */
import { Amount } from '@cascade/money';
import type { JudicialRecord, TaxRecord } from './records.ts';
import { daysBetween, monthsBack } from './time.ts';

export const warningRules = {
  taxPaidFalling: 'tax paid is falling',
  newLitigation: 'new litigation against the issuer',
  issuerOverdue: 'the issuer is overdue',
  concentrationAboveLimit: "the issuer's share of the platform's financing is above the limit",
} as const;
export type WarningRule = keyof typeof warningRules;

export type Severity = 'high' | 'medium';

export interface AlertDraft {
  rule: WarningRule;
  /** The enterprise the alert is about (the issuer funders are exposed to). */
  subject: string;
  severity: Severity;
  text: string;
  facts: Record<string, unknown>;
}

export interface WarningPolicy {
  /** taxPaidFalling fires when the fall is more than this share (0.3 = 30 %). */
  taxFallShareMax: number;
  litigationLookbackDays: number;
  concentrationShareMax: number;
  /** concentrationAboveLimit applies once the platform's financed total is at least this. */
  concentrationPlatformMin: string;
}

export const warningPolicyDefaults: WarningPolicy = {
  taxFallShareMax: 0.3,
  litigationLookbackDays: 365,
  concentrationShareMax: 0.4,
  concentrationPlatformMin: '10000000.00',
};

/** Shares are compared in basis points, so the rule is exact on amounts in fen. */
const basisPoints = (share: number): bigint => BigInt(Math.round(share * 10_000));

/** `records` holds every tax record of the enterprise after the update. */
export function taxPaidFalling(enterprise: string, records: readonly TaxRecord[], updatedPeriod: string, policy: WarningPolicy): AlertDraft | null {
  const byPeriod = new Map(records.map((r) => [r.period, r]));
  const latest = [...byPeriod.keys()].sort().at(-1);
  // Only an update to the latest month can complete a new pair of windows.
  if (latest === undefined || updatedPeriod !== latest) return null;
  const window = (skip: number): bigint | null => {
    let fen = 0n;
    for (let k = skip; k < skip + 3; k++) {
      const r = byPeriod.get(monthsBack(latest, k));
      if (!r) return null;
      fen += Amount.parse(r.taxPaid).toFen();
    }
    return fen;
  };
  const recent = window(0);
  const prior = window(3);
  if (recent === null || prior === null || prior === 0n) return null;
  // fall / prior > share  ⇔  (prior − recent) · 10 000 > share_bp · prior
  if ((prior - recent) * 10_000n <= basisPoints(policy.taxFallShareMax) * prior) return null;
  const fallPercent = (Number((prior - recent) * 10_000n / prior) / 100).toFixed(2);
  return {
    rule: 'taxPaidFalling',
    subject: enterprise,
    severity: 'medium',
    text: `tax paid ${monthsBack(latest, 2)}…${latest} was ${Amount.fromFen(recent)} against ${Amount.fromFen(prior)} in the three months before: down ${fallPercent} % (limit ${(policy.taxFallShareMax * 100).toFixed(0)} %)`,
    facts: { recent: Amount.fromFen(recent).toString(), prior: Amount.fromFen(prior).toString(), fallPercent, latestPeriod: latest },
  };
}

/** `known` says whether this case id was on file for the enterprise before the update. */
export function newLitigation(enterprise: string, record: JudicialRecord, known: boolean, observedOn: string, policy: WarningPolicy): AlertDraft | null {
  if (known || record.role !== 'defendant') return null;
  const age = daysBetween(record.filedOn, observedOn);
  if (age > policy.litigationLookbackDays) return null;
  return {
    rule: 'newLitigation',
    subject: enterprise,
    severity: Amount.parse(record.amount).isZero() ? 'medium' : 'high',
    text: `case ${record.caseId} filed ${record.filedOn} names it as defendant (${record.cause}), ${record.amount} at stake`,
    facts: { caseId: record.caseId, filedOn: record.filedOn, amount: record.amount, status: record.status },
  };
}

export function issuerOverdue(issuer: string, rootId: string, outstanding: string, leaves: number, at: string): AlertDraft | null {
  if (Amount.parse(outstanding).isZero()) return null;
  return {
    rule: 'issuerOverdue',
    subject: issuer,
    severity: 'high',
    text: `tree ${rootId} went overdue at ${at}: ${outstanding} outstanding on ${leaves} voucher(s)`,
    facts: { rootId, outstanding, leaves, at },
  };
}

/**
 * `wasAbove`: the rule's state before this change (so it fires once per crossing). Returns the
 * alert (or null) and the state to keep.
 */
export function concentrationAboveLimit(issuer: string, issuerFinanced: string, platformFinanced: string, wasAbove: boolean, policy: WarningPolicy): { alert: AlertDraft | null; above: boolean } {
  const issuerFen = Amount.parse(issuerFinanced).toFen();
  const platformFen = Amount.parse(platformFinanced).toFen();
  const above = platformFen > 0n && platformFen >= Amount.parse(policy.concentrationPlatformMin).toFen() && issuerFen * 10_000n > basisPoints(policy.concentrationShareMax) * platformFen;
  if (!above || wasAbove) return { alert: null, above };
  const percent = (Number(issuerFen * 10_000n / platformFen) / 100).toFixed(2);
  return {
    above,
    alert: {
      rule: 'concentrationAboveLimit',
      subject: issuer,
      severity: 'medium',
      text: `${issuerFinanced} of the platform's ${platformFinanced} financed is on this issuer: ${percent} % (limit ${(policy.concentrationShareMax * 100).toFixed(0)} %)`,
      facts: { issuerFinanced, platformFinanced, percent },
    },
  };
}
