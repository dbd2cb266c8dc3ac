/**
 * An enterprise's features, the inputs of its score: from its ingested records (registration,
 * tax, judicial, credit bureau) and from its behaviour on the platform (what the ledger's events
 * show). Each is a number, a category or null ("not known", which the scorecard scores as its
 * missing bin). Amounts enter as floats in 万元 (10,000 CNY): these are statistical inputs, never
 * money that moves.
 */
import { Amount } from '@cascade/money';
import { daysBetween, monthsBack, shanghaiDate } from './time.ts';
import type { BureauRecord, JudicialRecord, RegistrationRecord, TaxRecord } from './records.ts';
import type { FeatureVector } from './scorecard.ts';

/** Every feature the service computes, with the words a credit officer reads. */
export const enterpriseFeatureLabels = {
  yearsSinceFounding: 'Years since founding (成立年限)',
  registeredCapitalWan: 'Registered capital, 万元 (注册资本)',
  industry: 'Industry (行业)',
  registrationStatus: 'Registration status (登记状态)',
  taxCreditGrade: 'Tax credit grade (纳税信用等级)',
  monthlyTaxPaidWan: 'Average monthly tax paid over 12 months, 万元 (月均纳税额)',
  taxPaidTrend: 'Tax paid, last 3 months against the 3 before (纳税趋势)',
  invoiceCountMonthly: 'Invoices issued per month (月均开票数)',
  judicialCases3y: 'Court cases as defendant in 3 years (涉诉案件数)',
  judicialCases12m: 'Court cases as defendant in 12 months (近一年涉诉)',
  judicialAmountWan: 'Amount at stake in open cases, 万元 (涉诉金额)',
  bureauOverdueCount: 'Overdue loans at the credit bureau (征信逾期笔数)',
  bureauOverdueAmountWan: 'Overdue amount at the credit bureau, 万元 (征信逾期金额)',
  onTimeSettlementShare: 'Share of its matured vouchers it paid on time (按期兑付率)',
  platformOverdueCount: 'Its vouchers overdue on the platform (平台逾期次数)',
  transfersOut30d: 'Vouchers it transferred in 30 days (近30日转让次数)',
  issuerConcentrationShare: 'Share of the value it received from its largest issuer (集中度)',
  daysOnPlatform: 'Days on the platform (入驻天数)',
  financingCount: 'Vouchers it financed (融资笔数)',
  financingRejectedCount: 'Financing requests refused (融资被拒次数)',
  relatedPartyCount: 'Other enterprises sharing its legal representative or address (关联企业数)',
} as const;

export type EnterpriseFeatureName = keyof typeof enterpriseFeatureLabels;
export const enterpriseFeatureNames = Object.keys(enterpriseFeatureLabels) as EnterpriseFeatureName[];

/** GB/T 4754 sections mapped to the industries the scorecard knows. */
const industryOfSection: Readonly<Record<string, string>> = {
  A: 'agriculture',
  C: 'manufacturing',
  E: 'construction',
  F: 'wholesale',
  G: 'logistics',
  I: 'technology',
};

export function industryOf(code: string): string {
  return industryOfSection[code.trim().charAt(0).toUpperCase()] ?? 'services';
}

/** The platform behaviour of a party, as the ledger's events left it (data-access computes it). */
export interface PlatformBehaviour {
  registeredAt: string | null;
  /** Roots it issued that reached maturity, and how many of those it paid in full by maturity. */
  maturedRoots: number;
  onTimeRoots: number;
  overdueRoots: number;
  transfersOut30d: number;
  /** Value received (accepted) per issuer, in fen. */
  receivedByIssuerFen: readonly bigint[];
  financedCount: number;
  financingRejectedCount: number;
  relatedPartyCount: number;
}

export interface EnterpriseData {
  registration: RegistrationRecord | null;
  /** Monthly tax records, any order. */
  tax: readonly TaxRecord[];
  judicial: readonly JudicialRecord[];
  /** The latest bureau report, if any. */
  bureau: BureauRecord | null;
  behaviour: PlatformBehaviour;
}

