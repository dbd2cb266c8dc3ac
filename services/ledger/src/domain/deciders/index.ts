/** One decider per command type; `decide` dispatches to them after the envelope and authority checks. */
import type { CommandType } from '../commands.ts';
import { decideCreditLineSet } from './credit-line-set.ts';
import { decideFinancingApprove } from './financing-approve.ts';
import { decideFinancingReject } from './financing-reject.ts';
import { decideFinancingRequest } from './financing-request.ts';
import { decideFinancingWithdraw } from './financing-withdraw.ts';
import { decideKeyAdd } from './key-add.ts';
import { decideKeyRevoke } from './key-revoke.ts';
import { decidePartyRegister } from './party-register.ts';
import { decidePolicyChange } from './policy-change.ts';
import type { Decider } from './shared.ts';
import { decideVoucherAccept } from './voucher-accept.ts';
import { decideVoucherCancel } from './voucher-cancel.ts';
import { decideVoucherExpireAcceptance } from './voucher-expire-acceptance.ts';
import { decideVoucherFreeze } from './voucher-freeze.ts';
import { decideVoucherIssue } from './voucher-issue.ts';
import { decideVoucherMarkOverdue } from './voucher-mark-overdue.ts';
import { decideVoucherReject } from './voucher-reject.ts';
import { decideVoucherRevoke } from './voucher-revoke.ts';
import { decideVoucherSettle } from './voucher-settle.ts';
import { decideVoucherTransfer } from './voucher-transfer.ts';
import { decideVoucherUnfreeze } from './voucher-unfreeze.ts';

export const deciders: { readonly [T in CommandType]: Decider<T> } = {
  'party.register': decidePartyRegister,
  'key.add': decideKeyAdd,
  'key.revoke': decideKeyRevoke,
  'creditLine.set': decideCreditLineSet,
  'voucher.issue': decideVoucherIssue,
  'voucher.accept': decideVoucherAccept,
  'voucher.reject': decideVoucherReject,
  'voucher.cancel': decideVoucherCancel,
  'voucher.transfer': decideVoucherTransfer,
  'voucher.revoke': decideVoucherRevoke,
  'financing.request': decideFinancingRequest,
  'financing.approve': decideFinancingApprove,
  'financing.reject': decideFinancingReject,
  'financing.withdraw': decideFinancingWithdraw,
  'voucher.settle': decideVoucherSettle,
  'voucher.freeze': decideVoucherFreeze,
  'voucher.unfreeze': decideVoucherUnfreeze,
  'voucher.expireAcceptance': decideVoucherExpireAcceptance,
  'voucher.markOverdue': decideVoucherMarkOverdue,
  'policy.change': decidePolicyChange,
};
