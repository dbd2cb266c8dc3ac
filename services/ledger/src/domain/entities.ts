/**
 * The ledger's entities in their stored form: plain, JSON-serialisable objects. Amounts are
 * strings with exactly two decimals (the public contract's form), parsed into `Amount` only
 * where arithmetic happens, so an entity can be written to PostgreSQL JSONB or a column as is.
 * Entities are replaced, never mutated, by `evolve`.
 */

/** What a party may do on the platform. */
export type Role = 'core' | 'supplier' | 'funder' | 'regulator' | 'operator';
export const roles: readonly Role[] = ['core', 'supplier', 'funder', 'regulator', 'operator'];

/** Signature algorithms a key may use (DESIGN §6). */
export type KeyAlgorithm = 'ed25519' | 'sm2';
export const keyAlgorithms: readonly KeyAlgorithm[] = ['ed25519', 'sm2'];

/** An enterprise, funder, regulator or the operator. */
export interface Party {
  /** The party id: the USCC for enterprises and funders, a registered id for operator/regulator. */
  partyId: string;
  /** Unified social credit code (统一社会信用代码); null only for a party without one. */
  uscc: string | null;
  /** Registered name. */
  name: string;
  /** What the party may do. */
  roles: Role[];
  /** When the registration was committed (UTC instant). */
  registeredAt: string;
}

/** A public key registered to a party; key ids are unique across the ledger. */
export interface PartyKey {
  keyId: string;
  /** The party the key signs for. */
  partyId: string;
  alg: KeyAlgorithm;
  /** Lower-case hex: 32 bytes for ed25519; 65 (uncompressed) or 33 (compressed) bytes for SM2. */
  publicKey: string;
  addedAt: string;
  /** When the key was revoked; signatures by it are refused from this point of the log on. */
  revokedAt: string | null;
}

/** A payable confirmed by the debtor (应付账款确认), as told by the invoices service. */
export interface Payable {
  payableId: string;
  /** The core enterprise that owes it (the future issuer). */
  debtor: string;
  /** The supplier it is owed to (the future holder). */
  creditor: string;
  /** Confirmed amount. */
  amount: string;
  /** Amount not yet used to back an issued voucher. */
  remaining: string;
  /** Invoice references, as given by the invoices service. */
  invoices: string[];
  recordedAt: string;
}

/** A credit line (授信额度) a funder grants to an issuer for line-backed vouchers. */
export interface CreditLine {
  funder: string;
  issuer: string;
  /** The limit granted. */
  limit: string;
  /** Amount of vouchers issued on the line and not yet repaid or returned. May exceed a lowered limit. */
  used: string;
  /** Longest term, in days from the issue date to maturity, of a voucher on this line. */
  termDays: number;
  changedAt: string;
}

export type VoucherStatus =
  | 'pending_acceptance'
  | 'active'
  | 'consumed'
  | 'pending_financing'
  | 'financed'
  | 'settled'
  | 'overdue'
  | 'frozen'
  | 'rejected'
  | 'revoked'
  | 'cancelled';

/**
 * Statuses of vouchers that no longer carry value: it passed to children (`consumed`) or went
 * back to where it came from (`rejected` — also after acceptance expiry — `revoked`, `cancelled`).
 * Every other voucher is "live": the live vouchers of a tree sum to the root's amount.
 */
export const deadStatuses: ReadonlySet<VoucherStatus> = new Set(['consumed', 'rejected', 'revoked', 'cancelled']);
/** Statuses in which nothing can happen to a voucher any more (freeze leaves them alone). */
export const terminalStatuses: ReadonlySet<VoucherStatus> = new Set(['consumed', 'rejected', 'revoked', 'cancelled', 'settled']);

/** One payable a root voucher rests on, and how much of it. */
export interface Backing {
  payableId: string;
  amount: string;
}

/** The terms recorded when a funder financed (discounted) a voucher. */
export interface FinancingTerms {
  funder: string;
  /** The party that sold the voucher to the funder. */
  seller: string;
  productId: string;
  annualRate: string;
  /** Days from the financing date to maturity (ACT/360). */
  days: number;
  interest: string;
  fees: string;
  /** amount − interest − fees, paid to the seller. */
  net: string;
  /** Asia/Shanghai calendar date of the financing. */
  financedOn: string;
}

/** A digital receivable voucher (数字债权凭证) or one piece of one. */
export interface Voucher {
  voucherId: string;
  /** The issued original this voucher descends from (itself for a root). */
  rootId: string;
  /** The voucher this one was split from; null for a root. */
  parentId: string | null;
  /** The obligor: the core enterprise that pays at maturity. */
  issuer: string;
  /** Current holder: the recipient while pending acceptance, the funder once financed. */
  holder: string;
  /** Who offered the voucher: the issuer for a root, the parent's holder for a transfer child. */
  sender: string;
  amount: string;
  /** Asia/Shanghai calendar date the root was issued. */
  issueDate: string;
  /** Asia/Shanghai calendar date of maturity; the same for the whole tree. */
  maturityDate: string;
  /** 1 for a root, parent's tier + 1 for a child. */
  tier: number;
  /** The payables a root rests on; empty for children (they rest on the root's). */
  backing: Backing[];
  /** The funder whose credit line backs the root; null when not line-backed, and on children. */
  creditLineFunder: string | null;
  status: VoucherStatus;
  /** While `frozen`: the status to restore on unfreeze. */
  statusBeforeFreeze: VoucherStatus | null;
  /** While `frozen`: the voucher whose freeze order froze this one (itself or an ancestor). */
  frozenBy: string | null;
  /** A regulator's freeze order placed on this voucher (covering its subtree), while in force. */
  freezeOrder: { reason: string; at: string } | null;
  /** While `pending_acceptance`: the instant after which the offer may be expired. */
  acceptanceDeadline: string | null;
  /** While `pending_financing`: the request. */
  /** The open request: the funder asked, the product, and the most the holder accepts. */
  financingRequest: { funder: string; productId: string; maxAnnualRate: string; maxFees: string; requestedAt: string } | null;
  /** Once financed: the terms. */
  financing: FinancingTerms | null;
  /** Amount still owed by the issuer on this voucher (equals `amount` until a settlement pays it). */
  outstanding: string;
  /** For a voucher created by the return of an unaccepted transfer: the child that was returned. */
  returnOf: string | null;
  /** Root only: payment references already settled against this tree. */
  paymentReferences: string[];
  createdAt: string;
}
