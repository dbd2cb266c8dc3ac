/**
 * Financing registration (动产融资统一登记公示系统, 中登网, run by the PBoC Credit Reference
 * Center). Since 2025 every e-voucher financing is registered there: before funding, search for
 * earlier registrations on the same receivable; on funding, register; on payoff, release
 * (DESIGN.md §4). This is the port the workflows depend on; `FileExchangeRegistry` is the one
 * implementation today, exchanging files with whatever a deployment runs against the registry.
 */

/** An enterprise as the registry names it. */
export interface RegistryParty {
  /** Registered name. */
  readonly name: string;
  /** Unified social credit code (统一社会信用代码), 18 characters. */
  readonly uscc: string;
}

/** The receivable a financing rests on: one voucher and what backs it. */
export interface Receivable {
  /** The financed voucher (a leaf of its tree). */
  readonly voucherId: string;
  /** The root voucher the issuer issued. */
  readonly rootVoucherId: string;
  /** The obligor: the core enterprise that issued the voucher and pays at maturity (债务人). */
  readonly obligor: RegistryParty;
  /** The holder who finances it: the grantor in the registry (出让人 / 出质人). */
  readonly holder: RegistryParty;
  /** The voucher's amount, CNY with two decimals. */
  readonly amount: string;
  /** Maturity, calendar date in Asia/Shanghai. */
  readonly maturityDate: string;
  /** The invoices behind it, as `code-number` or the 20-digit fully digital number. */
  readonly invoiceNumbers: readonly string[];
}

/** 应收账款转让 (a factor or bank buys the receivable: discounting, factoring) or 应收账款质押 (pledged). */
export type RegistrationKind = 'transfer' | 'pledge';

/** What is registered when a financing is funded. */
export interface FinancingRegistration {
  /** The platform's financing id; every record and request file is kept per financing. */
  readonly financingId: string;
  readonly receivable: Receivable;
  /** The funder: transferee or pledgee (受让人 / 质权人). */
  readonly funder: RegistryParty;
  readonly kind: RegistrationKind;
  /** Principal financed, CNY with two decimals (主债权金额 / 转让对价). */
  readonly principalAmount: string;
  /** The day the financing is funded, calendar date. */
  readonly financingDate: string;
  /** Registration term in months (登记期限, the registry allows 1 to 360). */
  readonly termMonths: number;
}

/** A change to an existing registration (变更登记). */
export interface RegistrationAmendment {
  readonly principalAmount?: string;
  readonly termMonths?: number;
  /** Why, in words the registry shows. */
  readonly reason: string;
}

export type ReleaseReason = 'paidOff' | 'cancelled';

/** An earlier registration the registry holds on the grantor or collateral. */
export interface PriorRegistration {
  /** 登记证明编号. */
  readonly registrationNumber: string;
  readonly kind: RegistrationKind;
  /** Instant it was registered (ISO 8601). */
  readonly registeredAt: string;
  /** Last day it stays in force. */
  readonly expiresOn: string;
  readonly grantor: RegistryParty;
  readonly securedParty: RegistryParty;
  /** Amount registered, when the registrant gave one. */
  readonly amount?: string;
  /** The registrant's description of the collateral (财产描述), as the registry shows it. */
  readonly collateralDescription: string;
  readonly status: 'active' | 'released' | 'expired';
}

export interface SearchResult {
  /** 查询证明编号: the registry's proof that the search was made, kept with the financing. */
  readonly searchReportNumber: string;
  readonly searchedAt: string;
  readonly registrations: readonly PriorRegistration[];
}

export interface RegistrationResult {
  readonly registrationNumber: string;
  readonly registeredAt: string;
  readonly expiresOn: string;
}

export interface AmendmentResult {
  readonly registrationNumber: string;
  readonly amendedAt: string;
  readonly expiresOn: string;
}

export interface ReleaseResult {
  readonly registrationNumber: string;
  readonly releasedAt: string;
}

/** One request and its answer, kept in the financing's record. */
export interface RegistryHistoryEntry {
  readonly operation: RegistryOperation;
  readonly requestId: string;
  readonly requestedAt: string;
  readonly respondedAt: string;
  readonly outcome: 'ok' | 'rejected';
  readonly result?: SearchResult | RegistrationResult | AmendmentResult | ReleaseResult;
  readonly rejection?: { readonly code: string; readonly message: string };
}

export type RegistryOperation = 'search' | 'register' | 'amend' | 'release';

/** Everything the platform did with the registry for one financing. */
export interface FinancingRegistryRecord {
  readonly financingId: string;
  /** `new` → `searched` → `registered` → `released`. */
  readonly status: 'new' | 'searched' | 'registered' | 'released';
  readonly registrationNumber?: string;
  readonly expiresOn?: string;
  /** A request written and not yet answered; a retry with the same input waits for it. */
  readonly pending?: { readonly operation: RegistryOperation; readonly requestId: string; readonly requestHash: string; readonly requestedAt: string };
  readonly history: readonly RegistryHistoryEntry[];
}

/**
 * The registry port. Each method may be retried with the same input: it then continues the
 * request already made rather than making another.
 * Rejections (PaymentFileError codes): registryResponseNotYetAvailable (retry later),
 * registryRejected (the registry said no; its code and message follow), registryRequestConflicts
 * (a different request is still pending for this financing), registryStateForbidsOperation
 * (e.g. register before any search, amend after release), registryResponseMalformed; and, for
 * input refused before any request is written: financingIdMustBeFileSafe, usccMustBeValid,
 * amountMustBeTwoDecimalCny, dateMustBeIsoCalendarDate, termMonthsMustBeWithinRegistryLimits,
 * textMustNotBeEmpty, textMustFitLength.
 */
export interface FinancingRegistry {
  /** Searches for earlier registrations on the receivable, before funding `financingId`. */
  search(financingId: string, receivable: Receivable): Promise<SearchResult>;
  /** Registers the funded financing; returns the registration number. */
  register(financing: FinancingRegistration): Promise<RegistrationResult>;
  /** Amends the financing's registration. */
  amend(financingId: string, amendment: RegistrationAmendment): Promise<AmendmentResult>;
  /** Releases the financing's registration (注销登记) once paid off or cancelled. */
  release(financingId: string, reason: ReleaseReason): Promise<ReleaseResult>;
  /** The financing's record, or undefined when the registry was never asked about it. */
  record(financingId: string): Promise<FinancingRegistryRecord | undefined>;
}

/** Registrations still in force among a search's hits: any of them stands in the way of funding. */
export function activeRegistrations(result: SearchResult): readonly PriorRegistration[] {
  return result.registrations.filter((r) => r.status === 'active');
}
