/**
 * `financing.request` [the holder]: asks one funder to finance an active voucher under one of its
 * products, stating the most it accepts (the funder cannot approve a dearer price).
 */
import { Amount } from '@cascade/money';
import { event, requireActive, requireBeforeMaturity, requireEntitled, requireParty, requireRole, requireVoucher, type Decider } from './shared.ts';

export const decideFinancingRequest: Decider<'financing.request'> = (p, { state, actor, at, today }) => {
  const maxFees = Amount.parse(p.maxFees);
  requireRole(requireParty(state, p.funder, 'funder'), ['funder'], 'funder');
  const v = requireVoucher(state, p.voucherId);
  requireEntitled(actor, v.holder, `the holder of voucher ${v.voucherId}`);
  requireActive(v);
  requireBeforeMaturity(v, today);
  return [
    event('FinancingRequested', { voucherId: p.voucherId, rootId: v.rootId, holder: actor, funder: p.funder, productId: p.productId, maxAnnualRate: p.maxAnnualRate, maxFees: maxFees.toString(), amount: v.amount, at }),
  ];
};
