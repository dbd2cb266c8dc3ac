/**
 * Training a scorecard from any labelled table: plan the columns, split rows into training and
 * held-out parts (seeded, stratified by the target), bin each feature on the training part and
 * drop the weak ones (information value below `ivMin`), fit an L2 logistic regression on the WOE
 * values, turn the coefficients into points, and report AUC, KS and Gini of the finished card
 * (its whole-number points, as shipped) on the held-out rows.
 *
 * Deterministic: the same table and options give the same card, version and figures.
 */
import { createHash } from 'node:crypto';
import { canonicalize } from '@cascade/crypto';
import { binOf, defaultGradeBands, scalingFactor, scalingOffset, scorecardFormat, type Bin, type Scaling, type Scorecard, type ScorecardFeature } from '../scorecard.ts';
import { isMissing, toNumber } from '../scorecard.ts';
import { binCategorical, binNumeric, binningDefaults, type BinningOptions } from './binning.ts';
import { fitLogistic } from './logistic.ts';
import { discrimination, type Discrimination } from './metrics.ts';
import { SeededRandom } from './random.ts';
import { columnValues, encodeTarget, planColumn, TableError, type ColumnPlan, type Table } from './table.ts';

export interface TrainOptions {
  target: string;
  bad?: string;
  ignore?: readonly string[];
  /** Share of the rows held out for the reported figures. */
  testShare?: number;
  seed?: number;
  /** Features whose information value is below this are dropped as weak. */
  ivMin?: number;
  /** L2 penalty of the regression. */
  l2?: number;
  scaling?: Scaling;
  binning?: Partial<BinningOptions>;
  description?: string;
}

export const trainDefaults = { testShare: 0.3, seed: 20_260_301, ivMin: 0.02, l2: 1, scaling: { baseScore: 600, baseOdds: 50, pdo: 20 } } as const;
/** Rows a training needs at least, in each class. */
export const classRowsMin = 20;

export interface ColumnReport extends ColumnPlan {
  iv?: number;
  bins?: number;
  coefficient?: number;
  /** Why a column is not in the card. */
  dropped?: string;
}

export interface TrainReport {
  rows: number;
  trainRows: number;
  testRows: number;
  targetMissing: number;
  bad: string;
  good: string;
  badRate: number;
  columns: ColumnReport[];
  test: Discrimination;
  train: Discrimination;
  iterations: number;
  seed: number;
  testShare: number;
}

/** The version a card's content gives it: the same content, the same version. */
export function scorecardVersion(card: Omit<Scorecard, 'version'>, prefix = 'sc'): string {
  return `${prefix}-${createHash('sha256').update(canonicalize(card)).digest('hex').slice(0, 12)}`;
}

/** Seeded stratified split: `testShare` of the bads and of the goods are held out. */
export function splitRows(labels: Uint8Array, testShare: number, seed: number): { train: number[]; test: number[] } {
  if (!(testShare > 0 && testShare < 1)) throw new TableError(`--test-share must be between 0 and 1, got ${testShare}`);
  const random = new SeededRandom(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const cls of [1, 0]) {
    const members: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === cls) members.push(i);
    random.shuffle(members);
    const held = Math.round(members.length * testShare);
    test.push(...members.slice(0, held));
    train.push(...members.slice(held));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

function featureValues(kind: ColumnPlan['kind'], raw: readonly string[], rows: readonly number[]): (number | null)[] | (string | null)[] {
  if (kind === 'numeric') return rows.map((i) => (isMissing(raw[i]!) ? null : toNumber(raw[i]!)));
  return rows.map((i) => (isMissing(raw[i]!) ? null : raw[i]!.trim()));
}

const roundTo = (x: number, digits: number): number => Number(x.toFixed(digits));

/** The card's whole-number score of a table's rows (the sum of each feature's bin points). */
export function scoreRows(card: Scorecard, table: Table, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length).fill(card.basePoints);
  for (const f of card.features) {
    const raw = columnValues(table, f.name);
    rows.forEach((i, k) => (out[k]! += binOf(f, raw[i]!).points));
  }
  return out;
}

