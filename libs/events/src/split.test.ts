import { describe, expect, it } from 'vitest';
import { splitEventData } from './split.ts';

const payout = (i: number) => ({ voucherId: `v-${i}`, holder: `h-${i % 7}`, wasPendingAcceptance: false, amount: '1.00', outstandingAfter: '0.00', statusAfter: 'settled' });

describe('splitEventData', () => {
  const data = { rootId: 'r', issuer: 'i', paymentReference: 'p', paidAmount: '10000.00', payouts: Array.from({ length: 10_000 }, (_, i) => payout(i)), holderTotals: [{ holder: 'h-0', amount: '1.00' }], creditLineRestored: null, at: 't' };

  it('returns an event within the budget whole, without a part', () => {
    expect(splitEventData('VoucherSettled', data, 10_000_000)).toEqual([data]);
  });

  it('slices the lists of a large event into parts within the budget that concatenate back to it', () => {
    const parts = splitEventData('VoucherSettled', data, 100_000);
    expect(parts.length).toBeGreaterThan(10);
    parts.forEach((p, i) => {
      expect(Buffer.byteLength(JSON.stringify(p))).toBeLessThanOrEqual(100_000);
      expect(p).toMatchObject({ rootId: 'r', paidAmount: '10000.00', part: { index: i + 1, count: parts.length } });
    });
    expect(parts.flatMap((p) => p.payouts as unknown[])).toEqual(data.payouts);
    expect(parts.flatMap((p) => p.holderTotals as unknown[])).toEqual(data.holderTotals);
  });

  it('leaves an event of a type with no growing list whole', () => {
    const big = { voucherId: 'x', reason: 'y'.repeat(200_000) };
    expect(splitEventData('FinancingRejected', big, 100_000)).toEqual([big]);
  });
});
