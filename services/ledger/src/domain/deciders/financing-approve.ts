/**
 * `financing.approve` [the funder the request names]: the voucher moves to the funder and the
 * disbursement is recorded: interest = amount × rate × days / 360 (half-up to 0.01), net =
 * amount − interest − fees.
 */
import { Amount, discountInterest, parseAnnualRate } from '@cascade/money';
import { financingFeeMax } from '../policy.ts';
import { daysBetween } from '../time.ts';
import { event, refuse, requireBeforeMaturity, requireEntitled, requireVoucher, type Decider } from './shared.ts';

export const decideFinancingApprove: Decider<'financing.approve'> = (p, { state, actor: a, at, today, policy }) => {
  const { voucherId, annualRate } = p;
  const fees = Amount.parse(p.fees);
  const v = requireVoucher(state, voucherId);
  // The entitled funder is the one the pending request names; without a request any funder learns only that.
  if (v.financingRequest !== null) requireEntitled(a, v.financingRequest.funder, `the funder asked to finance voucher ${v.voucherId}`);
  if (v.status === 'frozen') refuse('voucherFrozen', `voucher ${v.voucherId} is frozen`);
  if (v.status !== 'pending_financing' || v.financingRequest === null) refuse('voucherNotPendingFinancing', `voucher ${v.voucherId} is ${v.status}`);
  requireBeforeMaturity(v, today);
  const amount = Amount.parse(v.amount);
  const feeCap = financingFeeMax(policy, amount);
  if (fees.gt(feeCap)) refuse('feeAboveCap', `fees ${fees} exceed the cap ${feeCap} (${policy.financingFeeRateMax} of ${amount})`);
  // The funder alone does not set the price: the holder's request bounds it.
  const asked = v.financingRequest;
  if (parseAnnualRate(annualRate).gt(parseAnnualRate(asked.maxAnnualRate)) || fees.gt(Amount.parse(asked.maxFees))) {
    refuse('financingTermsBeyondRequest', `rate ${annualRate} and fees ${fees} exceed what the holder accepted: at most ${asked.maxAnnualRate} a year and ${asked.maxFees} in fees`);
  }
  const days = daysBetween(today, v.maturityDate);
  const interest = discountInterest(amount, annualRate, days);
  const discount = interest.plus(fees);
  if (discount.gt(amount)) refuse('discountExceedsAmount', `interest ${interest} plus fees ${fees} exceed the amount ${amount}`);
  const net = amount.minus(discount);
  return [
    event('VoucherFinanced', {
      voucherId,
      rootId: v.rootId,
      amount: v.amount,
      terms: { funder: a, seller: v.holder, productId: asked.productId, annualRate, days, interest: interest.toString(), fees: fees.toString(), net: net.toString(), financedOn: today },
      at,
    }),
  ];
};
