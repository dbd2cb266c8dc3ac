/**
 * Payment files as pure functions: which money the ledger's events say must move between whose
 * bank accounts (a financing's disbursement 放款, a settlement's payouts 兑付/清分), how a tick's
 * due entries become one pain.001 batch per paying party, why an entry waits, and how a bank's
 * notification, matched by `@cascade/payments`, reads as a report. Time is given, never read;
 * amounts stay two-decimal strings (summed in fen by the library).
 */
import { createHash } from 'node:crypto';
import { Amount, fenText } from '@cascade/money';
import {
  accountKey,
  checkAccount,
  checkAgent,
  checkText,
  normaliseAccountId,
  type AccountRef,
  type AgentRef,
  type CreditTransferBatch,
  type MatchReport,
  type NotifiedPayment,
  type UnmatchedReason,
} from '@cascade/payments';
import type { LedgerEventIn } from './planning.ts';

export type PaymentEntryKind = 'disbursement' | 'payout';
export type PaymentEntryState = 'planned' | 'filed' | 'paid' | 'partial';

/** A party's registered settlement account: where it is paid, and what it pays from. */
export interface BankAccount {
  partyId: string;
  /** Domestic account number (银行账号) or IBAN. */
  account: AccountRef;
  /** The servicing bank: CNAPS participant number (行号) or BIC. */
  agent: AgentRef;
  /** The account holder's name as the bank knows it (户名); written as the party's name in files. */
  accountName: string;
}

/** Money one event says must move from `debtor`'s account to `creditor`'s. */
export interface PlannedPaymentEntry {
  /** `disburse:<voucherId>` or `payout:<rootId>:<paymentReference>:<holder>`: what it pays, so an event seen twice plans it once. */
  id: string;
  kind: PaymentEntryKind;
  debtor: string;
  creditor: string;
  /** CNY, exactly two decimals, at least 0.01. */
  amount: string;
  /** ≤ 35 characters, derived from `id`: the key a bank's notification is matched on. */
  endToEndId: string;
  voucherId: string | null;
  rootId: string;
  /** The settlement's payment reference, or the financing product: a remittance line for people. */
  reference: string;
}

/** Most transfers one file carries; a debtor with more due at one tick gets several files. */
export const transfersPerFileMax = 1_000;
const endToEndHexLength = 33;

/** `D-` (disbursement) or `S-` (settlement payout) and 33 hex digits of the entry id's SHA-256: 35 characters, stable. */
export function endToEndIdOf(kind: PaymentEntryKind, entryId: string): string {
  return `${kind === 'disbursement' ? 'D' : 'S'}-${createHash('sha256').update(entryId).digest('hex').slice(0, endToEndHexLength)}`;
}

interface FinancingTermsIn {
  funder: string;
  seller: string;
  productId: string;
  net: string;
}
interface PayoutIn {
  holder: string;
  amount: string;
}

const positive = (amount: string) => Amount.parse(amount).toFen() > 0n;

/**
 * The payment entries an event plans:
 * - `VoucherFinanced`: the funder pays the seller the net proceeds (amount − interest − fees);
 * - `VoucherSettled`: the issuer pays each holder the sum of its leaves (`holderTotals`).
 * Nothing is planned for an amount of 0.00 (nothing moves) or a payment to oneself.
 */
export function paymentEntriesPlannedBy(event: LedgerEventIn): PlannedPaymentEntry[] {
  const entries: Omit<PlannedPaymentEntry, 'endToEndId'>[] = [];
  if (event.type === 'VoucherFinanced') {
    const d = event.data as { voucherId: string; rootId: string; terms: FinancingTermsIn };
    entries.push({ id: `disburse:${d.voucherId}`, kind: 'disbursement', debtor: d.terms.funder, creditor: d.terms.seller, amount: d.terms.net, voucherId: d.voucherId, rootId: d.rootId, reference: d.terms.productId });
  }
  if (event.type === 'VoucherSettled') {
    const d = event.data as { rootId: string; issuer: string; paymentReference: string; holderTotals: PayoutIn[] };
    for (const t of d.holderTotals) {
      entries.push({ id: `payout:${d.rootId}:${d.paymentReference}:${t.holder}`, kind: 'payout', debtor: d.issuer, creditor: t.holder, amount: t.amount, voucherId: null, rootId: d.rootId, reference: d.paymentReference });
    }
  }
  return entries.filter((e) => e.debtor !== e.creditor && positive(e.amount)).map((e) => ({ ...e, endToEndId: endToEndIdOf(e.kind, e.id) }));
}

/** The payment a settlement cites: the issuer says it paid `paidAmount` under this bank reference. */
export interface CitedSettlement {
  issuer: string;
  paymentReference: string;
  rootId: string;
  paidAmount: string;
}

export function settlementCitedBy(event: LedgerEventIn): CitedSettlement | null {
  if (event.type !== 'VoucherSettled') return null;
  const d = event.data as { rootId: string; issuer: string; paymentReference: string; paidAmount: string };
  return { issuer: d.issuer, paymentReference: d.paymentReference, rootId: d.rootId, paidAmount: d.paidAmount };
}

