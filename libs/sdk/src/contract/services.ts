/**
 * Types of what the invoices and risk services take and return through the gateway. Their JSON
 * Schemas are the services' own (`invoicesRouteSchemas`, `riskRouteSchemas`), which the gateway
 * validates and serialises with and publishes at /v1/openapi.json; these are the static types the
 * SDK's methods are typed with (types only: nothing here reaches a browser bundle). The gateway's
 * tests check every response against the schemas (`GATEWAY_RESPONSE_VALIDATION`), and the SDK's
 * end-to-end test reads each of these through the SDK.
 */

/** A page of a list: `next` is the `after` of the next page, null on the last. */
export interface Page<T> {
  items: T[];
  next: string | null;
}

// ---- Trade records (四流合一), the invoices service

export interface GoodsLine {
  item: string;
  /** Positive decimal, at most 3 decimals. */
  quantity: string;
  unit: string;
}

export interface ContractInput {
  contractNumber: string;
  buyer: string;
  seller: string;
  /** CNY, two decimals. */
  amount: string;
  signedOn: string;
  validUntil?: string | null;
  /** SHA-256 (or SM3) of the document, lower-case hex. */
  documentHash: string;
  lines: GoodsLine[];
}
export interface ContractRecord extends Required<ContractInput> {
  contractId: string;
  recordedBy: string;
  recordedAt: string;
}

export interface InvoiceInput {
  /** 10 or 12 digits (classic form); null or empty for a fully digital invoice. */
  code?: string | null;
  /** 8 digits (classic) or 20 digits (fully digital). */
  number: string;
  seller: string;
  buyer: string;
  amountExclTax: string;
  tax: string;
  total: string;
  issuedOn: string;
  documentHash: string;
  contractId?: string | null;
}
export type VerificationStatus = 'unverified' | 'verified' | 'mismatch' | 'void' | 'reversed';
export interface InvoiceRecord {
  invoiceId: string;
  /** `<code>-<number>` or the 20 digits: unique platform-wide. */
  invoiceKey: string;
  form: 'classic' | 'digital';
  code: string | null;
  number: string;
  seller: string;
  buyer: string;
  amountExclTax: string;
  tax: string;
  total: string;
  issuedOn: string;
  documentHash: string;
  contractId: string | null;
  verification: VerificationStatus;
  verificationDetails: string[];
  verifiedAt: string | null;
  /** 一票一融: what payables take from it, what was issued, financed and settled on it, and what is left. */
  usage: { committed: string; used: string; financed: string; settled: string; remaining: string };
  recordedBy: string;
  recordedAt: string;
}

export interface DeliveryInput {
  contractId: string;
  deliveryNumber: string;
  shippedOn: string;
  receivedOn?: string | null;
  receiver?: string | null;
  lines: GoodsLine[];
}
export interface DeliveryRecord {
  deliveryId: string;
  contractId: string;
  deliveryNumber: string;
  buyer: string;
  seller: string;
  shippedOn: string;
  receivedOn: string | null;
  receiver: string | null;
  lines: GoodsLine[];
  recordedBy: string;
  recordedAt: string;
}

export interface PaymentInput {
  payer: string;
  payee: string;
  amount: string;
  paidOn: string;
  bankReference: string;
  invoiceId?: string | null;
}
export interface PaymentRecord extends Required<PaymentInput> {
  paymentId: string;
  recordedBy: string;
  recordedAt: string;
}

export type ImportFormat = 'csv' | 'json';
export type ImportMode = 'all-or-nothing' | 'valid-rows';
export interface ImportSummary {
  format: ImportFormat;
  mode: ImportMode;
  rows: number;
  accepted: number;
  refused: number;
  /** Whether the accepted rows are stored (all-or-nothing: only when no row was refused). */
  committed: boolean;
  /** Why the file could not be read to its end. */
  error: string | null;
  /** The refused rows, the first 1,000. */
  refusals: { row: number; status: 'refused'; code: string; detail: string }[];
  refusalsTruncated: boolean;
  elapsedMs: number;
}

export type FourFlow = 'contract' | 'delivery' | 'payment' | 'verification';
export interface PayableRecord {
  payableId: string;
  /** confirmed: the fact is published; recorded: the ledger recorded it; refused: the ledger refused it. */
  status: 'confirmed' | 'recorded' | 'refused';
  debtor: string;
  creditor: string;
  amount: string;
  dueDate: string;
  invoices: { invoiceId: string; invoiceKey: string; amount: string }[];
  /** 四流合一: 100 points, 25 per flow; the reasons add up to 100 − score. */
  fourFlow: { score: number; flows: Record<FourFlow, number>; reasons: { flow: FourFlow; code: string; points: number; detail: string }[]; floor: number };
  usage: { issued: string; financed: string; settled: string };
  confirmedAt: string;
  decidedAt: string | null;
  refusal: { code: string; detail: string } | null;
  /** True when this is the stored result of the same command sent before. */
  replayed: boolean;
}