const wan = (amount: string): number => Number(Amount.parse(amount).toFen()) / 1_000_000;
const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

function sumFen(records: readonly TaxRecord[]): bigint {
  return records.reduce((s, r) => s + Amount.parse(r.taxPaid).toFen(), 0n);
}

/** The feature vector of an enterprise as of a calendar date (Asia/Shanghai). */
export function enterpriseFeatures(data: EnterpriseData, asOf: string): Record<EnterpriseFeatureName, number | string | null> {
  const reg = data.registration;
  const byPeriod = new Map(data.tax.map((t) => [t.period, t]));
  const latestPeriod = [...byPeriod.keys()].sort().at(-1) ?? null;
  const lastMonths = (count: number, skip = 0): TaxRecord[] | null => {
    if (latestPeriod === null) return null;
    const out: TaxRecord[] = [];
    for (let k = skip; k < skip + count; k++) {
      const r = byPeriod.get(monthsBack(latestPeriod, k));
      if (!r) return null;
      out.push(r);
    }
    return out;
  };
  const year = [...byPeriod.values()].filter((t) => latestPeriod !== null && t.period > monthsBack(latestPeriod, 12));
  const recent = lastMonths(3);
  const prior = lastMonths(3, 3);
  const priorFen = prior ? sumFen(prior) : 0n;
  const defendant = data.judicial.filter((j) => j.role === 'defendant');
  const within = (date: string, days: number) => daysBetween(date, asOf) <= days && daysBetween(date, asOf) >= 0;
  const b = data.behaviour;
  const received = b.receivedByIssuerFen.reduce((s, x) => s + x, 0n);
  const largest = b.receivedByIssuerFen.reduce((m, x) => (x > m ? x : m), 0n);
  return {
    yearsSinceFounding: reg ? round(daysBetween(reg.foundedOn, asOf) / 365.25, 2) : null,
    registeredCapitalWan: reg ? round(wan(reg.registeredCapital), 2) : null,
    industry: reg ? industryOf(reg.industryCode) : null,
    registrationStatus: reg ? reg.status : null,
    taxCreditGrade: latestPeriod ? byPeriod.get(latestPeriod)!.creditGrade : null,
    monthlyTaxPaidWan: year.length > 0 ? round(Number(sumFen(year)) / 1_000_000 / year.length, 3) : null,
    taxPaidTrend: recent && prior && priorFen > 0n ? round(Number(sumFen(recent)) / Number(priorFen) - 1, 4) : null,
    invoiceCountMonthly: year.length > 0 ? round(year.reduce((s, t) => s + t.invoiceCount, 0) / year.length, 2) : null,
    judicialCases3y: defendant.filter((j) => within(j.filedOn, 3 * 365)).length,
    judicialCases12m: defendant.filter((j) => within(j.filedOn, 365)).length,
    judicialAmountWan: round(defendant.filter((j) => j.status === 'open').reduce((s, j) => s + wan(j.amount), 0), 2),
    bureauOverdueCount: data.bureau ? data.bureau.overdueCount : null,
    bureauOverdueAmountWan: data.bureau ? round(wan(data.bureau.overdueAmount), 2) : null,
    onTimeSettlementShare: b.maturedRoots > 0 ? round(b.onTimeRoots / b.maturedRoots) : null,
    platformOverdueCount: b.overdueRoots,
    transfersOut30d: b.transfersOut30d,
    issuerConcentrationShare: received > 0n ? round(Number(largest) / Number(received)) : null,
    daysOnPlatform: b.registeredAt ? Math.max(0, daysBetween(shanghaiDate(b.registeredAt), asOf)) : null,
    financingCount: b.financedCount,
    financingRejectedCount: b.financingRejectedCount,
    relatedPartyCount: b.relatedPartyCount,
  } satisfies FeatureVector;
}