/** What keeps a planned entry out of a file: a party with no registered account. */
export type BlockedReason = 'no bank account';
export interface Blocked {
  blocked: BlockedReason;
  /** Who has to register one. */
  missing: ('debtor' | 'creditor')[];
}

export function blockedBy(entry: { debtor: string; creditor: string }, hasAccount: (partyId: string) => boolean): Blocked | null {
  const missing = [...(hasAccount(entry.debtor) ? [] : ['debtor' as const]), ...(hasAccount(entry.creditor) ? [] : ['creditor' as const])];
  return missing.length === 0 ? null : { blocked: 'no bank account', missing };
}

/** A planned entry due for a file: both its parties have an account. */
export type DueEntry = PlannedPaymentEntry;

/** One file to write: its batch (for `buildPain001`) and the entries it carries. */
export interface PlannedFile {
  debtor: string;
  batch: CreditTransferBatch;
  entryIds: string[];
  /** Entry id → the creditor's account id as written, for matching. */
  payeeAccounts: Map<string, string>;
}

const shanghaiOffsetMs = 8 * 3600_000;
/** The calendar date of an instant in Asia/Shanghai. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + shanghaiOffsetMs).toISOString().slice(0, 10);
}

/** `CSC-` and 31 hex digits of the SHA-256 of the file's end-to-end ids: the same entries give the same message id. */
export function messageIdOf(endToEndIds: readonly string[]): string {
  return `CSC-${createHash('sha256').update([...endToEndIds].sort().join('\n')).digest('hex').slice(0, 31)}`;
}

/**
 * A tick's due entries as files: one per debtor (several when it has more than
 * `transfersPerFileMax`), the debtor's account debited, each entry one transfer to its
 * creditor's account, executed on the tick's date in Shanghai. Every entry given must have both
 * accounts (the caller leaves blocked ones out).
 */
export function filesFor(entries: readonly DueEntry[], accounts: ReadonlyMap<string, BankAccount>, now: Date): PlannedFile[] {
  const byDebtor = new Map<string, DueEntry[]>();
  for (const e of entries) byDebtor.set(e.debtor, [...(byDebtor.get(e.debtor) ?? []), e]);
  const files: PlannedFile[] = [];
  for (const [debtor, due] of [...byDebtor].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const from = accounts.get(debtor);
    if (!from) throw new Error(`invariant broken: debtor ${debtor} has no account but its entries were taken`);
    for (let i = 0; i < due.length; i += transfersPerFileMax) {
      const chunk = due.slice(i, i + transfersPerFileMax);
      const payeeAccounts = new Map<string, string>();
      const transfers = chunk.map((e) => {
        const to = accounts.get(e.creditor);
        if (!to) throw new Error(`invariant broken: creditor ${e.creditor} has no account but entry ${e.id} was taken`);
        payeeAccounts.set(e.id, accountKey(to.account));
        return {
          endToEndId: e.endToEndId,
          amount: e.amount,
          currency: 'CNY' as const,
          creditor: { name: to.accountName },
          creditorAccount: to.account,
          creditorAgent: to.agent,
          remittance: remittanceOf(e),
        };
      });
      const messageId = messageIdOf(chunk.map((e) => e.endToEndId));
      files.push({
        debtor,
        entryIds: chunk.map((e) => e.id),
        payeeAccounts,
        batch: {
          messageId,
          createdAt: now,
          requestedExecutionDate: shanghaiDate(now),
          initiatingParty: { name: from.accountName },
          debtor: { name: from.accountName },
          debtorAccount: from.account,
          debtorAgent: from.agent,
          transfers,
        },
      });
    }
  }
  return files;
}

function remittanceOf(e: DueEntry): string[] {
  return e.kind === 'disbursement'
    ? [`Cascade financing disbursement, voucher ${e.voucherId}`, `product ${e.reference}`.slice(0, 140)]
    : [`Cascade settlement payout, voucher tree ${e.rootId}`, `payment reference ${e.reference}`.slice(0, 140)];
}

/** Limits on what an enterprise registers as its account name. */
export const accountNameLengthMax = 140;

/**
 * A registration as sent, checked with the library's account and agent rules.
 * @throws PaymentFileError ibanMustBeWellFormed | accountNumberMustBeWellFormed | bicMustBeWellFormed | bankCodeMustBeWellFormed | textMustNotBeEmpty | textMustFitLength | textMustHaveNoControlCharacters
 */
export function checkBankAccount(partyId: string, input: { account: AccountRef; agent: AgentRef; accountName: string }): BankAccount {
  const account: AccountRef = 'iban' in input.account ? { iban: input.account.iban.replace(/\s/g, '').toUpperCase() } : { number: input.account.number.replace(/[\s-]/g, '') };
  checkAccount('account', account);
  checkAgent('agent', input.agent);
  const accountName = checkText('accountName', input.accountName, accountNameLengthMax);
  if (input.agent.name !== undefined) checkText('agent.name', input.agent.name, accountNameLengthMax);
  return { partyId, account, agent: input.agent, accountName };
}

