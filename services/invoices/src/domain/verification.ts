/**
 * External verification (查验): what the tax authority says about an invoice, as a deployment's
 * tax data provider reports it, against what was registered here.
 *
 *   provider status   our status
 *   normal            verified, or mismatch when seller, buyer, amounts or issue date differ
 *   void (作废)        void
 *   reversed (红冲)    reversed (fully red-letter reversed)
 *   notFound          mismatch (the authority has no such invoice)
 *
 * A void or reversed invoice backs no new payable (`invoiceVoided`), and one that becomes void
 * after payables rest on it raises `InvoiceVoidedAfterUse`. Only a record checked later than the
 * one already applied changes anything, so result files can arrive in any order and twice.
 */
import type { Invoice, VerificationStatus } from './records.ts';

export type ProviderStatus = 'normal' | 'void' | 'reversed' | 'notFound';

/** One line of a provider's result file, as read (docs/invoices.md, "Verification result files"). */
export interface TaxRecord {
  invoiceKey: string;
  status: ProviderStatus;
  sellerUscc: string | null;
  buyerUscc: string | null;
  amountExclTax: string | null;
  tax: string | null;
  total: string | null;
  issuedOn: string | null;
  /** When the provider checked, an ISO instant. */
  checkedAt: string;
}

export interface VerificationOutcome {
  status: VerificationStatus;
  details: string[];
}

export function verificationOf(invoice: Invoice, record: TaxRecord): VerificationOutcome {
  switch (record.status) {
    case 'void':
      return { status: 'void', details: ['the tax authority reports the invoice void (作废)'] };
    case 'reversed':
      return { status: 'reversed', details: ['the tax authority reports the invoice red-letter reversed (红冲)'] };
    case 'notFound':
      return { status: 'mismatch', details: ['the tax authority has no such invoice'] };
    case 'normal': {
      const details: string[] = [];
      const compare = (field: string, ours: string, theirs: string | null) => {
        if (theirs !== null && theirs !== ours) details.push(`${field}: registered ${ours}, the tax authority has ${theirs}`);
      };
      compare('seller', invoice.seller, record.sellerUscc);
      compare('buyer', invoice.buyer, record.buyerUscc);
      compare('amountExclTax', invoice.amountExclTax, record.amountExclTax);
      compare('tax', invoice.tax, record.tax);
      compare('total', invoice.total, record.total);
      compare('issuedOn', invoice.issuedOn, record.issuedOn);
      return details.length > 0 ? { status: 'mismatch', details } : { status: 'verified', details: [] };
    }
  }
}

/** True when `next` should replace `current` (checked strictly later). */
export function supersedes(next: TaxRecord, current: { checkedAt: string } | undefined): boolean {
  return current === undefined || Date.parse(next.checkedAt) > Date.parse(current.checkedAt);
}
