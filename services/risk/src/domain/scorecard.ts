/**
 * The scorecard engine. A scorecard is data: binned features, each bin worth a whole number of
 * points, a base, and the scaling that turns a score into odds and a probability of default (PD).
 *
 *   score = basePoints + Σ points(bin of each feature)
 *   ln(odds good:bad) = (score − offset) / factor,  factor = pdo / ln 2,
 *                        offset = baseScore − factor · ln(baseOdds)
 *   PD = 1 / (1 + odds)
 *
 * so `baseOdds` good:bad sits at `baseScore`, and every `pdo` points double the odds. Scores, PDs
 * and points are floats (statistics, not money).
 */

export const scorecardFormat = 'cascade-scorecard/1';

/** Grades from best to worst, each the worst PD it admits. */
export const gradeNames = ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC', 'CC', 'C'] as const;
export type Grade = (typeof gradeNames)[number];

export interface GradeBand {
  grade: Grade;
  /** The highest PD with this grade (inclusive); the last band's is 1. */
  pdMax: number;
}

export const defaultGradeBands: readonly GradeBand[] = [
  { grade: 'AAA', pdMax: 0.0005 },
  { grade: 'AA', pdMax: 0.001 },
  { grade: 'A', pdMax: 0.003 },
  { grade: 'BBB', pdMax: 0.01 },
  { grade: 'BB', pdMax: 0.03 },
  { grade: 'B', pdMax: 0.08 },
  { grade: 'CCC', pdMax: 0.2 },
  { grade: 'CC', pdMax: 0.4 },
  { grade: 'C', pdMax: 1 },
];

/**
 * One bin of a feature. Exactly one of: `missing` (the value is absent), `categories` (a
 * categorical value in the list), `other` (a categorical value in no listed bin), or a numeric
 * interval `lower < x ≤ upper` (null: unbounded on that side).
 */
export interface Bin {
  missing?: true;
  other?: true;
  categories?: string[];
  lower?: number | null;
  upper?: number | null;
  /** ln(share of goods / share of bads) in training; 0 for a bin training never saw. */
  woe: number;
  points: number;
  /** Training rows in the bin (0 for one training never saw). */
  count?: number;
  /** Bad rate in training. */
  badRate?: number;
}

export interface ScorecardFeature {
  name: string;
  kind: 'numeric' | 'categorical';
  /** Information value in training. */
  iv?: number;
  /** The fitted coefficient on the feature's WOE. */
  coefficient?: number;
  bins: Bin[];
}

export interface Scaling {
  baseScore: number;
  /** Odds good:bad at baseScore. */
  baseOdds: number;
  /** Points to double the odds. */
  pdo: number;
}

export interface Scorecard {
  format: typeof scorecardFormat;
  /** Content-derived: the same card always carries the same version (see `scorecardVersion`). */
  version: string;
  description: string;
  target?: { column: string; bad: string };
  scaling: Scaling;
  basePoints: number;
  features: ScorecardFeature[];
  grades: GradeBand[];
  /** How the card was made, when trained: rows, split, figures, dropped columns. */
  training?: Record<string, unknown>;
}

/** A feature's value as the engine reads it: a number, a category, or absent. */
export type FeatureValue = number | string | null | undefined;
export type FeatureVector = Readonly<Record<string, FeatureValue>>;

export interface FeatureScore {
  feature: string;
  value: FeatureValue;
  bin: string;
  points: number;
  /** Points short of the feature's best bin (0 when in it). */
  pointsBelowBest: number;
  bestBin: string;
}

export interface ScoreResult {
  score: number;
  pd: number;
  grade: Grade;
  version: string;
  features: FeatureScore[];
  /** The features that cost the most points, in words, worst first. */
  reasons: string[];
}

/** Reasons given with a score (the features that cost the most). */
export const reasonsMax = 4;

export function scalingFactor(s: Scaling): number {
  return s.pdo / Math.LN2;
}

export function scalingOffset(s: Scaling): number {
  return s.baseScore - scalingFactor(s) * Math.log(s.baseOdds);
}

/** The PD a score stands for under a scaling. */
export function pdOfScore(score: number, s: Scaling): number {
  const lnOdds = (score - scalingOffset(s)) / scalingFactor(s);
  return 1 / (1 + Math.exp(lnOdds));
}

/** The score a PD stands for under a scaling (the inverse of `pdOfScore`). */
export function scoreOfPd(pd: number, s: Scaling): number {
  return scalingOffset(s) + scalingFactor(s) * Math.log((1 - pd) / pd);
}

export function gradeOfPd(pd: number, bands: readonly GradeBand[]): Grade {
  for (const b of bands) if (pd <= b.pdMax) return b.grade;
  return bands[bands.length - 1]!.grade;
}

const missingTokens = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?', '-']);

/** True when a raw value stands for "absent" (empty, NA, null, NaN, ? …). */
export function isMissing(value: FeatureValue): value is null | undefined | '' {
  if (value === null || value === undefined) return true;
  if (typeof value === 'number') return !Number.isFinite(value);
  return missingTokens.has(value.trim().toLowerCase());
}

const numberPattern = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A numeric reading of a raw value, or null when it is not a number. */
export function toNumber(value: FeatureValue): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const t = value.trim();
  return numberPattern.test(t) ? Number(t) : null;
}

