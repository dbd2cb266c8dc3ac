/**
 * The trainer on the repository's seeded synthetic data, whose true PD per row is known: the
 * card it builds must rank the held-out rows nearly as well as the truth does, and training is
 * reproducible to the last digit.
 */
import { describe, expect, it } from 'vitest';
import { generateSynthetic, syntheticTarget, toCsv, trueAuc } from './synthetic.ts';
import { columnValues, encodeTarget, parseCsv } from './table.ts';
import { evaluate, splitRows, train } from './train.ts';

/** The band the docs state: held-out AUC within this of the true PD's AUC on the same rows. */
const aucBandBelowTruth = 0.02;

const data = generateSynthetic(30_000, 20_260_301);

function heldOutTrueAuc(seed: number, testShare: number): number {
  const target = encodeTarget(columnValues(data, syntheticTarget));
  const { test } = splitRows(target.labels, testShare, seed);
  return trueAuc(data, test.map((k) => target.rows[k]!));
}

describe('train on generated data with a known relationship', () => {
  const first = train(data, { target: syntheticTarget });

  it(`recovers the relationship: held-out AUC within ${aucBandBelowTruth} of the true PD's AUC (and not above it by more than sampling noise)`, () => {
    const truth = heldOutTrueAuc(first.report.seed, first.report.testShare);
    expect(first.report.test.auc).toBeGreaterThan(truth - aucBandBelowTruth);
    expect(first.report.test.auc).toBeLessThan(truth + 0.005);
    expect(first.report.test.ks).toBeGreaterThan(0.4);
    expect(first.report.test.gini).toBeCloseTo(2 * first.report.test.auc - 1, 12);
  });

  it('sets aside the identifier and drops the noise columns as weak', () => {
    const byName = new Map(first.report.columns.map((c) => [c.name, c]));
    expect(byName.get('enterpriseId')?.role).toBe('identifier');
    for (const noise of ['noiseGaussian', 'noiseCategory', 'noiseUniform']) expect(byName.get(noise)?.dropped).toMatch(/^weak/);
    const used = first.scorecard.features.map((f) => f.name);
    expect(used).toContain('taxCreditGrade');
    expect(used).not.toContain('noiseGaussian');
  });

  it('training the same file twice gives the same scorecard and the same figures', () => {
    const csv = toCsv(data);
    const a = train(parseCsv(csv), { target: syntheticTarget });
    const b = train(parseCsv(csv), { target: syntheticTarget });
    expect(b.scorecard).toEqual(a.scorecard);
    expect(b.report).toEqual(a.report);
    expect(a.scorecard.version).toMatch(/^sc-[0-9a-f]{12}$/);
    // The table read back from CSV is the one generated, so the card is the same as well.
    expect(a.scorecard).toEqual(first.scorecard);
  });

  it('another seed holds out other rows and still lands in the band', () => {
    const other = train(data, { target: syntheticTarget, seed: 7, testShare: 0.25 });
    expect(Math.abs(other.report.testRows - 7_500)).toBeLessThanOrEqual(1);
    expect(other.scorecard.version).not.toBe(first.scorecard.version);
    expect(other.report.test.auc).toBeGreaterThan(heldOutTrueAuc(7, 0.25) - aucBandBelowTruth);
  });

  it('evaluate on the same held-out data agrees with the training report; on new data it stays close to the truth', () => {
    const fresh = generateSynthetic(10_000, 99);
    const figures = evaluate(first.scorecard, fresh);
    const truth = trueAuc(fresh, fresh.rows.map((_, i) => i));
    expect(figures.rows).toBe(10_000);
    expect(figures.auc).toBeGreaterThan(truth - aucBandBelowTruth);
  });
});
