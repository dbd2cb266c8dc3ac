/**
 * Weight-of-evidence binning. A numeric feature is cut into fine quantile bins, then adjacent
 * bins are merged until the bad rate is monotonic (rising or falling, whichever keeps more
 * information value), every bin holds at least a minimum share of the rows and both classes, and
 * there are at most `binsMax`. A categorical feature groups its frequent levels (rare ones pool
 * into an "other" bin, which also takes levels never seen in training) and merges levels of
 * similar bad rate down to `binsMax`. Missing values always have their own bin.
 *
 *   WOE(bin) = ln( ((goods + ½) / G) / ((bads + ½) / B) )      (½: so an empty class is finite)
 *   IV = Σ (goods/G − bads/B) · WOE
 *
 * A positive WOE means the bin is better than average. A bin training never saw (a missing bin
 * on a column with no missing values, an empty other bin) takes the worst WOE of the feature:
 * the card does not reward what it cannot judge.
 */
import type { Bin } from '../scorecard.ts';

export interface BinningOptions {
  /** Fine bins a numeric feature starts from. */
  fineBinsMax: number;
  /** Bins a feature ends with at most (its missing and other bins not counted). */
  binsMax: number;
  /** Smallest share of the training rows a bin may hold. */
  binShareMin: number;
}

export const binningDefaults: BinningOptions = { fineBinsMax: 20, binsMax: 6, binShareMin: 0.05 };

export interface BinnedFeature {
  bins: Bin[];
  iv: number;
}

interface Group {
  n: number;
  bads: number;
  /** Numeric: the largest value in the group. */
  upper: number;
  /** Categorical: the levels in the group. */
  levels: string[];
}

const rate = (g: Group): number => (g.bads + 0.5) / (g.n + 1);

function merge(a: Group, b: Group): Group {
  return { n: a.n + b.n, bads: a.bads + b.bads, upper: Math.max(a.upper, b.upper), levels: [...a.levels, ...b.levels] };
}

function woe(goods: number, bads: number, totalGoods: number, totalBads: number): number {
  return Math.log(((goods + 0.5) / totalGoods) / ((bads + 0.5) / totalBads));
}

/** Merges adjacent groups until their bad rates rise (direction 1) or fall (−1). */
function makeMonotonic(groups: Group[], direction: 1 | -1): Group[] {
  const out = [...groups];
  for (let i = 0; i + 1 < out.length; ) {
    if ((rate(out[i + 1]!) - rate(out[i]!)) * direction < 0) {
      out.splice(i, 2, merge(out[i]!, out[i + 1]!));
      if (i > 0) i -= 1; // the merged group may now break the order with its left neighbour
    } else i += 1;
  }
  return out;
}

/** Merges the groups too small or lacking a class into their nearer neighbour (by bad rate). */
function enforceMinimum(groups: Group[], countMin: number): Group[] {
  const out = [...groups];
  for (;;) {
    if (out.length <= 1) return out;
    let worst = -1;
    for (let i = 0; i < out.length; i++) {
      const g = out[i]!;
      if (g.n < countMin || g.bads === 0 || g.bads === g.n) {
        if (worst < 0 || g.n < out[worst]!.n) worst = i;
      }
    }
    if (worst < 0) return out;
    const left = worst > 0 ? worst - 1 : -1;
    const right = worst + 1 < out.length ? worst + 1 : -1;
    const partner = left < 0 ? right : right < 0 ? left : Math.abs(rate(out[left]!) - rate(out[worst]!)) <= Math.abs(rate(out[right]!) - rate(out[worst]!)) ? left : right;
    const [a, b] = partner < worst ? [partner, worst] : [worst, partner];
    out.splice(a, 2, merge(out[a]!, out[b]!));
  }
}

/** Merges the adjacent pair with the closest bad rates until at most `max` groups remain. */
function limitCount(groups: Group[], max: number): Group[] {
  const out = [...groups];
  while (out.length > max) {
    let best = 0;
    let bestGap = Infinity;
    for (let i = 0; i + 1 < out.length; i++) {
      const gap = Math.abs(rate(out[i + 1]!) - rate(out[i]!));
      if (gap < bestGap) {
        bestGap = gap;
        best = i;
      }
    }
    out.splice(best, 2, merge(out[best]!, out[best + 1]!));
  }
  return out;
}

function ivOf(groups: readonly Group[], totalGoods: number, totalBads: number): number {
  let iv = 0;
  for (const g of groups) {
    if (g.n === 0) continue;
    const goods = g.n - g.bads;
    iv += (goods / totalGoods - g.bads / totalBads) * woe(goods, g.bads, totalGoods, totalBads);
  }
  return iv;
}