export function binContains(bin: Bin, kind: ScorecardFeature['kind'], value: FeatureValue): boolean {
  if (bin.missing) return isMissing(value);
  if (isMissing(value)) return false;
  if (kind === 'categorical') return bin.categories?.includes(String(value).trim()) ?? false;
  const x = toNumber(value);
  if (x === null) return false;
  return (bin.lower === null || bin.lower === undefined || x > bin.lower) && (bin.upper === null || bin.upper === undefined || x <= bin.upper);
}

/**
 * The bin a value falls in. A value no bin takes (a category training never saw, a number where
 * a category was expected) goes to the `other` bin; a card always has one for categorical
 * features, and its missing bin, so every value lands somewhere.
 */
export function binOf(feature: ScorecardFeature, value: FeatureValue): Bin {
  for (const bin of feature.bins) if (!bin.other && binContains(bin, feature.kind, value)) return bin;
  const other = feature.bins.find((b) => b.other) ?? feature.bins.find((b) => b.missing);
  if (!other) throw new Error(`scorecard feature ${feature.name} has no bin for ${JSON.stringify(value)} and no other/missing bin`);
  return other;
}

/** Rare categories named in an other bin's description before "…". */
const otherListedMax = 5;

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6))));

/** A bin in words: "missing", "A or B", "other values", "≤ 2.5", "2.5 – 5", "> 10". */
export function describeBin(bin: Bin): string {
  if (bin.missing) return 'missing';
  if (bin.other) {
    const listed = bin.categories ?? [];
    return listed.length === 0 ? 'any other value' : `${listed.slice(0, otherListedMax).join(' or ')}${listed.length > otherListedMax ? ' …' : ''} or any other value`;
  }
  if (bin.categories) return bin.categories.join(' or ');
  const lo = bin.lower ?? null;
  const hi = bin.upper ?? null;
  if (lo === null && hi === null) return 'any value';
  if (lo === null) return `at most ${fmt(hi!)}`;
  if (hi === null) return `above ${fmt(lo)}`;
  return `above ${fmt(lo)} and at most ${fmt(hi)}`;
}

/** Human labels of the features the service computes; other cards' features read as their column name. */
export type FeatureLabels = Readonly<Record<string, string>>;

/** Scores a feature vector. Features the vector lacks are scored as missing. */
export function score(card: Scorecard, values: FeatureVector, labels: FeatureLabels = {}): ScoreResult {
  let total = card.basePoints;
  const features: FeatureScore[] = [];
  for (const f of card.features) {
    const value = values[f.name];
    const bin = binOf(f, value);
    let best = f.bins[0]!;
    for (const b of f.bins) if (b.points > best.points) best = b;
    total += bin.points;
    features.push({ feature: f.name, value: value ?? null, bin: describeBin(bin), points: bin.points, pointsBelowBest: best.points - bin.points, bestBin: describeBin(best) });
  }
  const pd = pdOfScore(total, card.scaling);
  const reasons = [...features]
    .filter((f) => f.pointsBelowBest > 0)
    .sort((a, b) => b.pointsBelowBest - a.pointsBelowBest || a.feature.localeCompare(b.feature))
    .slice(0, reasonsMax)
    .map((f) => reasonText(f, labels));
  return { score: total, pd, grade: gradeOfPd(pd, card.grades), version: card.version, features, reasons };
}

/** "Tax credit grade is D (C or D): 38 points below the best (A)". */
export function reasonText(f: FeatureScore, labels: FeatureLabels): string {
  const label = labels[f.feature] ?? f.feature;
  const shown = isMissing(f.value) ? 'not known' : typeof f.value === 'number' ? fmt(f.value) : String(f.value);
  const points = f.pointsBelowBest === 1 ? '1 point' : `${fmt(f.pointsBelowBest)} points`;
  return `${label} is ${shown} (${f.bin}): ${points} below the best (${f.bestBin})`;
}

/** Checks a scorecard's shape; throws naming the first problem. Used on load. */
export function assertScorecard(card: unknown): asserts card is Scorecard {
  const c = card as Scorecard;
  const fail = (why: string): never => {
    throw new Error(`not a scorecard: ${why}`);
  };
  if (!c || typeof c !== 'object') fail('not an object');
  if (c.format !== scorecardFormat) fail(`format must be ${scorecardFormat}`);
  if (typeof c.version !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(c.version)) fail('version must be a short id');
  if (!c.scaling || !(c.scaling.pdo > 0) || !(c.scaling.baseOdds > 0) || !Number.isFinite(c.scaling.baseScore)) fail('scaling needs baseScore, baseOdds > 0 and pdo > 0');
  if (!Number.isFinite(c.basePoints)) fail('basePoints must be a number');
  if (!Array.isArray(c.grades) || c.grades.length === 0 || c.grades.at(-1)!.pdMax !== 1) fail('grades must end with a band whose pdMax is 1');
  for (let i = 1; i < c.grades.length; i++) if (!(c.grades[i]!.pdMax > c.grades[i - 1]!.pdMax)) fail('grade bands must rise in pdMax');
  if (!Array.isArray(c.features)) fail('features must be a list');
  for (const f of c.features) {
    if (typeof f.name !== 'string' || (f.kind !== 'numeric' && f.kind !== 'categorical')) fail(`feature ${String(f.name)}: name and kind numeric|categorical`);
    if (!Array.isArray(f.bins) || !f.bins.some((b) => b.missing)) fail(`feature ${f.name}: needs a missing bin`);
    if (f.kind === 'categorical' && !f.bins.some((b) => b.other)) fail(`feature ${f.name}: a categorical feature needs an other bin`);
    for (const b of f.bins) if (!Number.isFinite(b.points)) fail(`feature ${f.name}: every bin needs points`);
  }
}