/** What is known of the entries a notification names, by end-to-end id. */
export interface KnownEntry {
  id: string;
  endToEndId: string;
  state: PaymentEntryState;
  amount: string;
  payeeAccount: string;
}

export type NotificationUnmatchedReason = UnmatchedReason | 'entryAlreadySettled' | 'settlementAlreadyConfirmed' | 'settlementPayerAccountDiffers';

/** A cited settlement a notification may confirm, with the issuer's registered account (null: none). */
export interface KnownCitedSettlement extends CitedSettlement {
  state: 'cited' | 'confirmed' | 'differs';
  payerAccount: string | null;
}

/** The answer to an import, as stored and returned. */
export interface NotificationReport {
  notificationId: string;
  format: 'camt.054' | 'csv';
  messageId: string | null;
  /** Entries this notification paid in full: now `paid`. */
  matched: { entryId: string; endToEndId: string; amount: string; source: string; bankReference: string | null }[];
  /** Entries it paid another amount: now `partial`, waiting for a person. */
  partial: { entryId: string; endToEndId: string; expected: string; notified: string; difference: string; source: string; bankReference: string | null }[];
  /** Settlements whose cited payment it booked: `confirmed` (the amount cited) or `differs` (another, for a person). */
  settlements: { rootId: string; paymentReference: string; state: 'confirmed' | 'differs'; paidAmount: string; notified: string; difference: string; source: string }[];
  /** Movements it reported that pay no entry and confirm no settlement, each with why. */
  unmatched: { source: string; endToEndId: string | null; amount: string; reason: NotificationUnmatchedReason; entryId: string | null; bankReference: string | null }[];
}

/**
 * Reads the library's match report as what to record: an entry already paid or partly paid by an
 * earlier notification is not paid again (`entryAlreadySettled`); the others are marked. A
 * movement that names no entry of ours but carries, as its bank reference, the payment reference
 * a settlement cited is that settlement's payment when it is a debit of the issuer's registered
 * account: `confirmed` for the amount cited, `differs` (with the difference) for another — a
 * debit from another account is `settlementPayerAccountDiffers`, never guessed to be it.
 */
export function notificationReportOf(
  id: string,
  format: 'camt.054' | 'csv',
  messageId: string | null,
  report: MatchReport,
  known: ReadonlyMap<string, KnownEntry>,
  cited: readonly KnownCitedSettlement[] = [],
): NotificationReport {
  const out: NotificationReport = { notificationId: id, format, messageId, matched: [], partial: [], settlements: [], unmatched: [] };
  const unmatched = (n: NotifiedPayment, reason: NotificationUnmatchedReason, entryId: string | null) =>
    out.unmatched.push({ source: n.source, endToEndId: n.endToEndId ?? null, amount: n.amount, reason, entryId, bankReference: n.bankReference ?? null });
  for (const m of report.matched) {
    const entry = known.get(m.expected.endToEndId)!;
    if (entry.state !== 'filed') unmatched(m.notified, 'entryAlreadySettled', entry.id);
    else out.matched.push({ entryId: entry.id, endToEndId: entry.endToEndId, amount: m.notified.amount, source: m.notified.source, bankReference: m.notified.bankReference ?? null });
  }
  for (const p of report.partial) {
    const entry = known.get(p.expected.endToEndId)!;
    if (entry.state !== 'filed') unmatched(p.notified, 'entryAlreadySettled', entry.id);
    else out.partial.push({ entryId: entry.id, endToEndId: entry.endToEndId, expected: p.expected.amount, notified: p.notified.amount, difference: p.difference, source: p.notified.source, bankReference: p.notified.bankReference ?? null });
  }
  const confirmedNow = new Set<string>();
  for (const u of report.unmatched) {
    const n = u.notified;
    // A payment reference is unique per payer: the one cited by the issuer whose account was debited.
    const candidates = u.reason === 'endToEndIdMissing' || u.reason === 'endToEndIdUnknown' ? cited.filter((c) => c.paymentReference === n.bankReference) : [];
    if (candidates.length === 0 || n.creditDebit !== 'DBIT' || n.currency !== 'CNY') {
      unmatched(n, u.reason, u.expected ? (known.get(u.expected.endToEndId)?.id ?? null) : null);
      continue;
    }
    const settlement = candidates.find((c) => c.payerAccount !== null && normaliseAccountId(c.payerAccount) === normaliseAccountId(n.account));
    if (!settlement) {
      unmatched(n, 'settlementPayerAccountDiffers', null);
      continue;
    }
    const key = `${settlement.issuer}\n${settlement.paymentReference}`;
    if (settlement.state !== 'cited' || confirmedNow.has(key)) {
      unmatched(n, 'settlementAlreadyConfirmed', null);
      continue;
    }
    confirmedNow.add(key);
    const differenceFen = Amount.parse(n.amount).toFen() - Amount.parse(settlement.paidAmount).toFen();
    out.settlements.push({
      rootId: settlement.rootId,
      paymentReference: settlement.paymentReference,
      state: differenceFen === 0n ? 'confirmed' : 'differs',
      paidAmount: settlement.paidAmount,
      notified: n.amount,
      difference: fenText(differenceFen),
      source: n.source,
    });
  }
  return out;
}
