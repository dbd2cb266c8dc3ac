/**
 * CNY amounts. Money is never a JS `number`: an `Amount` wraps a decimal.js value from a
 * dedicated Decimal clone (so nobody else's global Decimal configuration can change how we
 * round), and every `Amount` is a whole number of fen (0.01 CNY) within ±`amountFenMax`.
 */
import { Decimal } from 'decimal.js';

/**
 * The Decimal constructor used for money. Forty significant digits hold any amount up to the
 * limit times any rate with room to spare; exponent notation is switched off for the whole
 * range so `toFixed` and `toString` never produce `1e+21`.
 */
export const MoneyDecimal = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -40,
  toExpPos: 40,
});
export type MoneyDecimal = InstanceType<typeof MoneyDecimal>;

/** The largest magnitude an amount may have, in fen: 999,999,999,999,999.99 CNY. */
export const amountFenMax = 99_999_999_999_999_999n;
/** The same limit as a two-decimal string, for messages and schemas. */
export const amountMaxText = '999999999999999.99';
/** The longest input string `parse` looks at before refusing (the limit plus a sign). */
export const amountTextLengthMax = amountMaxText.length + 1;

/** The accepted spelling of a non-negative amount: no sign, no leading zeros, exactly two decimals. */
export const amountPattern = /^(0|[1-9]\d{0,14})\.\d{2}$/;
/** The accepted spelling of a signed amount (balances): an optional '-' before `amountPattern`. */
export const signedAmountPattern = /^-?(0|[1-9]\d{0,14})\.\d{2}$/;

/** An operational error about money: a refused input or an operation that would leave the rules. */
export class MoneyError extends Error {
  override readonly name = 'MoneyError';
}

function describe(input: unknown): string {
  if (typeof input === 'string') {
    const shown = input.length > 40 ? `${input.slice(0, 40)}…` : input;
    return JSON.stringify(shown);
  }
  if (typeof input === 'bigint') return `${input}n`;
  if (input === null) return 'null';
  if (typeof input === 'object') return Array.isArray(input) ? 'an array' : 'an object';
  return `${typeof input} ${String(input)}`;
}

function checkFen(fen: bigint, what: string): void {
  if (fen > amountFenMax || fen < -amountFenMax) {
    throw new MoneyError(`${what} is beyond the amount limit of ${amountMaxText} CNY`);
  }
}

/**
 * An immutable CNY amount, exact to the fen. Non-negative unless built through a signed
 * operation (`parseSigned`, `minusSigned`, `negated`); the unsigned operations refuse negative
 * operands and results, so a voucher amount can never silently become a debt.
 */
