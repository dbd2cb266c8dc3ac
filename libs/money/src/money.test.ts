import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Amount, MoneyDecimal, MoneyError, allocate, amountFenMax, discountInterest, parseAnnualRate } from './index.ts';

/** Arbitrary valid amount strings over the whole range, biased towards small and edge values. */
const fenArb = fc.oneof(
  fc.bigInt({ min: 0n, max: amountFenMax }),
  fc.bigInt({ min: 0n, max: 100_000n }),
  fc.constantFrom(0n, 1n, 99n, 100n, amountFenMax),
);
const amountTextArb = fenArb.map((fen) => Amount.fromFen(fen).toString());

describe('Amount.parse', () => {
  it.each([
    '0.00',
    '0.01',
    '1.00',
    '10.50',
    '123456789012345.67',
    '999999999999999.99',
  ])('accepts %s and prints it back unchanged', (s) => {
    expect(Amount.parse(s).toString()).toBe(s);
  });

  const refused: Array<[string, unknown]> = [
    ['NaN', 'NaN'],
    ['Infinity', 'Infinity'],
    ['negative infinity', '-Infinity'],
    ['exponent', '1e3'],
    ['exponent with decimals', '1.00e2'],
    ['no decimals', '1'],
    ['one decimal', '1.0'],
    ['three decimals', '1.000'],
    ['leading zero', '01.00'],
    ['double zero', '00.00'],
    ['plus sign', '+1.00'],
    ['minus sign', '-1.00'],
    ['leading space', ' 1.00'],
    ['trailing space', '1.00 '],
    ['trailing newline', '1.00\n'],
    ['comma separator', '1,000.00'],
    ['underscore separator', '1_000.00'],
    ['comma decimal', '1,00'],
    ['empty', ''],
    ['dot only', '.'],
    ['missing integer part', '.50'],
    ['hex', '0x10.00'],
    ['full-width digits', '１.００'],
    ['one more than the maximum', '1000000000000000.00'],
    ['absurd magnitude', '9'.repeat(400) + '.00'],
    ['number', 1],
    ['number with decimals', 1.5],
    ['NaN number', Number.NaN],
    ['bigint', 100n],
    ['null', null],
    ['undefined', undefined],
    ['object', { amount: '1.00' }],
    ['array', ['1.00']],
  ];
  it.each(refused)('refuses %s with a MoneyError naming the input and the rule', (_name, input) => {
    let error: unknown;
    try {
      Amount.parse(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MoneyError);
    const message = (error as MoneyError).message;
    expect(message).toMatch(/^amount .+ is refused: /);
    expect(message).toMatch(/two decimals/);
    if (typeof input === 'string' && input.length < 40) expect(message).toContain(JSON.stringify(input));
  });

  it('formats∘parses as identity on every valid string (property)', () => {
    fc.assert(fc.property(amountTextArb, (s) => Amount.parse(s).toString() === s), { numRuns: 2000 });
  });

  it('agrees with the fen representation (property)', () => {
    fc.assert(
      fc.property(fenArb, (fen) => Amount.parse(Amount.fromFen(fen).toString()).toFen() === fen),
      { numRuns: 2000 },
    );
  });
});

describe('Amount.parseSigned', () => {
  it('accepts negative balances and refuses "-0.00" and a plus sign', () => {
    expect(Amount.parseSigned('-12.30').toString()).toBe('-12.30');
    expect(Amount.parseSigned('12.30').toString()).toBe('12.30');
    expect(() => Amount.parseSigned('-0.00')).toThrow(MoneyError);
    expect(() => Amount.parseSigned('+1.00')).toThrow(MoneyError);
    expect(() => Amount.parseSigned('-01.00')).toThrow(MoneyError);
  });
});

describe('Amount arithmetic', () => {
  it('adds and subtracts exactly where binary floating point would not', () => {
    expect(Amount.parse('0.10').plus(Amount.parse('0.20')).toString()).toBe('0.30');
    expect(Amount.parse('1.00').minus(Amount.parse('0.99')).toString()).toBe('0.01');
  });

  it('refuses minus going negative but allows minusSigned', () => {
    expect(() => Amount.parse('1.00').minus(Amount.parse('1.01'))).toThrow(/negative/);
    expect(Amount.parse('1.00').minusSigned(Amount.parse('1.01')).toString()).toBe('-0.01');
  });

  it('refuses sums beyond the limit', () => {
    expect(() => Amount.parse('999999999999999.99').plus(Amount.parse('0.01'))).toThrow(/limit/);
  });

  it('compares, sums and converts to and from fen', () => {
    const a = Amount.parse('2.50');
    const b = Amount.parse('2.5'.concat('0'));
    expect(a.eq(b)).toBe(true);
    expect(a.cmp(Amount.parse('3.00'))).toBe(-1);
    expect(a.lt(Amount.parse('3.00'))).toBe(true);
    expect(a.gte(b)).toBe(true);
    expect(Amount.zero.isZero()).toBe(true);
    expect(Amount.sum([]).toString()).toBe('0.00');
    expect(Amount.sum([a, b, Amount.parse('0.01')]).toString()).toBe('5.01');
    expect(a.toFen()).toBe(250n);
    expect(Amount.fromFen(12345n).toString()).toBe('123.45');
    expect(Amount.fromFen(-5n).toString()).toBe('-0.05');
    expect(() => Amount.fromFen(amountFenMax + 1n)).toThrow(MoneyError);
    expect(JSON.stringify({ a })).toBe('{"a":"2.50"}');
  });

  it('plus then minus returns the original amount (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: amountFenMax / 2n }), fc.bigInt({ min: 0n, max: amountFenMax / 2n }), (x, y) => {
        const a = Amount.fromFen(x);
        const b = Amount.fromFen(y);
        return a.plus(b).minus(b).eq(a) && a.plus(b).toFen() === x + y;
      }),
    );
  });
});

