import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createUuidv7Generator,
  isUuid,
  isUuidv7,
  isValidUscc,
  organisationCodeCheckDigit,
  usccAlphabet,
  usccCheckCharacter,
  usccFromNumber,
  uuidv7,
  uuidv7Timestamp,
  validateUscc,
} from './index.ts';

describe('uuidv7', () => {
  it('produces canonical lowercase version-7 RFC-variant ids carrying the clock time', () => {
    const before = Date.now();
    const id = uuidv7();
    const after = Date.now();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(isUuid(id) && isUuidv7(id)).toBe(true);
    expect(uuidv7Timestamp(id)).toBeGreaterThanOrEqual(before);
    expect(uuidv7Timestamp(id)).toBeLessThanOrEqual(after);
  });

  it('is strictly increasing for 10,000 ids generated within one millisecond', () => {
    const next = createUuidv7Generator({ now: () => 1_700_000_000_000 });
    let previous = next();
    for (let i = 0; i < 10_000; i++) {
      const id = next();
      expect(id > previous).toBe(true);
      expect(uuidv7Timestamp(id)).toBe(1_700_000_000_000);
      previous = id;
    }
  });

  it('stays increasing when the clock steps back', () => {
    const times = [5_000, 5_000, 4_000, 6_000];
    const next = createUuidv7Generator({ now: () => times.shift() ?? 6_000 });
    const ids = [next(), next(), next(), next()];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
    expect(uuidv7Timestamp(ids[2]!)).toBe(5_000);
  });

  it.each([
    ['01890a5d-ac96-774b-bcce-b302099a8057', true],
    ['01890A5D-AC96-774B-BCCE-B302099A8057', false],
    ['01890a5d-ac96-074b-bcce-b302099a8057', false],
    ['01890a5d-ac96-774b-7cce-b302099a8057', false],
    ['01890a5dac96774bbcceb302099a8057', false],
    ['{01890a5d-ac96-774b-bcce-b302099a8057}', false],
    ['', false],
    [42, false],
  ])('isUuid(%j) is %s', (value, expected) => {
    expect(isUuid(value)).toBe(expected);
  });
});

/** A random but well-formed USCC, made valid with our own check functions. */
const usccArb = fc
  .tuple(
    fc.constantFrom('1', '5', '9', 'Y'),
    fc.constantFrom('1', '2', '3'),
    fc.stringMatching(/^\d{6}$/),
    fc.array(fc.constantFrom(...usccAlphabet), { minLength: 8, maxLength: 8 }),
  )
  .map(([authority, category, division, body]) => {
    const orgBody = body.join('');
    const first17 = authority + category + division + orgBody + organisationCodeCheckDigit(orgBody);
    return first17 + usccCheckCharacter(first17);
  });

describe('usccFromNumber', () => {
  it('makes valid, distinct codes from distinct numbers below 10^8', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 0, max: 99_999_999 }), (a, b) => {
        expect(isValidUscc(usccFromNumber(a))).toBe(true);
        if (a !== b) expect(usccFromNumber(a)).not.toBe(usccFromNumber(b));
      }),
    );
  });

  it('refuses a negative or fractional seed', () => {
    expect(() => usccFromNumber(-1)).toThrow(RangeError);
    expect(() => usccFromNumber(1.5)).toThrow(RangeError);
  });
});

describe('unified social credit code', () => {
  it.each([
    '91350100M000100Y43', // the code used as the example in public descriptions of GB 32100
    '9144030071526726XG', // Tencent Technology (Shenzhen)
    '91440300708461136T', // Huawei Technologies
  ])('accepts the public code %s', (code) => {
    expect(validateUscc(code)).toEqual({ ok: true });
    expect(isValidUscc(code)).toBe(true);
  });

  it.each([
    ['91350100M000100Y44', /check character "4"; GB 32100 gives "3"/],
    ['91350100M000100Y53', /organisation-code check digit "5"/],
    ['91350100m000100y43', /"m" at position 9/],
    ['91350100M000100Y4', /17 characters; .* exactly 18/],
    ['91350100M000100Y433', /19 characters/],
    ['9135010OM000100Y43', /"O" at position 8/],
    ['91350100M00010IY43', /"I" at position 15/],
    ['9135A100M000100Y43', /non-digit in positions 3–8/],
    [' 1350100M000100Y43', /" " at position 1/],
  ])('refuses %s with a reason', (code, reason) => {
    const result = validateUscc(code);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('refuses non-strings', () => {
    expect(validateUscc(913501001234567890)).toEqual({ ok: false, reason: 'a unified social credit code must be a string, got number' });
    expect(isValidUscc(null)).toBe(false);
  });

  it('accepts every code built with the check functions (property)', () => {
    fc.assert(fc.property(usccArb, (code) => isValidUscc(code)), { numRuns: 2000 });
  });

  it('refuses ANY single changed character of a valid code (property)', () => {
    const anyChar = fc.oneof(fc.constantFrom(...usccAlphabet), fc.constantFrom(...'IOSVZabcxyz-. 0é'), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }));
    fc.assert(
      fc.property(usccArb, fc.integer({ min: 0, max: 17 }), anyChar, (code, position, replacement) => {
        fc.pre(code[position] !== replacement);
        const changed = code.slice(0, position) + replacement + code.slice(position + 1);
        return !isValidUscc(changed);
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses every single-character substitution of a public code (exhaustive)', () => {
    const code = '91350100M000100Y43';
    for (let p = 0; p < code.length; p++) {
      for (const c of usccAlphabet) {
        if (c === code[p]) continue;
        expect(isValidUscc(code.slice(0, p) + c + code.slice(p + 1))).toBe(false);
      }
    }
  });

  it('refuses the lowercase spelling of a valid code (property)', () => {
    fc.assert(
      fc.property(usccArb, (code) => {
        fc.pre(code !== code.toLowerCase());
        return !isValidUscc(code.toLowerCase());
      }),
    );
  });
});
