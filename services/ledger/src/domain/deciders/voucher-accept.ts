/** `voucher.accept` [the recipient]: accepts an offered voucher. */
import { event, offerOwner, refuse, requireEntitled, requirePendingAcceptance, requireVoucher, type Decider } from './shared.ts';

export const decideVoucherAccept: Decider<'voucher.accept'> = ({ voucherId }, { state, actor, now, at }) => {
  const v = requireVoucher(state, voucherId);
  requireEntitled(actor, v.holder, `the recipient of voucher ${v.voucherId}`);
  requirePendingAcceptance(v);
  if (v.acceptanceDeadline !== null && now.getTime() > Date.parse(v.acceptanceDeadline)) {
    refuse('acceptancePeriodOver', `the offer of voucher ${v.voucherId} ended at ${v.acceptanceDeadline}`);
  }
  return [event('VoucherAccepted', { voucherId: v.voucherId, rootId: v.rootId, holder: v.holder, owner: offerOwner(v), amount: v.amount, at })];
};
