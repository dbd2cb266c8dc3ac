/** `voucher.markOverdue` [operator, for the scheduler]: marks the unpaid leaves of a matured tree overdue. */
import { event, refuse, requireVoucher, unpaidLeaves, type Decider } from './shared.ts';

export const decideVoucherMarkOverdue: Decider<'voucher.markOverdue'> = ({ rootId }, { state, at, today }) => {
  const root = requireVoucher(state, rootId);
  const unpaid = unpaidLeaves(state, root).filter((v) => v.status !== 'overdue');
  if (unpaid.length === 0) refuse('nothingOverdue', `tree ${rootId} has no unpaid voucher left to mark overdue`);
  if (today <= root.maturityDate) refuse('maturityNotPassed', `tree ${rootId} matures on ${root.maturityDate}; today is ${today}`);
  return [
    event('VoucherOverdue', {
      rootId,
      leaves: unpaid.map((v) => {
        const pending = v.status === 'pending_acceptance';
        return { voucherId: v.voucherId, holder: pending ? v.sender : v.holder, outstanding: v.outstanding, wasPendingAcceptance: pending };
      }),
      at,
    }),
  ];
};
