/**
 * The small values trade records are made of: invoice numbers in both of their forms, quantities,
 * calendar dates in Asia/Shanghai. Pure functions; every parser refuses with a named rejection.
 */
import { Amount } from '@cascade/money';
import { validateUscc } from '@cascade/ids';
import { refuse } from './rejections.ts';

/**
 * The two forms of a Chinese VAT invoice's identity:
 *  - classic (增值税专用/普通发票): a 10-digit (paper) or 12-digit (electronic) invoice code
 *    (发票代码) and an 8-digit invoice number (发票号码); the number repeats across codes, so only
 *    the pair identifies the invoice;
 *  - fully digital (全面数字化的电子发票, 数电票): one 20-digit number and no code.
 * The platform-wide key is `<code>-<number>` or the 20 digits: the two can never collide (one has
 * a dash), and the unique constraint on it refuses a second registration by anyone.
 */
export type InvoiceForm = 'classic' | 'digital';

export interface InvoiceIdentity {
  form: InvoiceForm;
  code: string | null;
  number: string;
  key: string;
}

export const invoiceKeyPattern = /^(\d{10}|\d{12})-\d{8}$|^\d{20}$/;

export function invoiceIdentity(code: string | null | undefined, number: string): InvoiceIdentity {
  const c = code === undefined || code === null || code === '' ? null : code;
  if (c === null) {
    if (!/^\d{20}$/.test(number)) refuse('invoiceNumberMalformed', `invoice number ${JSON.stringify(number.slice(0, 40))} without a code must be the 20 digits of a fully digital invoice`);
    return { form: 'digital', code: null, number, key: number };
  }
  if (!/^(\d{10}|\d{12})$/.test(c)) refuse('invoiceNumberMalformed', `invoice code ${JSON.stringify(c.slice(0, 40))} must be 10 or 12 digits`);
  if (!/^\d{8}$/.test(number)) refuse('invoiceNumberMalformed', `invoice number ${JSON.stringify(number.slice(0, 40))} under code ${c} must be 8 digits`);
  return { form: 'classic', code: c, number, key: `${c}-${number}` };
}

/** Refuses a field that is not a valid unified social credit code. */
export function requireUscc(value: string, field: string): string {
  const v = validateUscc(value);
  if (!v.ok) refuse('usccInvalid', `${field}: ${v.reason}`);
  return value;
}

export function positiveAmount(value: string, field: string): Amount {
  const a = Amount.parse(value);
  if (a.isZero()) refuse('amountMustBePositive', `${field} is 0.00`);
  return a;
}

/**
 * Goods quantities: decimal strings with at most three decimals (kilograms to the gram, metres to
 * the millimetre), compared exactly as integers of thousandths — never as JS floating numbers.
 */
export const quantityPattern = /^(0|[1-9]\d{0,11})(\.\d{1,3})?$/;

export function quantityMilli(value: string, field: string): bigint {
  if (!quantityPattern.test(value)) refuse('quantityMalformed', `${field} ${JSON.stringify(value.slice(0, 40))} is not a decimal with at most 3 decimals`);
  const [whole, frac = ''] = value.split('.');
  const milli = BigInt(whole!) * 1000n + BigInt(frac.padEnd(3, '0'));
  if (milli === 0n) refuse('quantityMalformed', `${field} is zero`);
  return milli;
}

const shanghaiOffsetMs = 8 * 60 * 60 * 1000;
const dayMs = 24 * 60 * 60 * 1000;

/** The Asia/Shanghai calendar date of an instant (UTC+8, no daylight saving since 1991). */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + shanghaiOffsetMs).toISOString().slice(0, 10);
}

/** True for YYYY-MM-DD naming a day that exists. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10);
}

export function calendarDate(value: string, field: string): string {
  if (!isCalendarDate(value)) refuse('dateMalformed', `${field} ${JSON.stringify(value.slice(0, 20))} is not a calendar date`);
  return value;
}

/** Refuses a date that is not a real calendar day or lies after `today`. */
export function pastOrToday(value: string, field: string, today: string): string {
  calendarDate(value, field);
  if (value > today) refuse('dateInTheFuture', `${field} ${value} is after today (${today}, Asia/Shanghai)`);
  return value;
}
