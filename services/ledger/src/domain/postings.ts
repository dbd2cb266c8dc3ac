/**
 * Double-entry postings derived from each event alone. Every event's postings sum to zero per
 * currency, so the balances of all accounts always sum to zero.
 *
 * Sign convention: a positive balance is what the account's owner is owed or holds (an asset), a
 * negative one what it owes. Accounts (party ids contain no ':'):
 *
 *   receivable:<creditor>            confirmed payables not yet turned into vouchers
 *   payable:<issuer>                 what the issuer owes under confirmed payables (negative)
 *   pendingAcceptance:<owner>        value offered and not yet accepted, owned by the party it returns to
 *   vouchers:<holder>                accepted vouchers held (outstanding value)
 *   cash:<party>                     money moved through the platform: disbursements and settlements
 *   interestIncome:<funder> / interestExpense:<seller>   discount interest
 *   feeIncome:<funder> / feeExpense:<seller>             financing fees
 *
 * Credit lines are memo accounts in the separate currency `CNY-line`, so they never mix with
 * money: creditLineLimit:<funder>:<issuer> (negative: the granted limit) against
 * creditLineAvailable:<funder>:<issuer> and creditLineUsed:<funder>:<issuer>.
 */
import { Amount } from '@cascade/money';
import type { LedgerEvent } from './events.ts';

export type Currency = 'CNY' | 'CNY-line';

export interface Posting {
  account: string;
  currency: Currency;
  /** Signed, two decimals. */
  amount: string;
}

class Postings {
  readonly list: Posting[] = [];

  /** Moves `amount` from `from` to `to` (from is debited negative, to credited positive). */
  move(from: string, to: string, amount: string | Amount, currency: Currency = 'CNY'): this {
    const a = typeof amount === 'string' ? Amount.parse(amount) : amount;
    if (a.isZero()) return this;
    this.list.push({ account: from, currency, amount: a.negated().toString() }, { account: to, currency, amount: a.toString() });
    return this;
  }
}

export function postingsFor(event: LedgerEvent): Posting[] {
  const p = new Postings();
  switch (event.type) {
    case 'PolicyChanged':
    case 'PartyRegistered':
    case 'KeyAdded':
    case 'KeyRevoked':
    case 'FinancingRequested':
    case 'FinancingRejected':
    case 'FinancingWithdrawn':
    case 'VoucherFrozen':
    case 'VoucherUnfrozen':
      break;
    case 'VoucherOverdue':
      // An unaccepted child caught by maturity is deemed revoked: its value becomes the sender's holding.
      for (const x of event.data.leaves) {
        if (x.wasPendingAcceptance) p.move(`pendingAcceptance:${x.holder}`, `vouchers:${x.holder}`, x.outstanding);
      }
      break;
    case 'PayableRecorded':
      p.move(`payable:${event.data.debtor}`, `receivable:${event.data.creditor}`, event.data.amount);
      break;
    case 'CreditLineChanged': {
      const d = event.data;
      const delta = Amount.parse(d.limit).minusSigned(Amount.parse(d.previousLimit));
      const limit = `creditLineLimit:${d.funder}:${d.issuer}`;
      const available = `creditLineAvailable:${d.funder}:${d.issuer}`;
      if (delta.isNegative()) p.move(available, limit, delta.negated(), 'CNY-line');
      else p.move(limit, available, delta, 'CNY-line');
      break;
    }
    case 'VoucherIssued': {
      const v = event.data.voucher;
      p.move(`receivable:${v.holder}`, `pendingAcceptance:${v.holder}`, v.amount);
      const line = event.data.creditLineUsed;
      if (line !== null) p.move(`creditLineAvailable:${line.funder}:${line.issuer}`, `creditLineUsed:${line.funder}:${line.issuer}`, line.amount, 'CNY-line');
      break;
    }
    case 'VoucherAccepted':
      p.move(`pendingAcceptance:${event.data.owner}`, `vouchers:${event.data.holder}`, event.data.amount);
      break;
    case 'VoucherRejected':
    case 'VoucherCancelled':
    case 'TransferRevoked':
    case 'AcceptanceExpired': {
      const d = event.data;
      // A root goes back to the holder's receivable (payables restored); a child back to the sender's vouchers.
      p.move(`pendingAcceptance:${d.owner}`, d.returnVoucherId === null ? `receivable:${d.owner}` : `vouchers:${d.owner}`, d.amount);
      const line = d.creditLineRestored;
      if (line !== null) p.move(`creditLineUsed:${line.funder}:${line.issuer}`, `creditLineAvailable:${line.funder}:${line.issuer}`, line.amount, 'CNY-line');
      break;
    }
    case 'VoucherTransferred': {
      const d = event.data;
      for (const child of d.children) {
        if (child.status === 'pending_acceptance') p.move(`vouchers:${d.holder}`, `pendingAcceptance:${d.holder}`, child.amount);
      }
      break;
    }
    case 'VoucherFinanced': {
      const { terms, amount } = event.data;
      p.move(`vouchers:${terms.seller}`, `vouchers:${terms.funder}`, amount);
      p.move(`cash:${terms.funder}`, `cash:${terms.seller}`, terms.net);
      p.move(`interestIncome:${terms.funder}`, `interestExpense:${terms.seller}`, terms.interest);
      p.move(`feeIncome:${terms.funder}`, `feeExpense:${terms.seller}`, terms.fees);
      break;
    }
    case 'VoucherSettled': {
      const d = event.data;
      p.move(`cash:${d.issuer}`, `payable:${d.issuer}`, d.paidAmount);
      for (const x of d.payouts) {
        // An unaccepted child is deemed revoked: all of it becomes the sender's holding, then is paid from there.
        if (x.wasPendingAcceptance) p.move(`pendingAcceptance:${x.holder}`, `vouchers:${x.holder}`, Amount.parse(x.amount).plus(Amount.parse(x.outstandingAfter)));
        p.move(`vouchers:${x.holder}`, `cash:${x.holder}`, x.amount);
      }
      const line = d.creditLineRestored;
      if (line !== null) p.move(`creditLineUsed:${line.funder}:${line.issuer}`, `creditLineAvailable:${line.funder}:${line.issuer}`, line.amount, 'CNY-line');
      break;
    }
  }
  return p.list;
}

/** Adds postings into running balances (account → fen per currency). */
export function applyPostings(balances: Map<string, bigint>, postings: readonly Posting[]): void {
  for (const x of postings) {
    const key = `${x.currency} ${x.account}`;
    balances.set(key, (balances.get(key) ?? 0n) + Amount.parseSigned(x.amount).toFen());
  }
}
