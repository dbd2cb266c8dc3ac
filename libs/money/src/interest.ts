/**
 * Discount interest on the ACT/360 basis.
 */
import { Amount, MoneyDecimal, MoneyError } from './amount.ts';

/** An annual rate: "0", or "0." followed by one to ten digits (so 0 ≤ rate < 1). */
export const annualRatePattern = /^0(\.\d{1,10})?$/;
/** The longest discount period accepted, in days (ten years; vouchers mature within one). */
export const interestDaysMax = 3660;
/** The day-count denominator of ACT/360. */
export const dayCountBasisDays = 360;

/**
 * Reads an annual rate written as a plain decimal string, 0 ≤ rate < 1 (e.g. "0.0450").
 * @throws MoneyError naming the input and the rule.
 */
export function parseAnnualRate(input: unknown): MoneyDecimal {
  if (typeof input !== 'string' || !annualRatePattern.test(input)) {
    const shown = typeof input === 'string' ? JSON.stringify(input.slice(0, 40)) : `${typeof input} ${String(input)}`;
    throw new MoneyError(`annual rate ${shown} is refused: expected a decimal string "0" or "0.d" with 1–10 decimals (0 ≤ rate < 1)`);
  }
  return new MoneyDecimal(input);
}

/** True when `input` is a rate `parseAnnualRate` accepts. */
export function isAnnualRate(input: unknown): input is string {
  return typeof input === 'string' && annualRatePattern.test(input);
}

/**
 * Discount interest: `amount × annualRate × days / 360`, rounded half-up to 0.01.
 *
 * The product `amount × rate × days` is exact in decimal.js (at most 17 + 10 + 4 significant
 * digits, within the 40-digit precision). The division by 360 is then done on exact integers in
 * fen with a half-up rule, so there is exactly one rounding: dividing in Decimal first would round
 * to 40 digits and then again to 2 decimals.
 *
 * @param days an integer 0 ≤ days ≤ `interestDaysMax`.
 * @throws MoneyError on a negative amount, a malformed rate or a bad day count.
 */
export function discountInterest(amount: Amount, annualRate: string, days: number): Amount {
  if (amount.isNegative()) throw new MoneyError(`interest on ${amount} is refused: the amount is negative`);
  const rate = parseAnnualRate(annualRate);
  if (!Number.isSafeInteger(days) || days < 0 || days > interestDaysMax) {
    throw new MoneyError(`interest days ${String(days)} are refused: expected an integer from 0 to ${interestDaysMax}`);
  }
  const numerator = amount.toDecimal().times(rate).times(days);
  const scaled = numerator.times(100); // fen × rate × days, exact
  const [num, den] = scaled.toFraction() as [MoneyDecimal, MoneyDecimal];
  const n = BigInt(num.toFixed(0));
  const d = BigInt(den.toFixed(0)) * BigInt(dayCountBasisDays);
  let fen = n / d;
  if ((n % d) * 2n >= d) fen += 1n;
  return Amount.fromFen(fen);
}
