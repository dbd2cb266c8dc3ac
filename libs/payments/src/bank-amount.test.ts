import { describe, expect, it } from 'vitest';
import { normaliseBankAmount } from './bank-amount.ts';

describe('normaliseBankAmount', () => {
  it.each([
    ['100', '100.00'],
    ['0.3', '0.30'],
    ['.5', '0.50'],
    ['5.', '5.00'],
    ['+7.10', '7.10'],
    ['0100.50000', '100.50'],
    ['999999999999999.99', '999999999999999.99'],
  ])('bank amount: xs:decimal %s reads as %s', (text, amount) => {
    expect(normaliseBankAmount('t', text)).toBe(amount);
  });

  it.each(['100.005', '-1.00', '1e3', '', '.', '1,000.00', '1000000000000000.00'])('bank amount: %j is refused rather than rounded', (text) => {
    expect(() => normaliseBankAmount('t', text)).toThrow(/^amountMustBeTwoDecimalCny:/);
  });
});
