/**
 * Ledger events: facts in the past tense, each a plain JSON object `{type, data}` that carries
 * everything `evolve` and `postingsFor` need, so neither ever has to re-decide anything.
 */
import type { Backing, FinancingTerms, KeyAlgorithm, Role, Voucher, VoucherStatus } from './entities.ts';
import type { LedgerPolicy } from './policy.ts';

/** Value that went back to where it came from when an offer ended without acceptance. */
export interface ReturnedOffer {
  voucherId: string;
  rootId: string;
  /** The party the voucher was offered to. */
  recipient: string;
  /** The party the value returns to: the holder's own payables for a root, the sender for a child. */
  owner: string;
  amount: string;
  /** For a transfer child: the new active voucher created for the sender (same parent, tier, amount). */
  returnVoucherId: string | null;
  /** For a root: the payable remainders restored. */
  restoredBacking: Backing[];
  /** For a line-backed root: the credit line restored. */
  creditLineRestored: { funder: string; issuer: string; amount: string } | null;
  at: string;
}

export interface LedgerEventData {
  /** The policy in force from here on: the genesis's, or a `policy.change`. */
  PolicyChanged: { policy: LedgerPolicy; previous: LedgerPolicy | null; at: string };
  PartyRegistered: {
    partyId: string;
    uscc: string | null;
    name: string;
    roles: Role[];
    keys: Array<{ keyId: string; alg: KeyAlgorithm; publicKey: string }>;
    at: string;
  };
  KeyAdded: { partyId: string; keyId: string; alg: KeyAlgorithm; publicKey: string; at: string };
  KeyRevoked: { partyId: string; keyId: string; at: string };
  PayableRecorded: { payableId: string; debtor: string; creditor: string; amount: string; invoices: string[]; at: string };
  CreditLineChanged: { funder: string; issuer: string; limit: string; previousLimit: string; termDays: number; used: string; at: string };
  /** The full initial record of the new root voucher. */
  VoucherIssued: { voucher: Voucher; consumedBacking: Backing[]; creditLineUsed: { funder: string; issuer: string; amount: string } | null };
  VoucherAccepted: { voucherId: string; rootId: string; holder: string; owner: string; amount: string; at: string };
  VoucherRejected: ReturnedOffer & { reason: string };
  VoucherCancelled: ReturnedOffer;
  TransferRevoked: ReturnedOffer;
  AcceptanceExpired: ReturnedOffer;
  VoucherTransferred: {
    parentId: string;
    rootId: string;
    holder: string;
    amount: string;
    /** The full initial records of the children, pieces first, remainder last. */
    children: Voucher[];
    at: string;
  };
  FinancingRequested: { voucherId: string; rootId: string; holder: string; funder: string; productId: string; maxAnnualRate: string; maxFees: string; amount: string; at: string };
  VoucherFinanced: { voucherId: string; rootId: string; amount: string; terms: FinancingTerms; at: string };
  FinancingRejected: { voucherId: string; rootId: string; holder: string; funder: string; reason: string; at: string };
  FinancingWithdrawn: { voucherId: string; rootId: string; holder: string; funder: string; at: string };
  VoucherSettled: {
    rootId: string;
    issuer: string;
    paymentReference: string;
    paidAmount: string;
    /** One entry per live unpaid leaf, in voucher-id order. */
    payouts: Array<{
      voucherId: string;
      /** Who is paid: the holder, or for an unaccepted transfer child the sender (deemed revoked). */
      holder: string;
      /** True when the leaf was an unaccepted transfer child, so the payment clears the sender's pending offer. */
      wasPendingAcceptance: boolean;
      amount: string;
      outstandingAfter: string;
      statusAfter: VoucherStatus;
    }>;
    /** The same payouts summed per holder, in party-id order. */
    holderTotals: Array<{ holder: string; amount: string }>;
    creditLineRestored: { funder: string; issuer: string; amount: string } | null;
    at: string;
  };
  VoucherOverdue: {
    rootId: string;
    /** `wasPendingAcceptance`: the leaf was an unaccepted transfer child, now deemed revoked to its sender (the holder here). */
    leaves: Array<{ voucherId: string; holder: string; outstanding: string; wasPendingAcceptance: boolean }>;
    at: string;
  };
  VoucherFrozen: { voucherId: string; rootId: string; reason: string; affected: Array<{ voucherId: string; previousStatus: VoucherStatus }>; at: string };
  VoucherUnfrozen: {
    voucherId: string;
    rootId: string;
    reason: string;
    /** Vouchers whose status is restored. */
    restored: Array<{ voucherId: string; status: VoucherStatus }>;
    /** Vouchers that stay frozen under an ancestor's order still in force. */
    reassigned: Array<{ voucherId: string; frozenBy: string }>;
    at: string;
  };
}

export type LedgerEventType = keyof LedgerEventData;

export type LedgerEvent = { [T in LedgerEventType]: { type: T; data: LedgerEventData[T] } }[LedgerEventType];

export const ledgerEventTypes: readonly LedgerEventType[] = [
  'PolicyChanged',
  'PartyRegistered',
  'KeyAdded',
  'KeyRevoked',
  'PayableRecorded',
  'CreditLineChanged',
  'VoucherIssued',
  'VoucherAccepted',
  'VoucherRejected',
  'VoucherCancelled',
  'TransferRevoked',
  'AcceptanceExpired',
  'VoucherTransferred',
  'FinancingRequested',
  'VoucherFinanced',
  'FinancingRejected',
  'FinancingWithdrawn',
  'VoucherSettled',
  'VoucherOverdue',
  'VoucherFrozen',
  'VoucherUnfrozen',
];
