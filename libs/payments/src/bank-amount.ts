/**
 * Banks write amounts as `xs:decimal` ("100", "100.5", "100.50000"); the platform's amounts are
 * exactly two decimals. This turns one into the other without ever going through a JS number,
 * and refuses anything that is not a whole number of fen rather than round it.
 */
import { Amount } from '@cascade/money';
import { PaymentFileError } from './errors.ts';

/** `xs:decimal` without a sign other than '+': "100", "0.3", ".5", "100.50000". */
const decimalPattern = /^\+?(?=\.?\d)(\d{0,18})(?:\.(\d{0,18}))?$/;

/** @throws PaymentFileError amountMustBeTwoDecimalCny */
export function normaliseBankAmount(field: string, text: string): string {
  const m = decimalPattern.exec(text.trim());
  if (m) {
    const whole = (m[1] || '0').replace(/^0+(?=\d)/, '');
    const fraction = (m[2] ?? '').padEnd(2, '0');
    if (/^0*$/.test(fraction.slice(2))) {
      const spelled = `${whole}.${fraction.slice(0, 2)}`;
      if (Amount.isValid(spelled)) return spelled;
    }
  }
  throw new PaymentFileError('amountMustBeTwoDecimalCny', `${field} amount ${JSON.stringify(text)} is not a non-negative whole number of fen within the amount limit`);
}
