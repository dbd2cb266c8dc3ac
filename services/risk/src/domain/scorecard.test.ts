import { describe, expect, it } from 'vitest';
import { assertScorecard, binOf, defaultGradeBands, gradeOfPd, pdOfScore, score, scoreOfPd, scorecardFormat, type Scorecard } from './scorecard.ts';

const scaling = { baseScore: 600, baseOdds: 50, pdo: 20 };

/** A card small enough to add up by hand. */
const card: Scorecard = {
  format: scorecardFormat,
  version: 'hand-1',
  description: 'hand-made',
  scaling,
  basePoints: 500,
  grades: [...defaultGradeBands],
  features: [
    {
      name: 'years',
      kind: 'numeric',
      bins: [
        { lower: null, upper: 2, woe: -0.5, points: -10 },
        { lower: 2, upper: 5, woe: 0.1, points: 5 },
        { lower: 5, upper: null, woe: 0.6, points: 20 },
        { missing: true, woe: -0.7, points: -15 },
      ],
    },
    {
      name: 'grade',
      kind: 'categorical',
      bins: [
        { categories: ['A'], woe: 0.9, points: 30 },
        { categories: ['B'], woe: 0.3, points: 10 },
        { categories: ['C', 'D'], woe: -0.6, points: -20 },
        { other: true, woe: -0.8, points: -25 },
        { missing: true, woe: -0.8, points: -25 },
      ],
    },
  ],
};

describe('scorecard scaling', () => {
  it('pdOfScore: at the base score the odds are the base odds (50:1 → PD 1/51)', () => {
    expect(pdOfScore(600, scaling)).toBeCloseTo(1 / 51, 12);
  });
  it('pdOfScore: each pdo points double the odds (620 → 100:1, 580 → 25:1)', () => {
    expect(pdOfScore(620, scaling)).toBeCloseTo(1 / 101, 12);
    expect(pdOfScore(580, scaling)).toBeCloseTo(1 / 26, 12);
  });
  it('scoreOfPd inverts pdOfScore', () => {
    for (const s of [350, 515, 600, 777]) expect(scoreOfPd(pdOfScore(s, scaling), scaling)).toBeCloseTo(s, 9);
  });
  it('gradeOfPd: a PD on a band edge takes that band, just above it the next', () => {
    expect(gradeOfPd(0.0005, defaultGradeBands)).toBe('AAA');
    expect(gradeOfPd(0.00051, defaultGradeBands)).toBe('AA');
    expect(gradeOfPd(0.03, defaultGradeBands)).toBe('BB');
    expect(gradeOfPd(0.99, defaultGradeBands)).toBe('C');
  });
});

describe('scorecard scoring, checked by hand', () => {
  it('years 3 and grade B: 500 + 5 + 10 = 515, PD = 1/(1 + 50·2^(−85/20)) = 0.275649, grade CC', () => {
    const r = score(card, { years: 3, grade: 'B' });
    expect(r.score).toBe(515);
    // 2^-4.25 = 0.0625 × 0.840896 = 0.0525560; × 50 = 2.627801; PD = 1 / 3.627801 = 0.275649
    expect(r.pd).toBeCloseTo(0.275649, 6);
    expect(r.grade).toBe('CC');
  });
  it('interval edges are upper-inclusive: 2 falls in "at most 2", 5 in "above 2 and at most 5", 5.01 above 5', () => {
    const years = card.features[0]!;
    expect(binOf(years, 2).points).toBe(-10);
    expect(binOf(years, 5).points).toBe(5);
    expect(binOf(years, 5.01).points).toBe(20);
    expect(binOf(years, '5.01').points).toBe(20);
  });
  it('a missing value takes the missing bin, an unseen category the other bin', () => {
    expect(score(card, { grade: 'A' }).score).toBe(500 - 15 + 30);
    expect(score(card, { years: 'NA', grade: 'Z' }).score).toBe(500 - 15 - 25);
    expect(score(card, { years: 10, grade: ' C ' }).score).toBe(500 + 20 - 20);
  });
  it('reasons name the features that cost the most points, worst first, in words', () => {
    const r = score(card, { years: 3, grade: 'B' }, { grade: 'Tax credit grade' });
    expect(r.reasons).toEqual([
      'Tax credit grade is B (B): 20 points below the best (A)',
      'years is 3 (above 2 and at most 5): 15 points below the best (above 5)',
    ]);
    expect(score(card, { years: 9, grade: 'A' }).reasons).toEqual([]);
  });
});

describe('assertScorecard', () => {
  it('accepts a well-formed card', () => {
    expect(() => assertScorecard(card)).not.toThrow();
  });
  it('refuses a card without a missing bin, with falling grade bands, or of another format', () => {
    const noMissing = { ...card, features: [{ ...card.features[0]!, bins: card.features[0]!.bins.slice(0, 3) }] };
    expect(() => assertScorecard(noMissing)).toThrow(/missing bin/);
    expect(() => assertScorecard({ ...card, grades: [{ grade: 'A', pdMax: 0.5 }, { grade: 'B', pdMax: 0.2 }, { grade: 'C', pdMax: 1 }] })).toThrow(/rise/);
    expect(() => assertScorecard({ ...card, format: 'other' })).toThrow(/format/);
  });
});
