/**
 * A reproducible, seeded synthetic credit history with a known relationship: the enterprise
 * features the service computes (features.ts), three pure-noise columns, an identifier, and a
 * `defaulted` target drawn from a logistic model of the features written out below. Because the
 * true probability of default of every row is known, the best AUC any model can reach on a
 * sample is known too (`trueAuc`): the trainer is tested against it, and the default scorecard
 * is trained on this data (`cascade risk generate`, then `cascade risk train`).
 *
 * The features are correlated through a hidden "firm quality", as real ones are, but the target
 * depends on the observed features only, so the true PD is a function of what a model sees.
 */
import { discrimination } from './metrics.ts';
import { SeededRandom } from './random.ts';
import type { Table } from './table.ts';

export const syntheticTarget = 'defaulted';
export const syntheticSeedDefault = 20_260_301;
export const syntheticRowsDefault = 30_000;
export const syntheticRowsMax = 2_000_000;

export const syntheticColumns = [
  'enterpriseId',
  'yearsSinceFounding',
  'registeredCapitalWan',
  'industry',
  'registrationStatus',
  'taxCreditGrade',
  'monthlyTaxPaidWan',
  'taxPaidTrend',
  'invoiceCountMonthly',
  'judicialCases3y',
  'judicialCases12m',
  'judicialAmountWan',
  'bureauOverdueCount',
  'bureauOverdueAmountWan',
  'onTimeSettlementShare',
  'platformOverdueCount',
  'transfersOut30d',
  'issuerConcentrationShare',
  'daysOnPlatform',
  'financingCount',
  'financingRejectedCount',
  'relatedPartyCount',
  'noiseGaussian',
  'noiseCategory',
  'noiseUniform',
  syntheticTarget,
] as const;

const industries = ['manufacturing', 'wholesale', 'construction', 'logistics', 'technology', 'agriculture', 'services'] as const;
const industryWeights = [0.32, 0.18, 0.12, 0.1, 0.1, 0.06, 0.12];
const industryEffect: Record<(typeof industries)[number], number> = { manufacturing: 0, wholesale: 0.2, construction: 0.6, logistics: 0.15, technology: -0.3, agriculture: 0.4, services: 0.15 };
const gradeEffect: Record<string, number> = { A: -0.8, B: -0.3, C: 0.35, D: 1.2, M: 0.25 };
const statusEffect: Record<string, number> = { active: 0, abnormal: 1.2, revoked: 2.2 };
/** Sets the base rate near 8 % bad. */
const intercept = -2.4;

const clip = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
const fixed = (x: number, digits: number): string => x.toFixed(digits);

export interface SyntheticData extends Table {
  /** The true probability of default of each row. */
  truePd: Float64Array;
}

/** The generator's true logit of default for one row's features (the known relationship). */
export function trueLogit(f: {
  years: number; capital: number; industry: (typeof industries)[number]; status: string; grade: string; taxWan: number; trend: number | null;
  cases12m: number; judicialWan: number; bureauCount: number; onTime: number | null; platformOverdue: number; concentration: number | null;
  days: number; rejected: number; related: number;
}): number {
  return (
    intercept
    - 0.35 * Math.log1p(f.years)
    - 0.12 * Math.log(f.capital)
    + industryEffect[f.industry]
    + (statusEffect[f.status] ?? 0)
    + (gradeEffect[f.grade] ?? 0)
    - 0.2 * Math.log1p(f.taxWan)
    + (f.trend === null ? 0.2 : -1.5 * clip(f.trend, -1, 1))
    + 0.35 * Math.min(f.cases12m, 5)
    + 0.1 * Math.log1p(f.judicialWan)
    + 0.4 * Math.min(f.bureauCount, 6)
    + (f.onTime === null ? 0.1 : -2 * (f.onTime - 0.8))
    + 0.6 * Math.min(f.platformOverdue, 4)
    + (f.concentration === null ? 0 : 0.9 * f.concentration)
    - 0.0004 * f.days
    + 0.25 * Math.min(f.rejected, 4)
    + 0.4 * Math.min(f.related, 4)
  );
}