// ---- Risk, the risk service

export type Grade = 'AAA' | 'AA' | 'A' | 'BBB' | 'BB' | 'B' | 'CCC' | 'CC' | 'C';

export interface ProductTerms {
  name: string;
  eligibleGrades: Grade[];
  /** null: any issuer. */
  eligibleIssuers?: string[] | null;
  amountMin: string;
  amountMax: string;
  tenorDaysMin: number;
  tenorDaysMax: number;
  /** Decimal string, e.g. "0.0365". */
  annualRate: string;
  /** Flat per financing, CNY. */
  fees: string;
  dailyLimit: string;
}
export interface Product extends Required<ProductTerms> {
  funder: string;
  productId: string;
  version: number;
  status: string;
  publishedAt: string;
}

export interface FinancingCost {
  productId?: string;
  annualRate: string;
  days: number;
  interest: string;
  fees: string;
  total: string;
  net: string;
}
export interface Matching {
  voucherId: string;
  asOf: string;
  issuerGrade: string;
  /** Cheapest first. */
  eligible: { funder: string; productId: string; name: string; version: number; cost: FinancingCost }[];
  ineligible: { funder: string; productId: string; name: string; reasons: { code: string; text: string }[] }[];
}

export interface AssessmentResult {
  decision: 'approve' | 'review' | 'reject';
  score: number;
  pd: number;
  grade: string;
  scorecardVersion: string;
  reasons: { code: string; kind: string; text: string }[];
  hardRules: string[];
  softSignals: string[];
  terms: FinancingCost | null;
}
export interface Assessment {
  assessmentId: string;
  voucherId: string;
  rootId: string;
  holder: string;
  funder: string;
  issuer: string | null;
  productId: string;
  requestedAt: string;
  assessedAt: string;
  result: AssessmentResult;
}
export interface AssessmentWithInputs extends Assessment {
  inputs: unknown;
}
export interface AssessmentRerun {
  assessmentId: string;
  same: boolean;
  stored: AssessmentResult;
  rerun: AssessmentResult;
}

export interface Alert {
  alertId: string;
  funder: string;
  subject: string;
  rule: string;
  severity: string;
  text: string;
  facts: Record<string, unknown>;
  raisedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  note: string | null;
}

export interface EnterpriseScore {
  enterprise: string;
  asOf: string;
  score: number;
  pd: number;
  grade: string;
  reasons: string[];
  scorecardVersion: string;
  features: Record<string, number | string | null>;
}
export interface EnterpriseRecordVersion {
  kind: string;
  recordKey: string;
  version: number;
  source: string;
  observedAt: string;
  receivedAt: string;
  data: unknown;
}
export interface IngestReport {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
  alerts: number;
  report: { row: number; status: string; enterprise?: string; kind?: string; recordKey?: string; version?: number; alerts?: number; code?: string; detail?: string }[];
}

/** A webhook endpoint (workflows service); the secret is shown only when it is registered. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  createdAt: string;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  partyId: string;
  eventId: string;
  eventType: string;
  state: 'pending' | 'enqueued' | 'delivering' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: string;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

/** A time-driven action of the workflows service (acceptance expiry, maturity reminder, overdue mark). */
export interface ScheduledAction {
  id: string;
  kind: string;
  dueAt: string;
  state: string;
  attempts: number;
  outcome: string | null;
}

/** A registration the financing registry (中登网) holds, as a search shows it. */
export interface RegistryRegistration {
  registrationNumber: string;
  kind: 'transfer' | 'pledge';
  registeredAt: string;
  expiresOn: string;
  grantor: { name: string; uscc: string };
  securedParty: { name: string; uscc: string };
  amount?: string;
  collateralDescription: string;
  status: 'active' | 'released' | 'expired';
}

type RegistryStepState = 'none' | 'pending' | 'enqueued' | 'done' | 'cancelled' | 'failed';

/** A voucher's latest financing and what the registry answered for it (workflows service). */
export interface FinancingRegistryView {
  voucherId: string;
  financingId: string;
  state: 'requested' | 'funded' | 'rejected' | 'withdrawn' | 'paidOff';
  holder: string;
  funder: string;
  amount: string;
  requestedAt: string;
  registryStatus: 'new' | 'searched' | 'registered' | 'released';
  search: { state: RegistryStepState; outcome: string | null; searchReportNumber: string | null; searchedAt: string | null; hits: RegistryRegistration[]; activeHits: RegistryRegistration[] };
  registration: { state: RegistryStepState; outcome: string | null; registrationNumber: string | null; registeredAt: string | null; expiresOn: string | null };
  release: { state: RegistryStepState; outcome: string | null; releasedAt: string | null };
}
