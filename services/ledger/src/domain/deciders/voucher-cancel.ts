/** `voucher.cancel` [the issuer of the root]: cancels an issue not yet accepted. */
import { event, refuse, requireEntitled, requirePendingAcceptance, requireVoucher, returnedOffer, type Decider } from './shared.ts';

export const decideVoucherCancel: Decider<'voucher.cancel'> = ({ voucherId }, { state, actor, at }) => {
  const v = requireVoucher(state, voucherId);
  requireEntitled(actor, v.issuer, `the issuer of voucher ${v.voucherId}`);
  if (v.parentId !== null) refuse('voucherNotARoot', `voucher ${v.voucherId} is a transfer child; its sender revokes it`);
  requirePendingAcceptance(v);
  return [event('VoucherCancelled', returnedOffer(v, at))];
};