export function generateSynthetic(rows = syntheticRowsDefault, seed = syntheticSeedDefault): SyntheticData {
  if (!Number.isInteger(rows) || rows < 1 || rows > syntheticRowsMax) throw new Error(`rows must be 1 to ${syntheticRowsMax}`);
  const r = new SeededRandom(seed);
  const out: string[][] = [];
  const truePd = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const quality = r.normal();
    const years = clip(Math.exp(1.8 + 0.25 * quality + r.normal(0, 0.6)), 0.2, 40);
    const capital = clip(Math.round(Math.exp(6 + 0.4 * quality + r.normal(0, 1.2))), 10, 1_000_000);
    const industry = industries[r.pick(industryWeights)]!;
    const u = r.uniform();
    const status = u < 0.975 ? 'active' : u < 0.992 ? 'abnormal' : 'revoked';
    const gradeScore = quality + r.normal(0, 0.8);
    const grade = years < 1 ? 'M' : gradeScore > 0.8 ? 'A' : gradeScore > -0.3 ? 'B' : gradeScore > -1.3 ? 'C' : 'D';
    const taxWan = clip(Math.exp(0.5 + 0.5 * quality + 0.3 * Math.log(capital) / 3 + r.normal(0, 0.8)), 0, 10_000);
    const trend = r.uniform() < 0.1 ? null : clip(r.normal(0.02 + 0.05 * quality, 0.2), -0.95, 2);
    const invoices = r.poisson(clip(Math.exp(2.5 + 0.3 * quality), 0.5, 200));
    const cases3y = r.poisson(Math.exp(-1 - 0.5 * quality));
    let cases12m = 0;
    for (let k = 0; k < cases3y; k++) if (r.uniform() < 0.4) cases12m += 1;
    const judicialWan = cases3y > 0 ? Math.exp(3 + r.normal(0, 1.2)) : 0;
    const bureauCount = r.poisson(Math.exp(-1.6 - 0.7 * quality));
    const bureauWan = bureauCount > 0 ? Math.exp(2 + r.normal(0, 1)) * bureauCount : 0;
    const onTime = r.uniform() < 0.4 ? null : clip(1 / (1 + Math.exp(-(2 + quality + r.normal(0, 1)))), 0, 1);
    const platformOverdue = r.poisson(Math.exp(-2.2 - 0.6 * quality));
    const transfers = r.poisson(3);
    const concentration = r.uniform() < 0.2 ? null : clip(0.2 + 0.8 * r.uniform(), 0.2, 1);
    const days = r.int(1500);
    const financed = r.poisson(2 + days / 400);
    const rejected = r.poisson(0.3 + Math.max(0, -0.3 * quality));
    const related = r.poisson(0.3);
    const logit = trueLogit({ years, capital, industry, status, grade, taxWan, trend, cases12m, judicialWan, bureauCount, onTime, platformOverdue, concentration, days, rejected, related });
    const pd = 1 / (1 + Math.exp(-logit));
    truePd[i] = pd;
    const defaulted = r.uniform() < pd ? 1 : 0;
    out.push([
      `E${String(i + 1).padStart(7, '0')}`,
      fixed(years, 2),
      String(capital),
      industry,
      status,
      grade,
      fixed(taxWan, 3),
      trend === null ? '' : fixed(trend, 4),
      String(invoices),
      String(cases3y),
      String(cases12m),
      fixed(judicialWan, 2),
      String(bureauCount),
      fixed(bureauWan, 2),
      onTime === null ? '' : fixed(onTime, 4),
      String(platformOverdue),
      String(transfers),
      concentration === null ? '' : fixed(concentration, 4),
      String(days),
      String(financed),
      String(rejected),
      String(related),
      fixed(r.normal(), 4),
      ['red', 'green', 'blue', 'amber'][r.int(4)]!,
      fixed(r.uniform(), 4),
      String(defaulted),
    ]);
  }
  return { columns: [...syntheticColumns], rows: out, truePd };
}

/** The AUC of the true PD on the given rows: the ceiling for any model on that sample. */
export function trueAuc(data: SyntheticData, rows: readonly number[]): number {
  const t = data.columns.indexOf(syntheticTarget);
  const labels = Uint8Array.from(rows, (i) => Number(data.rows[i]![t]));
  return discrimination(Float64Array.from(rows, (i) => data.truePd[i]!), labels).auc;
}

/** The data as CSV text (no field needs quoting: the generator writes none with a comma or quote). */
export function toCsv(table: Table): string {
  return [table.columns.join(','), ...table.rows.map((r) => r.join(','))].join('\n') + '\n';
}
