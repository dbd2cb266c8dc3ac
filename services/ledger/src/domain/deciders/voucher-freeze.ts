/** `voucher.freeze` [regulator]: freezes a voucher and its whole subtree. */
import { terminalStatuses } from '../entities.ts';
import { event, refuse, requireVoucher, subtree, type Decider } from './shared.ts';

export const decideVoucherFreeze: Decider<'voucher.freeze'> = ({ voucherId, reason }, { state, at }) => {
  const v = requireVoucher(state, voucherId);
  if (v.freezeOrder !== null || v.status === 'frozen') refuse('voucherAlreadyFrozen', `voucher ${voucherId} is already frozen`);
  const affected = subtree(state, voucherId)
    .filter((x) => !terminalStatuses.has(x.status) && x.status !== 'frozen')
    .map((x) => ({ voucherId: x.voucherId, previousStatus: x.status }));
  if (affected.length === 0) refuse('nothingToFreeze', `no voucher under ${voucherId} is in a status a freeze can hold`);
  return [event('VoucherFrozen', { voucherId, rootId: v.rootId, reason, affected, at })];
};
