/** `voucher.expireAcceptance` [operator, for the scheduler]: ends an offer whose acceptance period is over. */
import { event, refuse, requirePendingAcceptance, requireVoucher, returnedOffer, type Decider } from './shared.ts';

export const decideVoucherExpireAcceptance: Decider<'voucher.expireAcceptance'> = ({ voucherId }, { state, now, at }) => {
  const v = requireVoucher(state, voucherId);
  requirePendingAcceptance(v);
  if (v.acceptanceDeadline === null || now.getTime() <= Date.parse(v.acceptanceDeadline)) {
    refuse('acceptancePeriodNotOver', `the offer of voucher ${v.voucherId} runs until ${String(v.acceptanceDeadline)}`);
  }
  return [event('AcceptanceExpired', returnedOffer(v, at))];
};