function finish(groups: Group[], missing: Group, toBin: (g: Group, i: number, last: boolean) => Omit<Bin, 'woe' | 'points'>, other: Group | null, totalGoods: number, totalBads: number): BinnedFeature {
  const counted: { bin: Bin; group: Group }[] = groups.map((g, i) => ({ bin: { ...toBin(g, i, i === groups.length - 1), woe: 0, points: 0 }, group: g }));
  if (other) counted.push({ bin: { other: true, ...(other.levels.length > 0 ? { categories: other.levels } : {}), woe: 0, points: 0 }, group: other });
  counted.push({ bin: { missing: true, woe: 0, points: 0 }, group: missing });
  for (const { bin, group } of counted) {
    bin.count = group.n;
    if (group.n > 0) {
      bin.woe = woe(group.n - group.bads, group.bads, totalGoods, totalBads);
      bin.badRate = group.bads / group.n;
    }
  }
  const seen = counted.filter((c) => c.group.n > 0).map((c) => c.bin.woe);
  const worst = seen.length > 0 ? Math.min(...seen) : 0;
  for (const { bin, group } of counted) if (group.n === 0) bin.woe = worst;
  return { bins: counted.map((c) => c.bin), iv: ivOf(counted.map((c) => c.group), totalGoods, totalBads) };
}

/** Bins a numeric column (null: missing). `bad[i]` is 1 for a bad row. */
export function binNumeric(values: ArrayLike<number | null>, bad: ArrayLike<number>, options: BinningOptions = binningDefaults): BinnedFeature {
  const n = values.length;
  const { totalGoods, totalBads } = totals(bad);
  const countMin = Math.max(1, Math.ceil(options.binShareMin * n));
  const present: number[] = [];
  const missing: Group = { n: 0, bads: 0, upper: 0, levels: [] };
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) {
      missing.n += 1;
      missing.bads += bad[i] ? 1 : 0;
    } else present.push(i);
  }
  present.sort((a, b) => values[a]! - values[b]! || a - b);
  // Fine bins: close a bin once it holds its share of the rows, never splitting equal values.
  const fine: Group[] = [];
  const target = present.length / options.fineBinsMax;
  let current: Group = { n: 0, bads: 0, upper: -Infinity, levels: [] };
  for (let k = 0; k < present.length; k++) {
    const i = present[k]!;
    const v = values[i]!;
    current.n += 1;
    current.bads += bad[i] ? 1 : 0;
    current.upper = v;
    const next = present[k + 1];
    if (next === undefined || (current.n >= target && values[next]! !== v)) {
      fine.push(current);
      current = { n: 0, bads: 0, upper: -Infinity, levels: [] };
    }
  }
  let best: Group[] = [];
  let bestIv = -1;
  for (const direction of [1, -1] as const) {
    const groups = limitCount(enforceMinimum(makeMonotonic(fine, direction), countMin), options.binsMax);
    const iv = ivOf(groups, totalGoods, totalBads);
    if (iv > bestIv + 1e-12) {
      best = groups;
      bestIv = iv;
    }
  }
  return finish(best, missing, (g, i, last) => ({ lower: i === 0 ? null : best[i - 1]!.upper, upper: last ? null : g.upper }), null, totalGoods, totalBads);
}

/** Bins a categorical column (null: missing). */
export function binCategorical(values: ArrayLike<string | null>, bad: ArrayLike<number>, options: BinningOptions = binningDefaults): BinnedFeature {
  const n = values.length;
  const { totalGoods, totalBads } = totals(bad);
  const countMin = Math.max(1, Math.ceil(options.binShareMin * n));
  const missing: Group = { n: 0, bads: 0, upper: 0, levels: [] };
  const byLevel = new Map<string, Group>();
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      missing.n += 1;
      missing.bads += bad[i] ? 1 : 0;
      continue;
    }
    const g = byLevel.get(v) ?? { n: 0, bads: 0, upper: 0, levels: [v] };
    g.n += 1;
    g.bads += bad[i] ? 1 : 0;
    byLevel.set(v, g);
  }
  const frequent: Group[] = [];
  const rare: Group = { n: 0, bads: 0, upper: 0, levels: [] };
  for (const [, g] of [...byLevel].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (g.n >= countMin) frequent.push(g);
    else Object.assign(rare, merge(rare, g));
  }
  frequent.sort((a, b) => rate(a) - rate(b) || (a.levels[0]! < b.levels[0]! ? -1 : 1));
  const groups = limitCount(enforceMinimum(frequent, countMin), options.binsMax);
  for (const g of groups) g.levels.sort();
  rare.levels.sort();
  return finish(groups, missing, (g) => ({ categories: g.levels }), rare, totalGoods, totalBads);
}

function totals(bad: ArrayLike<number>): { totalGoods: number; totalBads: number } {
  let totalBads = 0;
  for (let i = 0; i < bad.length; i++) totalBads += bad[i] ? 1 : 0;
  const totalGoods = bad.length - totalBads;
  if (totalBads === 0 || totalGoods === 0) throw new Error('binning needs rows of both classes');
  return { totalGoods, totalBads };
}
