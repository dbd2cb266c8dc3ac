import { describe, expect, it } from 'vitest';
import { fitLogistic } from './logistic.ts';
import { SeededRandom } from './random.ts';

function simulate(n: number, beta: number[], seed: number): { columns: Float64Array[]; y: Uint8Array } {
  const r = new SeededRandom(seed);
  const columns = beta.slice(1).map(() => new Float64Array(n));
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let eta = beta[0]!;
    columns.forEach((c, j) => {
      c[i] = r.normal();
      eta += beta[j + 1]! * c[i]!;
    });
    y[i] = r.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { columns, y };
}

describe('fitLogistic (Newton, L2)', () => {
  it('recovers the coefficients of simulated data within sampling error', () => {
    const truth = [-1.5, 0.8, -1.2, 0];
    const { columns, y } = simulate(40_000, truth, 7);
    const fit = fitLogistic(columns, y, { l2: 0 });
    expect(fit.converged).toBe(true);
    expect(fit.iterations).toBeLessThan(12);
    expect(fit.intercept).toBeCloseTo(truth[0]!, 1);
    fit.coefficients.forEach((b, j) => expect(Math.abs(b - truth[j + 1]!)).toBeLessThan(0.06));
  });
  it('a large penalty shrinks the coefficients towards zero, not the intercept', () => {
    const { columns, y } = simulate(5_000, [-1, 1, -1], 8);
    const free = fitLogistic(columns, y, { l2: 0 });
    const shrunk = fitLogistic(columns, y, { l2: 5_000 });
    for (let j = 0; j < 2; j++) expect(Math.abs(shrunk.coefficients[j]!)).toBeLessThan(Math.abs(free.coefficients[j]!) * 0.7);
    expect(shrunk.intercept).toBeLessThan(0);
  });
  it('the same data gives the same fit, to the last bit', () => {
    const { columns, y } = simulate(3_000, [0.2, 0.5], 9);
    expect(fitLogistic(columns, y, { l2: 1 })).toEqual(fitLogistic(columns, y, { l2: 1 }));
  });
});
