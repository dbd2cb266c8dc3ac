/**
 * Settlement bank accounts, payment files (pain.001.001.09) and bank notifications (camt.054 /
 * the bank CSV), as the workflows service answers them (docs/workflows.md, "Payment files").
 * Amounts are two-decimal strings.
 */

/** A domestic account number (银行账号) or an IBAN. */
export type BankAccountId = { number: string } | { iban: string };
/** The servicing bank: its CNAPS participant number (行号; another clearing system's code when given) or its BIC. */
export type BankAgent = { bankCode: string; clearingSystem?: string; name?: string } | { bic: string; name?: string };

export interface BankAccountInput {
  account: BankAccountId;
  agent: BankAgent;
  /** The account holder's name as the bank knows it (户名); written as the party's name in payment files. */
  accountName: string;
}

export interface BankAccount extends BankAccountInput {
  partyId: string;
  registeredAt: string;
  updatedAt: string;
}

/** Money to move from `debtor`'s account to `creditor`'s: a financing's disbursement or a settlement's payout. */
export interface PaymentEntry {
  entryId: string;
  kind: 'disbursement' | 'payout';
  /** ≤ 35 characters; carried to the bank and back in its notification. */
  endToEndId: string;
  debtor: string;
  creditor: string;
  amount: string;
  voucherId: string | null;
  rootId: string;
  /** The financing product, or the settlement's payment reference. */
  reference: string;
  state: 'planned' | 'filed' | 'paid' | 'partial';
  notifiedAmount: string | null;
}

export interface PaymentFile {
  id: string;
  debtor: string;
  messageId: string;
  fileName: string;
  createdAt: string;
  transfers: number;
  controlSum: string;
  sha256: string;
  /** In the payment-file directory under its final name. */
  written: boolean;
  entries: PaymentEntry[];
}

export interface BlockedPaymentEntry {
  entry: PaymentEntry;
  blocked: 'no bank account';
  missing: ('debtor' | 'creditor')[];
}

/** What an imported notification settled, and what it could not. */
export interface PaymentNotificationReport {
  notificationId: string;
  format: 'camt.054' | 'csv';
  messageId: string | null;
  /** True when the same file was imported before: this is that import's report, and nothing changed. */
  replayed: boolean;
  matched: { entryId: string; endToEndId: string; amount: string; source: string; bankReference: string | null }[];
  partial: { entryId: string; endToEndId: string; expected: string; notified: string; difference: string; source: string; bankReference: string | null }[];
  settlements: { rootId: string; paymentReference: string; state: 'confirmed' | 'differs'; paidAmount: string; notified: string; difference: string; source: string }[];
  unmatched: { source: string; endToEndId: string | null; amount: string; reason: string; entryId: string | null; bankReference: string | null }[];
}
