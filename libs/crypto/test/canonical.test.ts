import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CanonicalizationError, JsonParseError, canonicalBytes, canonicalize, parseJsonStrict } from '../src/index.ts';

/** RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical JSON text. */
const RFC8785_NUMBERS: [string, string][] = [
  ['0000000000000000', '0'],
  ['8000000000000000', '0'],
  ['0000000000000001', '5e-324'],
  ['8000000000000001', '-5e-324'],
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['ffefffffffffffff', '-1.7976931348623157e+308'],
  ['4340000000000000', '9007199254740992'],
  ['c340000000000000', '-9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['44b52d02c7e14af5', '9.999999999999997e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['44b52d02c7e14af7', '1.0000000000000001e+23'],
  ['444b1ae4d6e2ef4e', '999999999999999700000'],
  ['444b1ae4d6e2ef4f', '999999999999999900000'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['41b3de4355555553', '333333333.3333332'],
  ['41b3de4355555554', '333333333.33333325'],
  ['41b3de4355555555', '333333333.3333333'],
  ['41b3de4355555556', '333333333.3333334'],
  ['41b3de4355555557', '333333333.33333343'],
  ['becbf647612f3696', '-0.0000033333333333333333'],
  ['43143ff3c1cb0959', '1424953923781206.2'],
];

function doubleFromHex(bits: string): number {
  return Buffer.from(bits, 'hex').readDoubleBE(0);
}

describe('canonicalize (RFC 8785)', () => {
  it.each(RFC8785_NUMBERS)('serialises the double with bits %s as %s', (bits, expected) => {
    expect(canonicalize(doubleFromHex(bits))).toBe(expected);
  });

  it.each(['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000'])('refuses the non-finite double with bits %s', (bits) => {
    expect(() => canonicalize({ amount: doubleFromHex(bits) })).toThrow(CanonicalizationError);
  });

  it('reproduces the RFC 8785 §3.2.2 sample output, parsed from its input text', () => {
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`;
    const expected = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
    expect(canonicalize(parseJsonStrict(input))).toBe(expected);
  });

  it('sorts members by UTF-16 code units as in the RFC 8785 §3.2.3 example', () => {
    const input = String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`;
    const values = Object.values(JSON.parse(canonicalize(parseJsonStrict(input))) as Record<string, string>);
    // JSON.parse re-orders integer-like keys, so read the order from the text instead.
    const order = [...canonicalize(parseJsonStrict(input)).matchAll(/:"([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
    expect(values).toHaveLength(7);
  });

  it('encodes strings as UTF-8 bytes, surrogate pairs as one 4-byte sequence', () => {
    expect(Buffer.from(canonicalBytes('€😀')).toString('hex')).toBe('22e282acf09f988022');
    expect(canonicalize('\u2028\u0000\u001f\t')).toBe('"\u2028\\u0000\\u001f\\t"');
  });

  it('sorts nested objects and keeps array order', () => {
    expect(canonicalize({ b: [3, { z: 1, a: 2 }], a: { d: null, c: true } })).toBe('{"a":{"c":true,"d":null},"b":[3,{"a":2,"z":1}]}');
  });

  it.each([
    ['a lone high surrogate in a string', { a: 'x\ud800' }],
    ['a lone low surrogate in a string', ['\udc00y']],
    ['a lone surrogate in a key', { '\ud83d': 1 }],
    ['undefined', { a: undefined }],
    ['a function', { a: () => 1 }],
    ['a bigint', { a: 1n }],
    ['a symbol', [Symbol('s')]],
    ['a Date', { at: new Date(0) }],
    ['a Map', new Map()],
    ['a Uint8Array', new Uint8Array(2)],
    ['a class instance', new (class Amount {})()],
    ['NaN', NaN],
    ['a sparse array', [1, , 3]], // eslint-disable-line no-sparse-arrays
  ])('refuses %s with CanonicalizationError', (_name, value) => {
    expect(() => canonicalize(value)).toThrow(CanonicalizationError);
  });

  it('refuses cycles and over-deep nesting', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => canonicalize(cyclic)).toThrow(/cycle/);
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = [deep];
    expect(() => canonicalize(deep)).toThrow(/deeper/);
  });

  it('accepts a shared (non-cyclic) sub-object twice', () => {
    const shared = { x: 1 };
    expect(canonicalize({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it('agrees with JSON.stringify on sorted JSON values (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalize(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalize(JSON.parse(text))).toBe(text); // idempotent
      }),
    );
  });
});

describe('parseJsonStrict', () => {
  it('parses what JSON.parse parses, to the same value (property)', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(parseJsonStrict(text)).toEqual(JSON.parse(text));
      }),
    );
  });

  it.each([
    ['a duplicate top-level key', '{"amount":"1.00","amount":"9999.00"}'],
    ['a duplicate nested key', '{"command":{"payload":{"a":1,"b":2,"a":3}}}'],
    ['a duplicate spelled with an escape', '{"a":1,"\\u0061":2}'],
    ['trailing commas', '{"a":1,}'],
    ['single quotes', "{'a':1}"],
    ['a leading zero', '01'],
    ['a raw control character in a string', '"a\u0001"'],
    ['an overflowing number', '1e400'],
    ['trailing text', '{} x'],
    ['an invalid escape', '"\\x41"'],
    ['an empty text', ''],
  ])('refuses %s with JsonParseError', (_name, text) => {
    expect(() => parseJsonStrict(text)).toThrow(JsonParseError);
  });

  it('reports the position of a duplicate key', () => {
    try {
      parseJsonStrict('{"a":1, "a":2}');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(JsonParseError);
      expect((error as JsonParseError).position).toBe(8);
      expect((error as JsonParseError).code).toBe('jsonMustBeStrict');
    }
  });

  it('keeps a "__proto__" member as data instead of setting the prototype', () => {
    const value = parseJsonStrict('{"__proto__":{"admin":true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(canonicalize(value)).toBe('{"__proto__":{"admin":true}}');
  });

  it('enforces its length and depth limits', () => {
    expect(() => parseJsonStrict('[1]', { textLengthMax: 2 })).toThrow(/longer/);
    expect(() => parseJsonStrict('[[[1]]]', { depthMax: 2 })).toThrow(/deeper/);
    expect(parseJsonStrict('[[1]]', { depthMax: 2 })).toEqual([[1]]);
  });
});
