import { describe, expect, it } from 'vitest';
import { activeHits, financingIdOf, notYetRetryMs, notYetRetryMsMax, termMonthsOf, vouchersPaidOff } from './registry.ts';
import { hits } from '../registry-simulator.ts';

describe('financing registration rules', () => {
  it('name a financing by its voucher and the instant of its request, file-safe', () => {
    const id = financingIdOf('B08FB4C0-D4E7-437F-ACC3-5D706075CD3E', '2026-03-02T02:00:00.123Z');
    expect(id).toBe('b08fb4c0-d4e7-437f-acc3-5d706075cd3e.20260302T020000123Z');
    expect(id).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
    expect(() => financingIdOf('x', 'not a time')).toThrow();
  });

  it('register for the whole months to maturity, and one more', () => {
    expect(termMonthsOf('2026-03-02', '2026-06-30')).toBe(5);
    expect(termMonthsOf('2026-03-30', '2026-04-30')).toBe(2);
    expect(termMonthsOf('2026-03-31', '2026-04-30')).toBe(2);
    expect(termMonthsOf('2026-06-30', '2026-06-30')).toBe(1);
    expect(termMonthsOf('2026-01-01', '2056-12-31')).toBe(360);
  });

  it('release only the pieces a settlement paid whole', () => {
    const event = { type: 'VoucherSettled', data: { payouts: [{ voucherId: 'v1', statusAfter: 'settled' }, { voucherId: 'v2', statusAfter: 'overdue' }] } };
    expect(vouchersPaidOff(event)).toEqual(['v1']);
    expect(vouchersPaidOff({ type: 'VoucherOverdue', data: {} })).toEqual([]);
  });

  it('stop on registrations in force only, and look again later with a bounded backoff', () => {
    const r = (status: 'active' | 'released' | 'expired') => ({ registrationNumber: status, kind: 'transfer' as const, registeredAt: '', expiresOn: '', grantor: { name: '', uscc: '' }, securedParty: { name: '', uscc: '' }, collateralDescription: '', status });
    expect(activeHits({ searchReportNumber: 's', searchedAt: '', registrations: [r('released'), r('active'), r('expired')] }).map((h) => h.status)).toEqual(['active']);
    expect(activeHits(null)).toEqual([]);
    expect(notYetRetryMs(0)).toBe(10_000);
    expect(notYetRetryMs(1)).toBe(20_000);
    expect(notYetRetryMs(40)).toBe(notYetRetryMsMax);
  });

  it('simulator: a platform registration hits its own voucher only; a filing elsewhere hits by invoice', () => {
    const base = { registrationNumber: 'R', kind: 'transfer' as const, registeredAt: '', expiresOn: '', grantor: { name: '', uscc: '' }, securedParty: { name: '', uscc: '' }, collateralDescription: '', status: 'active' as const };
    const receivable = { voucherId: 'v2', rootVoucherId: 'root', invoiceNumbers: ['INV-1'] };
    expect(hits({ ...base, collateral: { voucherId: 'v1', rootVoucherId: 'root', invoiceNumbers: ['INV-1'] } }, receivable)).toBe(false);
    expect(hits({ ...base, collateral: { voucherId: 'v2', rootVoucherId: 'root', invoiceNumbers: [] } }, receivable)).toBe(true);
    expect(hits({ ...base, collateral: { invoiceNumbers: ['INV-1'] } }, receivable)).toBe(true);
    expect(hits({ ...base, collateral: { invoiceNumbers: ['INV-9'] } }, receivable)).toBe(false);
  });
});
