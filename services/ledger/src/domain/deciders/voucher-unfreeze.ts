/** `voucher.unfreeze` [regulator]: lifts the freeze order placed on this voucher. */
import { event, refuse, requireVoucher, subtree, type Decider } from './shared.ts';

export const decideVoucherUnfreeze: Decider<'voucher.unfreeze'> = ({ voucherId, reason }, { state, at }) => {
  const v = requireVoucher(state, voucherId);
  if (v.freezeOrder === null) refuse('voucherNotFrozenByThisOrder', `there is no freeze order on voucher ${voucherId}`);
  // An ancestor's order still in force keeps the vouchers frozen, now under that order.
  let holdingOrder: string | null = null;
  for (let up = v.parentId; up !== null; ) {
    const ancestor = requireVoucher(state, up);
    if (ancestor.freezeOrder !== null) {
      holdingOrder = ancestor.voucherId;
      break;
    }
    up = ancestor.parentId;
  }
  const held = subtree(state, voucherId).filter((x) => x.status === 'frozen' && x.frozenBy === voucherId);
  const restored = holdingOrder === null ? held.map((x) => ({ voucherId: x.voucherId, status: x.statusBeforeFreeze! })) : [];
  const reassigned = holdingOrder === null ? [] : held.map((x) => ({ voucherId: x.voucherId, frozenBy: holdingOrder! }));
  return [event('VoucherUnfrozen', { voucherId, rootId: v.rootId, reason, restored, reassigned, at })];
};