describe('allocate', () => {
  it('splits 100.00 over 1:1:1 as 33.34, 33.33, 33.33 — ties go to the earlier index', () => {
    expect(allocate(Amount.parse('100.00'), [1n, 1n, 1n]).map(String)).toEqual(['33.34', '33.33', '33.33']);
  });

  it('gives the leftover fen to the largest remainder, not the first index', () => {
    // 10 fen over 1:6 is 1 3/7 and 8 4/7 fen: the one fen left goes to the larger remainder, the second share.
    expect(allocate(Amount.parse('0.10'), [1n, 6n]).map(String)).toEqual(['0.01', '0.09']);
  });

  it('gives zero to zero weights and refuses all-zero, negative or empty weights', () => {
    expect(allocate(Amount.parse('0.05'), [0n, 1n, 0n, 1n]).map(String)).toEqual(['0.00', '0.03', '0.00', '0.02']);
    expect(() => allocate(Amount.parse('1.00'), [0n, 0n])).toThrow(/all weights are zero/);
    expect(() => allocate(Amount.parse('1.00'), [1n, -1n])).toThrow(/negative/);
    expect(() => allocate(Amount.parse('1.00'), [])).toThrow(/no weights/);
  });

  it('accepts Amount weights', () => {
    expect(allocate(Amount.parse('60.00'), [Amount.parse('100.00'), Amount.parse('50.00')]).map(String)).toEqual(['40.00', '20.00']);
  });

  it('always sums exactly to the total and keeps every share within 1 fen of its exact share (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: amountFenMax }),
        fc.array(fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 10n ** 18n })), { minLength: 1, maxLength: 30 }),
        (totalFen, weights) => {
          fc.pre(weights.some((w) => w > 0n));
          const shares = allocate(Amount.fromFen(totalFen), weights);
          const weightSum = weights.reduce((a, b) => a + b, 0n);
          if (shares.length !== weights.length) return false;
          if (shares.reduce((a, s) => a + s.toFen(), 0n) !== totalFen) return false;
          return shares.every((s, i) => {
            const w = weights[i]!;
            if (w === 0n) return s.isZero();
            // |share·Σw − total·w| < Σw  ⇔  |share − exact| < 1 fen
            const diff = s.toFen() * weightSum - totalFen * w;
            return (diff < 0n ? -diff : diff) < weightSum;
          });
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('discountInterest (ACT/360, half-up)', () => {
  it.each([
    // amount, rate, days, interest — each worked by hand in the comment.
    ['1000000.00', '0.0450', 90, '11250.00'], // 1,000,000 × 0.045 = 45,000; × 90/360 = 11,250
    ['1234.56', '0.05', 30, '5.14'], // 61.728 × 30/360 = 5.144 → 5.14
    ['100.00', '0.0365', 1, '0.01'], // 3.65/360 = 0.01013… → 0.01
    ['36.00', '0.05', 1, '0.01'], // 1.8/360 = 0.005 exactly → half-up 0.01 (half-even would say 0.00)
    ['180.00', '0.05', 1, '0.03'], // 9/360 = 0.025 → 0.03 (half-even would say 0.02)
    ['35.99', '0.05', 1, '0.00'], // 1.7995/360 = 0.0049986… → 0.00
    ['500000.00', '0.036', 180, '9000.00'], // 18,000 × 180/360 = 9,000
    ['10000.00', '0', 100, '0.00'],
    ['10000.00', '0.05', 0, '0.00'],
    ['999999999999999.99', '0.0001', 360, '100000000000.00'], // 99,999,999,999.999999 → .00 after half-up
  ])('%s at %s for %d days is %s', (amount, rate, days, expected) => {
    expect(discountInterest(Amount.parse(amount), rate, days).toString()).toBe(expected);
  });

  it('agrees with a 100-digit Decimal computation (property)', () => {
    const Wide = MoneyDecimal.clone({ precision: 100, rounding: MoneyDecimal.ROUND_HALF_UP });
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.integer({ min: 0, max: 99_999 }),
        fc.integer({ min: 0, max: 400 }),
        (fen, rateBp, days) => {
          const rate = `0.${String(rateBp).padStart(5, '0')}`;
          const amount = Amount.fromFen(fen);
          const expected = new Wide(amount.toString()).times(rate).times(days).div(360).toDecimalPlaces(2, Wide.ROUND_HALF_UP).toFixed(2);
          return discountInterest(amount, rate, days).toString() === expected;
        },
      ),
      { numRuns: 2000 },
    );
  });

  it.each(['1', '1.0', '0.', '.05', '-0.05', '0.05 ', '5%', '0,05', '1e-2', 'NaN', '0.12345678901'])(
    'refuses the rate %j',
    (rate) => {
      expect(() => discountInterest(Amount.parse('1.00'), rate, 1)).toThrow(/annual rate .* is refused/);
    },
  );

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 3661])('refuses %d days', (days) => {
    expect(() => discountInterest(Amount.parse('1.00'), '0.05', days)).toThrow(/days .* refused/);
  });

  it('parses rates strictly', () => {
    expect(parseAnnualRate('0.0450').toString()).toBe('0.045');
    expect(() => parseAnnualRate(0.045)).toThrow(MoneyError);
  });
});
