import { describe, expect, it } from 'vitest';
import { Amount } from '@cascade/money';
import { PolicyError, createPolicy, defaultPolicy, financingFeeMax } from './policy.ts';
import { addMonths, daysBetween, isCalendarDate, shanghaiDate } from './time.ts';

describe('policy', () => {
  it('defaults: 6 months, 10 tiers, 20 children, 0.01 minimum piece, 1 % fee cap, 7 days to accept', () => {
    expect(createPolicy()).toMatchObject({
      maturityMonthsMax: 6,
      treeDepthMax: 10,
      childrenPerTransferMax: 20,
      pieceMin: '0.01',
      financingFeeRateMax: '0.01',
      acceptancePeriodMs: 7 * 86_400_000,
    });
    expect(createPolicy()).toEqual(defaultPolicy);
  });

  it.each([
    [{ maturityMonthsMax: 13 }, /maturityMonthsMax = 13 .* 1 to 12/],
    [{ maturityMonthsMax: 0 }, /maturityMonthsMax/],
    [{ treeDepthMax: 65 }, /treeDepthMax/],
    [{ childrenPerTransferMax: 1 }, /childrenPerTransferMax/],
    [{ pieceMin: '0.00' }, /pieceMin/],
    [{ pieceMin: '1' }, /pieceMin/],
    [{ financingFeeRateMax: '1' }, /financingFeeRateMax/],
    [{ acceptancePeriodMs: 1.5 }, /acceptancePeriodMs/],
  ])('refuses %j at construction', (overrides, message) => {
    expect(() => createPolicy(overrides)).toThrow(PolicyError);
    expect(() => createPolicy(overrides)).toThrow(message);
  });

  it('allows raising the minimum piece and a maturity of up to one year', () => {
    expect(createPolicy({ pieceMin: '100.00', maturityMonthsMax: 12 }).pieceMin).toBe('100.00');
  });

  it('rounds the fee cap down to the fen', () => {
    expect(financingFeeMax(defaultPolicy, Amount.parse('123.45')).toString()).toBe('1.23');
  });
});

describe('calendar', () => {
  it('takes the Asia/Shanghai date of an instant (UTC+8, no daylight saving)', () => {
    expect(shanghaiDate(new Date('2026-03-01T15:59:59.999Z'))).toBe('2026-03-01');
    expect(shanghaiDate(new Date('2026-03-01T16:00:00.000Z'))).toBe('2026-03-02');
  });

  it('adds months clamped to the end of a shorter month', () => {
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29');
    expect(addMonths('2026-03-02', 12)).toBe('2027-03-02');
  });

  it('counts days and checks dates', () => {
    expect(daysBetween('2026-03-02', '2026-06-30')).toBe(120);
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-1-01')).toBe(false);
  });
});