/** Any number of fen written as CNY with two decimals, for messages (no limit applies). */
export function fenText(fen: bigint): string {
  const sign = fen < 0n ? '-' : '';
  const abs = fen < 0n ? -fen : fen;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

export class Amount {
  /** The value in CNY, always an integer number of fen. */
  readonly #value: MoneyDecimal;

  private constructor(value: MoneyDecimal) {
    this.#value = value;
  }

  /** Zero CNY. */
  static readonly zero: Amount = new Amount(new MoneyDecimal(0));

  /**
   * Reads a non-negative amount written exactly as `^(0|[1-9]\d{0,14})\.\d{2}$`.
   * @throws MoneyError naming the input and the rule it breaks.
   */
  static parse(input: unknown): Amount {
    return Amount.#parseWith(input, amountPattern, 'a non-negative amount with exactly two decimals, no sign and no leading zeros, at most 999999999999999.99');
  }

  /** Reads a signed amount (for balances): an optional '-' then what `parse` accepts. '-0.00' is refused. */
  static parseSigned(input: unknown): Amount {
    if (input === '-0.00') throw new MoneyError(`amount "-0.00" is refused: zero has no sign`);
    return Amount.#parseWith(input, signedAmountPattern, 'a signed amount with exactly two decimals and no leading zeros, magnitude at most 999999999999999.99');
  }

  static #parseWith(input: unknown, pattern: RegExp, rule: string): Amount {
    if (typeof input !== 'string') {
      throw new MoneyError(`amount ${describe(input)} is refused: an amount must be a string, ${rule}`);
    }
    if (input.length > amountTextLengthMax || !pattern.test(input)) {
      throw new MoneyError(`amount ${describe(input)} is refused: expected ${rule}`);
    }
    return new Amount(new MoneyDecimal(input));
  }

  /** True when `input` is a string `parse` would accept. */
  static isValid(input: unknown): input is string {
    return typeof input === 'string' && input.length <= amountTextLengthMax && amountPattern.test(input);
  }

  /** The amount of `fen` hundredths of a CNY (may be negative; magnitude within the limit). */
  static fromFen(fen: bigint): Amount {
    if (typeof fen !== 'bigint') throw new MoneyError(`fen ${describe(fen)} is refused: fen must be a bigint`);
    checkFen(fen, `${fen} fen`);
    return new Amount(new MoneyDecimal(fen.toString()).div(100));
  }

  /**
   * The sum of `amounts` in fen, exact and unbounded: a sum of valid amounts can pass the amount
   * limit, so a rule comparing sums compares these rather than calling `sum`, which throws.
   */
  static sumFen(amounts: readonly Amount[]): bigint {
    let fen = 0n;
    for (const a of amounts) fen += a.toFen();
    return fen;
  }

  /** The sum of `amounts`; zero for an empty list. Throws MoneyError past the amount limit. */
  static sum(amounts: readonly Amount[]): Amount {
    let fen = 0n;
    for (const a of amounts) fen += a.toFen();
    return Amount.fromFen(fen);
  }

  /** The value in fen, exact. */
  toFen(): bigint {
    return BigInt(this.#value.times(100).toFixed(0));
  }

  /** The Decimal value, for computations such as interest; never for storage. */
  toDecimal(): MoneyDecimal {
    return this.#value;
  }

  /** Always exactly two decimals, the same spelling `parse` accepts (with '-' when negative). */
  toString(): string {
    return this.#value.toFixed(2);
  }

  toJSON(): string {
    return this.toString();
  }

  /** `this + other`. Refuses a negative operand unless both are used as signed (see `plusSigned`). */
  plus(other: Amount): Amount {
    this.#requireNonNegative('plus');
    other.#requireNonNegative('plus');
    return this.plusSigned(other);
  }

  /** `this + other` for signed balances. */
  plusSigned(other: Amount): Amount {
    const result = this.#value.plus(other.#value);
    checkFen(BigInt(result.times(100).toFixed(0)), `${this} + ${other}`);
    return new Amount(result);
  }

  /** `this − other`; refuses a negative result (use `minusSigned` for balances). */
  minus(other: Amount): Amount {
    this.#requireNonNegative('minus');
    other.#requireNonNegative('minus');
    if (this.#value.lt(other.#value)) {
      throw new MoneyError(`${this} minus ${other} is refused: the result would be negative`);
    }
    return new Amount(this.#value.minus(other.#value));
  }

  /** `this − other`, allowed to go negative (balances). */
  minusSigned(other: Amount): Amount {
    const result = this.#value.minus(other.#value);
    checkFen(BigInt(result.times(100).toFixed(0)), `${this} - ${other}`);
    return new Amount(result);
  }

  /** `−this`. */
  negated(): Amount {
    return this.isZero() ? this : new Amount(this.#value.negated());
  }

  /** −1, 0 or 1 as `this` is less than, equal to or greater than `other`. */
  cmp(other: Amount): -1 | 0 | 1 {
    return this.#value.cmp(other.#value) as -1 | 0 | 1;
  }

  eq(other: Amount): boolean {
    return this.#value.eq(other.#value);
  }

  lt(other: Amount): boolean {
    return this.#value.lt(other.#value);
  }

  lte(other: Amount): boolean {
    return this.#value.lte(other.#value);
  }

  gt(other: Amount): boolean {
    return this.#value.gt(other.#value);
  }

  gte(other: Amount): boolean {
    return this.#value.gte(other.#value);
  }

  isZero(): boolean {
    return this.#value.isZero();
  }

  isNegative(): boolean {
    return this.#value.isNegative() && !this.#value.isZero();
  }

  /** The smaller of two amounts. */
  static min(a: Amount, b: Amount): Amount {
    return a.lte(b) ? a : b;
  }

  #requireNonNegative(operation: string): void {
    if (this.isNegative()) {
      throw new MoneyError(`${operation} on ${this} is refused: unsigned arithmetic takes non-negative amounts only`);
    }
  }
}
