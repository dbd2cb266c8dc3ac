/** `voucher.transfer` [the holder]: splits an active voucher into pieces for recipients and a remainder it keeps. */
import { Amount, fenText } from '@cascade/money';
import type { Voucher, VoucherStatus } from '../entities.ts';
import { event, refuse, requireActive, requireBeforeMaturity, requireEntitled, requireParty, requireRole, requireVoucher, type Decider } from './shared.ts';

export const decideVoucherTransfer: Decider<'voucher.transfer'> = (p, { state, actor: a, now, at, today, policy }) => {
  const { voucherId } = p;
  const pieces = p.pieces.map((x) => ({ childId: x.childId, recipient: x.recipient, amount: Amount.parse(x.amount) }));
  const remainder = p.remainder ? { childId: p.remainder.childId, amount: Amount.parse(p.remainder.amount) } : null;
  const recipients = pieces.map((x) => requireParty(state, x.recipient, 'recipient'));
  for (const r of recipients) requireRole(r, ['supplier', 'core'], 'recipient');
  const childIds = [...pieces.map((x) => x.childId), ...(remainder === null ? [] : [remainder.childId])];
  const v = requireVoucher(state, voucherId);
  requireEntitled(a, v.holder, `the holder of voucher ${v.voucherId}`);
  // Only the holder learns whether an id is taken: checked before entitlement, this let anyone
  // probe which voucher ids exist.
  for (const id of childIds) if (state.voucher(id) !== undefined) refuse('voucherIdTaken', `voucher id ${id} is taken`);
  if (new Set(childIds).size !== childIds.length || childIds.includes(voucherId)) refuse('duplicateVoucherId', 'a child id appears twice');
  requireActive(v);
  for (const piece of pieces) if (piece.recipient === a) refuse('recipientIsHolder', `${a} cannot transfer to itself`);
  const pieceMin = Amount.parse(policy.pieceMin);
  for (const x of [...pieces, ...(remainder === null ? [] : [remainder])]) {
    if (x.amount.lt(pieceMin)) refuse('pieceBelowMinimum', `child ${x.childId} amount ${x.amount} is below the minimum piece ${policy.pieceMin}`);
  }
  if (childIds.length > policy.childrenPerTransferMax) refuse('tooManyChildren', `${childIds.length} children exceed the policy maximum of ${policy.childrenPerTransferMax}`);
  if (v.tier + 1 > policy.treeDepthMax) refuse('treeDepthBeyondPolicy', `children would be tier ${v.tier + 1}; the policy allows ${policy.treeDepthMax}`);
  // Compared in fen: pieces can sum past the amount limit, which must be a refusal, not a throw.
  const totalFen = Amount.sumFen([...pieces.map((x) => x.amount), ...(remainder === null ? [] : [remainder.amount])]);
  if (totalFen !== Amount.parse(v.amount).toFen()) refuse('childrenMustSumToParent', `children sum to ${fenText(totalFen)}; voucher ${v.voucherId} is ${v.amount}`);
  requireBeforeMaturity(v, today);
  const deadline = new Date(now.getTime() + policy.acceptancePeriodMs).toISOString();
  const child = (childId: string, holder: string, amount: Amount, status: VoucherStatus, acceptanceDeadline: string | null): Voucher => ({
    voucherId: childId,
    rootId: v.rootId,
    parentId: v.voucherId,
    issuer: v.issuer,
    holder,
    sender: a,
    amount: amount.toString(),
    issueDate: v.issueDate,
    maturityDate: v.maturityDate,
    tier: v.tier + 1,
    backing: [],
    creditLineFunder: null,
    status,
    statusBeforeFreeze: null,
    frozenBy: null,
    freezeOrder: null,
    acceptanceDeadline,
    financingRequest: null,
    financing: null,
    outstanding: amount.toString(),
    returnOf: null,
    paymentReferences: [],
    createdAt: at,
  });
  const children = pieces.map((x) => child(x.childId, x.recipient, x.amount, 'pending_acceptance', deadline));
  if (remainder !== null) children.push(child(remainder.childId, a, remainder.amount, 'active', null));
  return [event('VoucherTransferred', { parentId: v.voucherId, rootId: v.rootId, holder: a, amount: v.amount, children, at })];
};
