/**
 * The invoices service's public event contract (topic `invoices.events`), kept here so the risk
 * service, the gateway and the ledger can validate its events without depending on the service.
 *
 * JSON Schemas (draft 2020-12) of the `data` of every event the invoices service publishes. As in
 * `ledger.ts`, every property is required and no other is allowed, so a change is always a
 * visible contract change. `PayableConfirmed` is the signed fact the ledger records (its intake
 * validates it with the looser `payableConfirmedSchema` of `ledger.ts`; this one is what the
 * invoices service guarantees to every other consumer).
 *
 * Keys: every event is keyed by the debtor or buyer (the core enterprise), so one enterprise's
 * trade, payables and usage stay in one partition, in order.
 */
import type { EventTypeSpec } from '../envelope.ts';

type Schema = Record<string, unknown>;

const dialect = 'https://json-schema.org/draft/2020-12/schema';

const str = (pattern: string): Schema => ({ type: 'string', pattern });
const amount = str('^(0|[1-9][0-9]{0,14})\\.[0-9]{2}$');
const uuid = str('^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$');
const partyId = str('^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$');
const reference = str('^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$');
const instant = str('^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,3})?Z$');
const date = str('^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$');
/** The platform-wide key of an invoice: `<10 or 12-digit code>-<8-digit number>`, or the 20-digit fully digital number. */
const invoiceKey = str('^([0-9]{10}|[0-9]{12})-[0-9]{8}$|^[0-9]{20}$');
const hash = str('^[0-9a-f]{64}$');
const text = (maxLength: number, minLength = 0): Schema => ({ type: 'string', minLength, maxLength });
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const array = (items: Schema, maxItems = 1000): Schema => ({ type: 'array', items, maxItems });
const integer = (minimum: number, maximum: number): Schema => ({ type: 'integer', minimum, maximum });
const obj = (properties: Record<string, Schema>): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});

/** The tax authority's word on an invoice, as the service last read it (docs/invoices.md, verification). */
export const invoiceVerificationStatuses = ['unverified', 'verified', 'mismatch', 'void', 'reversed'] as const;
/** The four flows of 四流合一, each worth 25 points of the score. */
export const fourFlows = ['contract', 'delivery', 'payment', 'verification'] as const;
/** What changed an invoice's usage. */
export const invoiceUsageCauses = ['payableConfirmed', 'payableRefused', 'voucherIssued', 'voucherReturned', 'voucherFinanced', 'voucherSettled'] as const;

const verificationStatus = { enum: [...invoiceVerificationStatuses] };
const reason = obj({ flow: { enum: [...fourFlows] }, code: str('^[a-z][A-Za-z0-9]{0,63}$'), points: integer(1, 100), detail: text(500, 1) });
const signature = obj({ keyId: text(128, 1), alg: { enum: ['ed25519', 'sm2'] }, sig: text(200, 1) });

const dataSchemas = {
  ContractRecorded: obj({
    contractId: uuid,
    contractNumber: reference,
    buyer: partyId,
    seller: partyId,
    amount,
    signedOn: date,
    validUntil: nullable(date),
    documentHash: hash,
    lines: integer(0, 1000),
    recordedBy: partyId,
    at: instant,
  }),
  InvoiceRegistered: obj({
    invoiceId: uuid,
    invoiceKey,
    form: { enum: ['classic', 'digital'] },
    seller: partyId,
    buyer: partyId,
    amountExclTax: amount,
    tax: amount,
    total: amount,
    issuedOn: date,
    documentHash: hash,
    contractId: nullable(uuid),
    verification: verificationStatus,
    recordedBy: partyId,
    at: instant,
  }),
  DeliveryRecorded: obj({
    deliveryId: uuid,
    contractId: uuid,
    deliveryNumber: reference,
    buyer: partyId,
    seller: partyId,
    shippedOn: date,
    receivedOn: nullable(date),
    receiver: nullable(text(200, 1)),
    lines: integer(1, 1000),
    recordedBy: partyId,
    at: instant,
  }),
  PaymentRecorded: obj({
    paymentId: uuid,
    payer: partyId,
    payee: partyId,
    amount,
    paidOn: date,
    bankReference: reference,
    invoiceId: nullable(uuid),
    recordedBy: partyId,
    at: instant,
  }),
  InvoiceVerificationChanged: obj({
    invoiceId: uuid,
    invoiceKey,
    buyer: partyId,
    seller: partyId,
    status: verificationStatus,
    previousStatus: verificationStatus,
    details: array(text(300, 1), 20),
    checkedAt: instant,
    at: instant,
  }),
  InvoiceVoidedAfterUse: obj({
    invoiceId: uuid,
    invoiceKey,
    buyer: partyId,
    seller: partyId,
    status: { enum: ['void', 'reversed'] },
    committed: amount,
    used: amount,
    financed: amount,
    payables: array(reference),
    at: instant,
  }),
  InvoiceUsageChanged: obj({
    invoiceId: uuid,
    invoiceKey,
    buyer: partyId,
    seller: partyId,
    total: amount,
    committed: amount,
    used: amount,
    financed: amount,
    settled: amount,
    remaining: amount,
    cause: { enum: [...invoiceUsageCauses] },
    payableId: nullable(reference),
    at: instant,
  }),
  FourFlowScored: obj({
    payableId: reference,
    debtor: partyId,
    creditor: partyId,
    invoices: array(uuid),
    score: integer(0, 100),
    flows: obj({ contract: integer(0, 25), delivery: integer(0, 25), payment: integer(0, 25), verification: integer(0, 25) }),
    reasons: array(reason, 200),
    floor: integer(0, 100),
    at: instant,
  }),
  PayableConfirmed: obj({
    payableId: reference,
    debtor: partyId,
    creditor: partyId,
    amount,
    invoices: array(uuid),
    dueDate: date,
    fourFlowScore: integer(0, 100),
    signature,
  }),
  PayableRefused: obj({
    payableId: reference,
    debtor: partyId,
    creditor: partyId,
    code: str('^[a-z][A-Za-z0-9]{0,63}$'),
    detail: text(1000),
    at: instant,
  }),
};

export type InvoicesEventName = keyof typeof dataSchemas;

/** The schema of `data` for each invoices event type, with `$schema` and `$id` set. */
export const invoicesEventSchemas: Readonly<Record<InvoicesEventName, Schema>> = Object.fromEntries(
  Object.entries(dataSchemas).map(([type, schema]): [string, Schema] => [
    type,
    { $schema: dialect, $id: `https://cascade.example/schemas/invoices/${type}.json`, title: `${type} data`, ...schema },
  ]),
) as Record<InvoicesEventName, Schema>;

/** Every event type the invoices service publishes on `invoices.events`, with its schema. */
export const invoicesPublishedSpecs: EventTypeSpec[] = Object.entries(invoicesEventSchemas).map(([type, schema]) => ({ type, version: 1, schema }));
