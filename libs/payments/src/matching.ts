/**
 * Matching what a bank says it booked against what the platform expected to be paid: settlement
 * legs (兑付/清分) and financing disbursements (放款), each keyed by the end-to-end id the
 * platform put in its pain.001. Both camt.054 and the CSV template come down to the same
 * `NotifiedPayment`, so the rules live once, here.
 *
 * Nothing is guessed: an entry matches only when end-to-end id, currency, amount and payee
 * account all agree. A known end-to-end id with another amount is `partial`, with both amounts
 * and the difference, and is left for a person to resolve; any other disagreement leaves the
 * notification unmatched with a reason, and the expected item stays unpaid.
 */
import { Amount, fenText } from '@cascade/money';
import { normaliseAccountId } from './accounts.ts';
import { PaymentFileError } from './errors.ts';

export type CreditDebit = 'CRDT' | 'DBIT';

/** One booked movement as a bank reported it, whatever the file format. */
export interface NotifiedPayment {
  /** Where it came from, for people: `camt.054 <MsgId> entry 3 tx 1`, `csv row 7`. */
  readonly source: string;
  /** The end-to-end id the bank carried through, when it did. */
  readonly endToEndId: string | undefined;
  /** Amount, exactly two decimals (the bank's own spelling is normalised; more than two decimals is refused). */
  readonly amount: string;
  /** ISO 4217 code as reported. */
  readonly currency: string;
  /** `CRDT`: money came into `account`; `DBIT`: money left it. */
  readonly creditDebit: CreditDebit;
  /** Booking date, `YYYY-MM-DD`; undefined when the bank gave none. */
  readonly bookingDate: string | undefined;
  /** The account the notification is about (the platform-side account: `Ntfctn/Acct`). */
  readonly account: string;
  /** The other side's account: the creditor's on a debit, the debtor's on a credit; undefined when not reported. */
  readonly counterpartyAccount: string | undefined;
  /** The bank's reference: `AcctSvcrRef`, else `TxId`, else the entry's `AcctSvcrRef`. */
  readonly bankReference: string | undefined;
  /** True for a reversal (`RvslInd`), which undoes an earlier entry and never pays anything. */
  readonly reversal: boolean;
  /** True when the entry is booked (`Sts/Cd` BOOK); pending or information-only entries pay nothing yet. */
  readonly booked: boolean;
}

/** What the platform expects to see paid. */
export interface ExpectedPayment {
  /** The end-to-end id written into the pain.001 transfer. */
  readonly endToEndId: string;
  /** Amount in CNY, exactly two decimals. */
  readonly amount: string;
  /** The payee's account (for a settlement leg the holder's; for money the platform receives, its own). */
  readonly payeeAccount: string;
}

export interface MatchedPayment {
  readonly expected: ExpectedPayment;
  readonly notified: NotifiedPayment;
}

export interface PartialPayment {
  readonly expected: ExpectedPayment;
  readonly notified: NotifiedPayment;
  /** Notified minus expected, signed, two decimals. */
  readonly difference: string;
}

export type UnmatchedReason =
  | 'endToEndIdMissing'
  | 'endToEndIdUnknown'
  | 'entryNotBooked'
  | 'entryIsReversal'
  | 'currencyIsNotCny'
  | 'payeeAccountMissing'
  | 'payeeAccountDiffers'
  | 'expectedAlreadyNotified';

export interface UnmatchedNotification {
  readonly notified: NotifiedPayment;
  readonly reason: UnmatchedReason;
  /** The expected item it named, when its end-to-end id was known. */
  readonly expected?: ExpectedPayment;
}

export interface MatchReport {
  readonly matched: readonly MatchedPayment[];
  readonly partial: readonly PartialPayment[];
  readonly unmatched: readonly UnmatchedNotification[];
  /** Expected items no notification paid, in the order given. */
  readonly notPaid: readonly ExpectedPayment[];
}

/** The payee of a movement: on a debit of the platform-side account the creditor, on a credit the account itself. */
function payeeAccountOf(n: NotifiedPayment): string | undefined {
  return n.creditDebit === 'DBIT' ? n.counterpartyAccount : n.account;
}

/**
 * Matches notifications to expected payments. Each notification is judged in order: reversal,
 * not booked, no end-to-end id, unknown id, already notified, currency, payee account, amount.
 * @throws PaymentFileError expectedEndToEndIdMustBeUnique, amountMustBeTwoDecimalCny (bad expected amount)
 */
export function matchPayments(notifications: readonly NotifiedPayment[], expected: readonly ExpectedPayment[]): MatchReport {
  const byId = new Map<string, ExpectedPayment>();
  for (const e of expected) {
    if (byId.has(e.endToEndId)) throw new PaymentFileError('expectedEndToEndIdMustBeUnique', `expected end-to-end id ${JSON.stringify(e.endToEndId)} is listed twice`);
    if (!Amount.isValid(e.amount)) throw new PaymentFileError('amountMustBeTwoDecimalCny', `expected ${e.endToEndId} amount ${JSON.stringify(e.amount)} is not a two-decimal amount`);
    byId.set(e.endToEndId, e);
  }
  const matched: MatchedPayment[] = [];
  const partial: PartialPayment[] = [];
  const unmatched: UnmatchedNotification[] = [];
  const settled = new Set<string>();

  for (const n of notifications) {
    if (n.reversal) {
      unmatched.push({ notified: n, reason: 'entryIsReversal' });
      continue;
    }
    if (!n.booked) {
      unmatched.push({ notified: n, reason: 'entryNotBooked' });
      continue;
    }
    if (n.endToEndId === undefined || n.endToEndId === '' || n.endToEndId === 'NOTPROVIDED') {
      unmatched.push({ notified: n, reason: 'endToEndIdMissing' });
      continue;
    }
    const e = byId.get(n.endToEndId);
    if (e === undefined) {
      unmatched.push({ notified: n, reason: 'endToEndIdUnknown' });
      continue;
    }
    if (settled.has(e.endToEndId)) {
      unmatched.push({ notified: n, reason: 'expectedAlreadyNotified', expected: e });
      continue;
    }
    if (n.currency !== 'CNY') {
      unmatched.push({ notified: n, reason: 'currencyIsNotCny', expected: e });
      continue;
    }
    const payee = payeeAccountOf(n);
    if (payee === undefined) {
      unmatched.push({ notified: n, reason: 'payeeAccountMissing', expected: e });
      continue;
    }
    if (normaliseAccountId(payee) !== normaliseAccountId(e.payeeAccount)) {
      unmatched.push({ notified: n, reason: 'payeeAccountDiffers', expected: e });
      continue;
    }
    settled.add(e.endToEndId);
    const differenceFen = Amount.parse(n.amount).toFen() - Amount.parse(e.amount).toFen();
    if (differenceFen === 0n) matched.push({ expected: e, notified: n });
    else partial.push({ expected: e, notified: n, difference: fenText(differenceFen) });
  }
  const notPaid = expected.filter((e) => !settled.has(e.endToEndId));
  return { matched, partial, unmatched, notPaid };
}
