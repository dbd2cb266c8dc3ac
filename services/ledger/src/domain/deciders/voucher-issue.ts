/** `voucher.issue` [the issuer, a core enterprise]: issues a voucher to a supplier against confirmed payables. */
import { Amount, fenText } from '@cascade/money';
import type { Backing, Voucher } from '../entities.ts';
import type { LedgerEventData } from '../events.ts';
import { addDays, addMonths, isCalendarDate } from '../time.ts';
import { event, refuse, requireParty, requireRole, type Decider } from './shared.ts';

export const decideVoucherIssue: Decider<'voucher.issue'> = (p, { state, actor: a, now, at, today, policy }) => {
  // The schema checks the date's shape; only a calendar can say 2026-02-30 does not exist.
  if (!isCalendarDate(p.maturityDate)) refuse('payloadMalformed', `payload.maturityDate must be a YYYY-MM-DD date, got ${JSON.stringify(p.maturityDate)}`);
  const { voucherId, holder, maturityDate } = p;
  const amount = Amount.parse(p.amount);
  const backing = p.backing.map((b) => ({ payableId: b.payableId, amount: Amount.parse(b.amount) }));
  const funder = p.creditLineFunder ?? null;

  const holderParty = requireParty(state, holder, 'holder');
  const funderParty = funder === null ? null : requireParty(state, funder, 'credit line funder');
  requireRole(holderParty, ['supplier', 'core'], 'holder');
  if (funderParty !== null) requireRole(funderParty, ['funder'], 'credit line funder');
  if (state.voucher(voucherId) !== undefined) refuse('voucherIdTaken', `voucher id ${voucherId} is taken`);

  if (holder === a) refuse('holderIsIssuer', `${a} cannot issue a voucher to itself`);
  if (backing.length > policy.backingPayablesMax) refuse('tooManyPayables', `${backing.length} payables exceed the policy maximum of ${policy.backingPayablesMax}`);
  if (new Set(backing.map((b) => b.payableId)).size !== backing.length) refuse('duplicatePayable', 'a payable appears twice in the backing');
  for (const b of backing) {
    const payable = state.payable(b.payableId);
    if (payable === undefined) refuse('unknownPayable', `payable ${b.payableId} is not recorded`);
    if (payable.debtor !== a || payable.creditor !== holder) {
      refuse('payableNotBetweenParties', `payable ${b.payableId} is owed by ${payable.debtor} to ${payable.creditor}, not by ${a} to ${holder}`);
    }
    if (b.amount.gt(Amount.parse(payable.remaining))) {
      refuse('payableRemainderExceeded', `backing ${b.amount} exceeds the ${payable.remaining} remaining of payable ${b.payableId}`);
    }
  }
  // Compared in fen: two valid backings can sum past the amount limit.
  const backedFen = Amount.sumFen(backing.map((b) => b.amount));
  if (backedFen !== amount.toFen()) refuse('backingMustSumToAmount', `backing sums to ${fenText(backedFen)}, the voucher amount is ${amount}`);
  if (amount.lt(Amount.parse(policy.pieceMin))) refuse('pieceBelowMinimum', `amount ${amount} is below the minimum piece ${policy.pieceMin}`);
  if (maturityDate <= today) refuse('maturityNotAfterIssue', `maturity ${maturityDate} is not after the issue date ${today}`);
  const latest = addMonths(today, policy.maturityMonthsMax);
  if (maturityDate > latest) refuse('maturityBeyondPolicy', `maturity ${maturityDate} is after ${latest}, ${policy.maturityMonthsMax} months from issue`);
  let creditLineUsed: LedgerEventData['VoucherIssued']['creditLineUsed'] = null;
  if (funder !== null) {
    const line = state.creditLine(funder, a);
    if (line === undefined) refuse('unknownCreditLine', `${funder} has no credit line for ${a}`);
    const lineLatest = addDays(today, line.termDays);
    if (maturityDate > lineLatest) refuse('maturityBeyondCreditLineTerm', `maturity ${maturityDate} is after ${lineLatest}, the end of the line's ${line.termDays}-day term`);
    const available = Amount.parse(line.limit).minusSigned(Amount.parse(line.used));
    if (available.lt(amount)) refuse('creditLineExhausted', `the line of ${funder} to ${a} has ${available.isNegative() ? '0.00' : available} available, ${amount} needed`);
    creditLineUsed = { funder, issuer: a, amount: amount.toString() };
  }
  const consumedBacking: Backing[] = backing.map((b) => ({ payableId: b.payableId, amount: b.amount.toString() }));
  const voucher: Voucher = {
    voucherId,
    rootId: voucherId,
    parentId: null,
    issuer: a,
    holder,
    sender: a,
    amount: amount.toString(),
    issueDate: today,
    maturityDate,
    tier: 1,
    backing: consumedBacking,
    creditLineFunder: funder,
    status: 'pending_acceptance',
    statusBeforeFreeze: null,
    frozenBy: null,
    freezeOrder: null,
    acceptanceDeadline: new Date(now.getTime() + policy.acceptancePeriodMs).toISOString(),
    financingRequest: null,
    financing: null,
    outstanding: amount.toString(),
    returnOf: null,
    paymentReferences: [],
    createdAt: at,
  };
  return [event('VoucherIssued', { voucher, consumedBacking: consumedBacking.map((b) => ({ ...b })), creditLineUsed })];
};
