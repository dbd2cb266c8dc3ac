/** `voucher.reject` [the recipient]: rejects an offered voucher; its value returns to the sender. */
import { event, requireEntitled, requirePendingAcceptance, requireVoucher, returnedOffer, type Decider } from './shared.ts';

export const decideVoucherReject: Decider<'voucher.reject'> = ({ voucherId, reason }, { state, actor, at }) => {
  const v = requireVoucher(state, voucherId);
  requireEntitled(actor, v.holder, `the recipient of voucher ${v.voucherId}`);
  requirePendingAcceptance(v);
  return [event('VoucherRejected', { ...returnedOffer(v, at), reason: reason ?? '' })];
};
