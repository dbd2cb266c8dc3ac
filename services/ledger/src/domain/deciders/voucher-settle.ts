/**
 * `voucher.settle` [the issuer of the root]: at or after maturity, against a payment reference,
 * pays every live unpaid leaf of the tree to its current holder; a partial payment is applied pro
 * rata (largest remainder) and leaves the rest overdue.
 */
import { Amount, allocate } from '@cascade/money';
import type { VoucherStatus } from '../entities.ts';
import type { LedgerEvent } from '../events.ts';
import { event, refuse, requireEntitled, requireVoucher, settlementsPerTreeMax, unpaidLeaves, type Decider } from './shared.ts';

export const decideVoucherSettle: Decider<'voucher.settle'> = (p, { state, actor: a, at, today }) => {
  const { rootId, paymentReference } = p;
  const paid = Amount.parse(p.paidAmount);
  const root = requireVoucher(state, rootId);
  requireEntitled(a, root.issuer, `the issuer of voucher ${rootId}`);
  const unpaid = unpaidLeaves(state, root);
  if (unpaid.length === 0) refuse('treeAlreadySettled', `every voucher of tree ${rootId} is paid`);
  if (today < root.maturityDate) refuse('settlementBeforeMaturity', `tree ${rootId} matures on ${root.maturityDate}; today is ${today}`);
  if (root.paymentReferences.length >= settlementsPerTreeMax) refuse('tooManySettlements', `tree ${rootId} already has ${settlementsPerTreeMax} settlements`);
  // One bank payment settles one thing: a reference is unique per payer across the platform.
  if (state.paymentReferenceUsed(root.issuer, paymentReference)) refuse('paymentReferenceAlreadyUsed', `${root.issuer} already cited payment ${paymentReference} in a settlement`);
  if (paid.isZero()) refuse('paymentMustBePositive', 'the paid amount is 0.00');
  const owed = Amount.sum(unpaid.map((v) => Amount.parse(v.outstanding)));
  if (paid.gt(owed)) refuse('paymentExceedsOutstanding', `paid ${paid} exceeds the ${owed} tree ${rootId} still owes`);
  const shares = allocate(paid, unpaid.map((v) => Amount.parse(v.outstanding)));
  const payouts = unpaid.map((v, i) => {
    const share = shares[i]!;
    const after = Amount.parse(v.outstanding).minus(share);
    const pending = v.status === 'pending_acceptance';
    return {
      voucherId: v.voucherId,
      holder: pending ? v.sender : v.holder,
      wasPendingAcceptance: pending,
      amount: share.toString(),
      outstandingAfter: after.toString(),
      statusAfter: (after.isZero() ? 'settled' : 'overdue') as VoucherStatus,
    };
  });
  const totals = new Map<string, Amount>();
  for (const x of payouts) totals.set(x.holder, (totals.get(x.holder) ?? Amount.zero).plus(Amount.parse(x.amount)));
  const holderTotals = [...totals.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([holder, amount]) => ({ holder, amount: amount.toString() }));
  const events: LedgerEvent[] = [
    event('VoucherSettled', {
      rootId,
      issuer: a,
      paymentReference,
      paidAmount: paid.toString(),
      payouts,
      holderTotals,
      creditLineRestored: root.creditLineFunder === null ? null : { funder: root.creditLineFunder, issuer: a, amount: paid.toString() },
      at,
    }),
  ];
  const left = payouts.filter((x) => x.statusAfter === 'overdue');
  if (left.length > 0) {
    events.push(event('VoucherOverdue', { rootId, leaves: left.map((x) => ({ voucherId: x.voucherId, holder: x.holder, outstanding: x.outstandingAfter, wasPendingAcceptance: false })), at }));
  }
  return events;
};
