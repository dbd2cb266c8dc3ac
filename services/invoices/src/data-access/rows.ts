/**
 * Row ↔ domain mapping shared by the stores. Amounts are stored in fen (bigint, returned by pg as
 * strings) and read back as two-decimal strings; dates are selected as text (`::text`) so no time
 * zone ever shifts a calendar date.
 */
import type { Pool, PoolClient } from '@cascade/db';
import { Amount, fenText } from '@cascade/money';
import type { Contract, Delivery, GoodsLine, Invoice, Payment, VerificationStatus } from '../domain/index.ts';

/** Anything that runs a query: the pool, or the client of a transaction. */
export type Queryable = Pool | PoolClient;

export const fen = (amount: string): string => Amount.parse(amount).toFen().toString();
export const amountOf = (fenValue: string | bigint): string => fenText(BigInt(fenValue));

/** PostgreSQL's unique_violation, with the constraint that was hit. */
export function uniqueViolation(error: unknown): string | null {
  const e = error as { code?: string; constraint?: string };
  return e?.code === '23505' ? (e.constraint ?? '') : null;
}

export const contractColumns = `contract_id, contract_number, buyer, seller, amount_fen, signed_on::text AS signed_on, valid_until::text AS valid_until, document_hash, lines, recorded_by, recorded_at`;
export interface ContractRow {
  contract_id: string;
  contract_number: string;
  buyer: string;
  seller: string;
  amount_fen: string;
  signed_on: string;
  valid_until: string | null;
  document_hash: string;
  lines: GoodsLine[];
  recorded_by: string;
  recorded_at: Date;
}
export const contractOf = (r: ContractRow): Contract => ({
  contractId: r.contract_id,
  contractNumber: r.contract_number,
  buyer: r.buyer,
  seller: r.seller,
  amount: amountOf(r.amount_fen),
  signedOn: r.signed_on,
  validUntil: r.valid_until,
  documentHash: r.document_hash,
  lines: r.lines,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at.toISOString(),
});

/** The invoice columns, each prefixed with `t` (a table alias and dot, or nothing). */
export const invoiceColumnsOf = (t: string): string =>
  `${t}invoice_id, ${t}invoice_key, ${t}form, ${t}code, ${t}number, ${t}seller, ${t}buyer, ${t}amount_excl_tax_fen, ${t}tax_fen, ${t}total_fen, ${t}issued_on::text AS issued_on, ${t}document_hash, ${t}contract_id, ${t}verification, ${t}verification_details, ${t}verified_at, ${t}committed_fen, ${t}used_fen, ${t}financed_fen, ${t}settled_fen, ${t}recorded_by, ${t}recorded_at`;
export const invoiceColumns = invoiceColumnsOf('');
export interface InvoiceRow {
  invoice_id: string;
  invoice_key: string;
  form: 'classic' | 'digital';
  code: string | null;
  number: string;
  seller: string;
  buyer: string;
  amount_excl_tax_fen: string;
  tax_fen: string;
  total_fen: string;
  issued_on: string;
  document_hash: string;
  contract_id: string | null;
  verification: VerificationStatus;
  verification_details: string[];
  verified_at: Date | null;
  committed_fen: string;
  used_fen: string;
  financed_fen: string;
  settled_fen: string;
  recorded_by: string;
  recorded_at: Date;
}

/** An invoice with its usage and verification, as stored. */
export interface StoredInvoice extends Invoice {
  verificationDetails: string[];
  verifiedAt: string | null;
  usage: { committed: string; used: string; financed: string; settled: string; remaining: string };
}

export const invoiceOf = (r: InvoiceRow): StoredInvoice => ({
  invoiceId: r.invoice_id,
  invoiceKey: r.invoice_key,
  form: r.form,
  code: r.code,
  number: r.number,
  seller: r.seller,
  buyer: r.buyer,
  amountExclTax: amountOf(r.amount_excl_tax_fen),
  tax: amountOf(r.tax_fen),
  total: amountOf(r.total_fen),
  issuedOn: r.issued_on,
  documentHash: r.document_hash,
  contractId: r.contract_id,
  verification: r.verification,
  verificationDetails: r.verification_details,
  verifiedAt: r.verified_at?.toISOString() ?? null,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at.toISOString(),
  usage: {
    committed: amountOf(r.committed_fen),
    used: amountOf(r.used_fen),
    financed: amountOf(r.financed_fen),
    settled: amountOf(r.settled_fen),
    remaining: amountOf(BigInt(r.total_fen) - BigInt(r.committed_fen)),
  },
});

export const deliveryColumns = `d.delivery_id, d.contract_id, d.delivery_number, c.buyer, c.seller, d.shipped_on::text AS shipped_on, d.received_on::text AS received_on, d.receiver, d.lines, d.recorded_by, d.recorded_at`;
export interface DeliveryRow {
  delivery_id: string;
  contract_id: string;
  delivery_number: string;
  buyer: string;
  seller: string;
  shipped_on: string;
  received_on: string | null;
  receiver: string | null;
  lines: GoodsLine[];
  recorded_by: string;
  recorded_at: Date;
}
export const deliveryOf = (r: DeliveryRow): Delivery => ({
  deliveryId: r.delivery_id,
  contractId: r.contract_id,
  deliveryNumber: r.delivery_number,
  buyer: r.buyer,
  seller: r.seller,
  shippedOn: r.shipped_on,
  receivedOn: r.received_on,
  receiver: r.receiver,
  lines: r.lines,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at.toISOString(),
});

export const paymentColumns = `payment_id, payer, payee, amount_fen, paid_on::text AS paid_on, bank_reference, invoice_id, recorded_by, recorded_at`;
export interface PaymentRow {
  payment_id: string;
  payer: string;
  payee: string;
  amount_fen: string;
  paid_on: string;
  bank_reference: string;
  invoice_id: string | null;
  recorded_by: string;
  recorded_at: Date;
}
export const paymentOf = (r: PaymentRow): Payment => ({
  paymentId: r.payment_id,
  payer: r.payer,
  payee: r.payee,
  amount: amountOf(r.amount_fen),
  paidOn: r.paid_on,
  bankReference: r.bank_reference,
  invoiceId: r.invoice_id,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at.toISOString(),
});
