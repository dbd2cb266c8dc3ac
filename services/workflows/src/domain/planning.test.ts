import { describe, expect, it } from 'vitest';
import { actionsEndedBy, actionsPlannedBy, outcomeOf, shanghaiInstant } from './planning.ts';

const voucher = { voucherId: 'V', rootId: 'V', issuer: 'I', holder: 'H', maturityDate: '2027-03-31', acceptanceDeadline: '2026-12-09T02:00:00.000Z', status: 'pending_acceptance' };

describe('planning', () => {
  it('plans for an issue: the offer\'s expiry, the issuer\'s reminder and the overdue mark', () => {
    const actions = actionsPlannedBy({ type: 'VoucherIssued', data: { voucher } }, { reminderDays: 7, overdueGraceDays: 2 });
    expect(actions.map((a) => [a.id, a.dueAt.toISOString()])).toEqual([
      ['expire:V', '2026-12-09T02:00:05.000Z'],
      ['remind:V', '2027-03-24T01:00:00.000Z'], // 09:00 in Shanghai, 7 days before
      ['overdue:V', '2027-04-02T16:00:00.000Z'], // the start of 3 April in Shanghai: maturity + 1 + 2 days of grace
    ]);
  });

  it('plans an expiry for each offered child of a split, none for the remainder kept', () => {
    const children = [{ ...voucher, voucherId: 'C1', rootId: 'V' }, { ...voucher, voucherId: 'C2', status: 'active', acceptanceDeadline: null }];
    expect(actionsPlannedBy({ type: 'VoucherTransferred', data: { children } }).map((a) => a.id)).toEqual(['expire:C1']);
  });

  it('ends an expiry once the offer ended, and the tree\'s clock once it is paid in full (not in part)', () => {
    expect(actionsEndedBy({ type: 'VoucherAccepted', data: { voucherId: 'V' } })).toEqual(['expire:V']);
    const settled = (statusAfter: string) => ({ type: 'VoucherSettled', data: { rootId: 'V', payouts: [{ statusAfter }] } });
    expect(actionsEndedBy(settled('settled'))).toEqual(['remind:V', 'overdue:V']);
    expect(actionsEndedBy(settled('overdue'))).toEqual([]);
  });

  it('reads the ledger\'s answer: done, too early (again later) or refused', () => {
    expect(outcomeOf('expireAcceptance', { status: 'accepted' })).toBe('done');
    expect(outcomeOf('expireAcceptance', { status: 'refused', problem: { code: 'voucherNotPendingAcceptance' } })).toBe('done');
    expect(outcomeOf('expireAcceptance', { status: 'refused', problem: { code: 'acceptancePeriodNotOver' } })).toBe('tooEarly');
    expect(outcomeOf('markOverdue', { status: 'refused', problem: { code: 'treeHasFrozenVoucher' } })).toBe('tooEarly');
    expect(outcomeOf('markOverdue', { status: 'refused', problem: { code: 'signatureInvalid' } })).toBe('refused');
  });

  it('places a calendar date\'s hour in Asia/Shanghai', () => {
    expect(shanghaiInstant('2027-01-01', 9).toISOString()).toBe('2027-01-01T01:00:00.000Z');
  });
});
