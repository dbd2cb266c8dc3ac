/** `financing.withdraw` [the holder]: withdraws its open financing request; the voucher is active again. */
import { event, refuse, requireEntitled, requireVoucher, type Decider } from './shared.ts';

export const decideFinancingWithdraw: Decider<'financing.withdraw'> = ({ voucherId }, { state, actor, at }) => {
  const v = requireVoucher(state, voucherId);
  requireEntitled(actor, v.holder, `the holder of voucher ${v.voucherId}`);
  if (v.status === 'frozen') refuse('voucherFrozen', `voucher ${v.voucherId} is frozen`);
  if (v.status !== 'pending_financing' || v.financingRequest === null) refuse('voucherNotPendingFinancing', `voucher ${v.voucherId} is ${v.status}`);
  return [event('FinancingWithdrawn', { voucherId, rootId: v.rootId, holder: actor, funder: v.financingRequest.funder, at })];
};
