import { describe, expect, it } from 'vitest';
import { discrimination } from './metrics.ts';

describe('discrimination figures, checked by hand', () => {
  it('four rows: 3 of the 4 bad–good pairs rank the bad higher → AUC 0.75, KS 0.5, Gini 0.5', () => {
    const d = discrimination([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
    expect(d.auc).toBeCloseTo(0.75, 12);
    expect(d.ks).toBeCloseTo(0.5, 12);
    expect(d.gini).toBeCloseTo(0.5, 12);
    expect(d).toMatchObject({ rows: 4, bads: 2, badRate: 0.5 });
  });
  it('a tie between a bad and a good counts half → AUC 0.5 and KS 0', () => {
    const d = discrimination([0.5, 0.5], [1, 0]);
    expect(d.auc).toBe(0.5);
    expect(d.ks).toBe(0);
  });
  it('a perfect ranking gives AUC 1 and KS 1; the reversed one AUC 0', () => {
    expect(discrimination([1, 2, 3, 4], [0, 0, 1, 1])).toMatchObject({ auc: 1, ks: 1, gini: 1 });
    expect(discrimination([4, 3, 2, 1], [0, 0, 1, 1]).auc).toBe(0);
  });
  it('refuses labels of one class only', () => {
    expect(() => discrimination([1, 2], [0, 0])).toThrow(/both classes/);
  });
});
