import { describe, expect, it } from 'vitest';
import { binCategorical, binNumeric } from './binning.ts';
import { SeededRandom } from './random.ts';

function badRates(bins: { badRate?: number; missing?: true; other?: true }[]): number[] {
  return bins.filter((b) => !b.missing && !b.other).map((b) => b.badRate!);
}

describe('binNumeric', () => {
  it('a falling risk curve gives bins whose bad rate falls monotonically, each with at least 5 % of rows', () => {
    const r = new SeededRandom(1);
    const n = 5_000;
    const x: (number | null)[] = [];
    const bad: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = r.uniform() * 10;
      x.push(v);
      // A noisy, non-linear but decreasing risk.
      bad.push(r.uniform() < 0.4 / (1 + v * v * 0.3) ? 1 : 0);
    }
    const { bins, iv } = binNumeric(x, bad);
    const rates = badRates(bins);
    expect(rates.length).toBeGreaterThan(2);
    for (let i = 1; i < rates.length; i++) expect(rates[i]!).toBeLessThanOrEqual(rates[i - 1]!);
    for (const b of bins.filter((b) => !b.missing)) expect(b.count!).toBeGreaterThanOrEqual(0.05 * n);
    expect(iv).toBeGreaterThan(0.1);
    // Intervals tile the line: the first is open below, the last open above, edges meet.
    const intervals = bins.filter((b) => !b.missing);
    expect(intervals[0]!.lower).toBeNull();
    expect(intervals.at(-1)!.upper).toBeNull();
    for (let i = 1; i < intervals.length; i++) expect(intervals[i]!.lower).toBe(intervals[i - 1]!.upper);
  });
  it('missing values get their own bin with their own WOE; without any, the missing bin takes the worst WOE', () => {
    const x = [1, 2, 3, 4, null, null, 5, 6, 7, 8, null, 9];
    const bad = [1, 1, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0];
    const withMissing = binNumeric(x, bad, { fineBinsMax: 4, binsMax: 3, binShareMin: 0.1 });
    const missing = withMissing.bins.find((b) => b.missing)!;
    expect(missing.count).toBe(3);
    expect(missing.badRate).toBe(1);
    const none = binNumeric([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 0, 1, 0, 0, 1, 0], { fineBinsMax: 4, binsMax: 3, binShareMin: 0.1 });
    const worst = Math.min(...none.bins.filter((b) => !b.missing).map((b) => b.woe));
    expect(none.bins.find((b) => b.missing)).toMatchObject({ count: 0, woe: worst });
  });
  it('an uninformative column has an information value near zero', () => {
    const r = new SeededRandom(2);
    const x = Array.from({ length: 20_000 }, () => r.uniform());
    const bad = Array.from({ length: 20_000 }, () => (r.uniform() < 0.1 ? 1 : 0));
    expect(binNumeric(x, bad).iv).toBeLessThan(0.01);
  });
});

describe('binCategorical', () => {
  it('pools rare levels in the other bin, which also takes levels never seen', () => {
    const values: (string | null)[] = [];
    const bad: number[] = [];
    for (let i = 0; i < 400; i++) {
      values.push(i % 2 === 0 ? 'A' : 'B');
      bad.push(i % 2 === 0 ? (i % 10 === 0 ? 1 : 0) : i % 3 === 0 ? 1 : 0);
    }
    values.push('rare1', 'rare2', null);
    bad.push(1, 0, 1);
    const { bins } = binCategorical(values, bad);
    expect(bins.find((b) => b.other)).toMatchObject({ other: true, categories: ['rare1', 'rare2'], count: 2 });
    expect(bins.find((b) => b.missing)).toMatchObject({ count: 1 });
    const a = bins.find((b) => b.categories?.includes('A'))!;
    const b = bins.find((b) => b.categories?.includes('B'))!;
    expect(a.woe).toBeGreaterThan(b.woe); // A is the better level
  });
});
