/** `financing.reject` [the funder the request names]: the voucher is active again. */
import { event, refuse, requireEntitled, requireVoucher, type Decider } from './shared.ts';

export const decideFinancingReject: Decider<'financing.reject'> = ({ voucherId, reason }, { state, actor, at }) => {
  const v = requireVoucher(state, voucherId);
  if (v.financingRequest !== null) requireEntitled(actor, v.financingRequest.funder, `the funder asked to finance voucher ${v.voucherId}`);
  if (v.status === 'frozen') refuse('voucherFrozen', `voucher ${v.voucherId} is frozen`);
  if (v.status !== 'pending_financing') refuse('voucherNotPendingFinancing', `voucher ${v.voucherId} is ${v.status}`);
  return [event('FinancingRejected', { voucherId, rootId: v.rootId, holder: v.holder, funder: actor, reason, at })];
};