export function train(table: Table, options: TrainOptions): { scorecard: Scorecard; report: TrainReport } {
  const testShare = options.testShare ?? trainDefaults.testShare;
  const seed = options.seed ?? trainDefaults.seed;
  const ivMin = options.ivMin ?? trainDefaults.ivMin;
  const scaling = options.scaling ?? trainDefaults.scaling;
  const binning = { ...binningDefaults, ...options.binning };
  const ignore = new Set(options.ignore ?? []);
  for (const name of ignore) if (!table.columns.includes(name)) throw new TableError(`--ignore names ${name}, which is not a column`);
  if (!table.columns.includes(options.target)) throw new TableError(`the file has no target column ${options.target}`);

  const target = encodeTarget(columnValues(table, options.target), options.bad);
  const bads = target.labels.reduce((a, b) => a + b, 0);
  if (bads < classRowsMin || target.labels.length - bads < classRowsMin) {
    throw new TableError(`training needs at least ${classRowsMin} rows of each class (bads ${bads}, goods ${target.labels.length - bads})`);
  }
  const split = splitRows(target.labels, testShare, seed);
  // Row numbers in the table of the training and held-out rows.
  const trainRows = split.train.map((k) => target.rows[k]!);
  const testRows = split.test.map((k) => target.rows[k]!);
  const trainLabels = Uint8Array.from(split.train, (k) => target.labels[k]!);
  const testLabels = Uint8Array.from(split.test, (k) => target.labels[k]!);

  const columns: ColumnReport[] = [];
  const candidates: { feature: ScorecardFeature; woe: Float64Array; report: ColumnReport }[] = [];
  for (const name of table.columns) {
    if (name === options.target) {
      columns.push({ name, role: 'target', kind: 'categorical', missing: target.missing, distinct: 2 });
      continue;
    }
    const raw = columnValues(table, name);
    const plan = planColumn(name, raw);
    if (ignore.has(name)) {
      columns.push({ ...plan, role: 'ignored', dropped: 'ignored on the command line' });
      continue;
    }
    if (plan.role !== 'feature') {
      columns.push({ ...plan, dropped: plan.role === 'identifier' ? 'identifier-like: a different value on every row' : plan.role === 'constant' ? 'the same value on every row' : 'no value on any row' });
      continue;
    }
    const values = featureValues(plan.kind, raw, trainRows);
    const binned = plan.kind === 'numeric' ? binNumeric(values as (number | null)[], trainLabels, binning) : binCategorical(values as (string | null)[], trainLabels, binning);
    const report: ColumnReport = { ...plan, iv: roundTo(binned.iv, 6), bins: binned.bins.length };
    columns.push(report);
    if (binned.iv < ivMin) {
      report.dropped = `weak: information value ${binned.iv.toFixed(4)} below ${ivMin}`;
      continue;
    }
    const feature: ScorecardFeature = { name, kind: plan.kind, iv: roundTo(binned.iv, 6), bins: binned.bins.map((b) => ({ ...b, woe: roundTo(b.woe, 6), ...(b.badRate === undefined ? {} : { badRate: roundTo(b.badRate, 6) }) })) };
    const woe = Float64Array.from(trainRows, (i) => binOf(feature, raw[i]!).woe);
    candidates.push({ feature, woe, report });
  }
  if (candidates.length === 0) throw new TableError(`no column carries information about ${options.target} (every information value is below ${ivMin})`);

  // WOE is high for good bins, so a feature should get a negative coefficient on P(bad); one that
  // gets a positive one (collinearity turning it around) would read backwards: drop it and refit.
  let kept = candidates;
  let fit = fitLogistic(kept.map((c) => c.woe), trainLabels, { l2: options.l2 ?? trainDefaults.l2 });
  for (;;) {
    let worst = -1;
    fit.coefficients.forEach((b, j) => {
      if (b > 0 && (worst < 0 || b > fit.coefficients[worst]!)) worst = j;
    });
    if (worst < 0 || kept.length === 1) break;
    kept[worst]!.report.dropped = `its coefficient came out positive (${fit.coefficients[worst]!.toFixed(4)}): it reads backwards next to the others`;
    kept = kept.filter((_, j) => j !== worst);
    fit = fitLogistic(kept.map((c) => c.woe), trainLabels, { l2: options.l2 ?? trainDefaults.l2 });
  }

  const factor = scalingFactor(scaling);
  const features: ScorecardFeature[] = kept.map((c, j) => {
    const beta = fit.coefficients[j]!;
    c.report.coefficient = roundTo(beta, 6);
    const bins: Bin[] = c.feature.bins.map((b) => ({ ...b, points: Math.round(-factor * beta * b.woe) || 0 }));
    return { ...c.feature, coefficient: roundTo(beta, 6), bins };
  });
  const basePoints = Math.round(scalingOffset(scaling) - factor * fit.intercept);
  const content: Omit<Scorecard, 'version'> = {
    format: scorecardFormat,
    description: options.description ?? `trained on ${trainRows.length} rows to predict ${options.target} = ${target.bad}`,
    target: { column: options.target, bad: target.bad },
    scaling,
    basePoints,
    features,
    grades: [...defaultGradeBands],
    training: { rows: target.rows.length, trainRows: trainRows.length, testRows: testRows.length, seed, testShare, ivMin, l2: options.l2 ?? trainDefaults.l2 },
  };
  const scorecard: Scorecard = { ...content, version: scorecardVersion(content) };
  const riskOf = (scores: Float64Array) => scores.map((s) => -s);
  const test = discrimination(riskOf(scoreRows(scorecard, table, testRows)), testLabels);
  const trainFigures = discrimination(riskOf(scoreRows(scorecard, table, trainRows)), trainLabels);
  scorecard.training = { ...scorecard.training, auc: roundTo(test.auc, 6), ks: roundTo(test.ks, 6), gini: roundTo(test.gini, 6) };
  return {
    scorecard,
    report: {
      rows: target.rows.length,
      trainRows: trainRows.length,
      testRows: testRows.length,
      targetMissing: target.missing,
      bad: target.bad,
      good: target.good,
      badRate: bads / target.labels.length,
      columns,
      test,
      train: trainFigures,
      iterations: fit.iterations,
      seed,
      testShare,
    },
  };
}

/** The card's figures on any labelled table (its own target column and bad value unless given). */
export function evaluate(card: Scorecard, table: Table, options: { target?: string; bad?: string } = {}): Discrimination & { targetMissing: number; missingColumns: string[] } {
  const column = options.target ?? card.target?.column;
  if (!column) throw new TableError('the scorecard names no target column: give --target');
  if (!table.columns.includes(column)) throw new TableError(`the file has no target column ${column}`);
  const missingColumns = card.features.map((f) => f.name).filter((n) => !table.columns.includes(n));
  if (missingColumns.length > 0) throw new TableError(`the file lacks the scorecard's columns ${missingColumns.join(', ')}`);
  const values = columnValues(table, column);
  const bad = options.bad ?? (card.target && values.includes(card.target.bad) ? card.target.bad : undefined);
  const target = encodeTarget(values, bad);
  const scores = scoreRows(card, table, target.rows);
  return { ...discrimination(scores.map((s) => -s), target.labels), targetMissing: target.missing, missingColumns };
}
