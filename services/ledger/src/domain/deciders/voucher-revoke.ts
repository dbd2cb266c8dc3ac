/** `voucher.revoke` [the sender of the transfer child]: takes back a transfer not yet accepted. */
import { event, refuse, requireEntitled, requirePendingAcceptance, requireVoucher, returnedOffer, type Decider } from './shared.ts';

export const decideVoucherRevoke: Decider<'voucher.revoke'> = ({ voucherId }, { state, actor, at }) => {
  const v = requireVoucher(state, voucherId);
  requireEntitled(actor, v.sender, `the sender of voucher ${v.voucherId}`);
  if (v.parentId === null) refuse('voucherNotATransfer', `voucher ${v.voucherId} is an issue; its issuer cancels it`);
  requirePendingAcceptance(v);
  return [event('TransferRevoked', returnedOffer(v, at))];
};
