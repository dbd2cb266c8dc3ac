import { describe, expect, it } from 'vitest';
import { checkProductTerms, financingCost, matchProducts, type Product } from './products.ts';

const product = (over: Partial<Product> = {}): Product => ({
  funder: 'BANK1',
  productId: 'P-STD',
  version: 1,
  status: 'active',
  publishedAt: '2026-03-01T00:00:00.000Z',
  name: 'standard discount',
  eligibleGrades: ['AAA', 'AA', 'A', 'BBB', 'BB'],
  eligibleIssuers: null,
  amountMin: '10000.00',
  amountMax: '5000000.00',
  tenorDaysMin: 30,
  tenorDaysMax: 180,
  annualRate: '0.0365',
  fees: '100.00',
  dailyLimit: '10000000.00',
  ...over,
});

// 2026-03-02 to 2026-06-30 is 120 days.
const voucher = { voucherId: '0195a000-0000-7000-8000-000000000001', issuer: 'CORE1', amount: '300000.00', maturityDate: '2026-06-30' };
const asOf = '2026-03-02';

describe('financingCost, checked by hand', () => {
  it('300,000.00 at 3.65 % for 120 days (ACT/360) plus 100.00 fees: interest 3,650.00, total 3,750.00, net 296,250.00', () => {
    // 300000.00 × 0.0365 × 120 / 360 = 3650.00
    expect(financingCost('300000.00', '0.0365', 120, '100.00')).toEqual({ annualRate: '0.0365', days: 120, interest: '3650.00', fees: '100.00', total: '3750.00', net: '296250.00' });
  });
  it('interest rounds half-up to the fen: 1,000.00 at 4.5 % for 1 day is 0.125 → 0.13', () => {
    expect(financingCost('1000.00', '0.045', 1, '0.00').interest).toBe('0.13');
  });
});

describe('matchProducts', () => {
  it('ranks the eligible products by total cost to the holder and says why the others do not fit', () => {
    const products = [
      product({ productId: 'P-STD' }),
      product({ funder: 'BANK2', productId: 'P-CHEAP-RATE', annualRate: '0.03', fees: '2000.00' }), // 3000.00 + 2000.00 = 5000.00
      product({ funder: 'BANK3', productId: 'P-LOW-FEE', annualRate: '0.04', fees: '0.00' }), // 4000.00
      product({ funder: 'BANK4', productId: 'P-PRIME', eligibleGrades: ['AAA', 'AA'] }),
      product({ funder: 'BANK5', productId: 'P-SHORT', tenorDaysMax: 90, amountMin: '500000.00' }),
      product({ funder: 'BANK6', productId: 'P-FULL', dailyLimit: '400000.00' }),
      product({ funder: 'BANK7', productId: 'P-LISTED', eligibleIssuers: ['CORE9'] }),
    ];
    const used = (p: Product) => (p.productId === 'P-FULL' ? 20_000_000n : 0n); // 200,000.00 already today
    const m = matchProducts(products, voucher, 'BBB', asOf, used);
    expect(m.eligible.map((e) => [e.productId, e.cost.total])).toEqual([
      ['P-STD', '3750.00'],
      ['P-LOW-FEE', '4000.00'],
      ['P-CHEAP-RATE', '5000.00'],
    ]);
    const why = Object.fromEntries(m.ineligible.map((u) => [u.productId, u.reasons.map((r) => r.code)]));
    expect(why).toEqual({
      'P-PRIME': ['gradeNotEligible'],
      'P-SHORT': ['amountBelowMinimum', 'tenorAboveMaximum'],
      'P-FULL': ['dailyLimitExceeded'],
      'P-LISTED': ['issuerNotEligible'],
    });
    expect(m.ineligible.find((u) => u.productId === 'P-SHORT')!.reasons[1]!.text).toMatch(/120 days > 90/);
  });
  it("the holder's limits rule out a product above its rate or fees", () => {
    const m = matchProducts([product()], voucher, 'A', asOf, () => 0n, { maxAnnualRate: '0.03', maxFees: '50.00' });
    expect(m.ineligible[0]!.reasons.map((r) => r.code)).toEqual(['rateAboveHolderMaximum', 'feesAboveHolderMaximum']);
  });
});

describe('checkProductTerms', () => {
  it.each([
    [{ amountMin: '10.00', amountMax: '5.00' }, 'amountRangeInverted'],
    [{ tenorDaysMin: 90, tenorDaysMax: 30 }, 'tenorRangeInverted'],
    [{ fees: '10000.00' }, 'feesNotBelowAmountMin'],
    [{ dailyLimit: '9999.99' }, 'dailyLimitBelowAmountMin'],
    [{}, null],
  ] as const)('%j → %s', (over, code) => {
    expect(checkProductTerms(product(over as Partial<Product>))).toBe(code);
  });
});
