/**
 * The ledger's public event contract, kept here so every consumer (gateway, risk, invoices) can
 * validate ledger events without depending on the ledger service. The ledger's domain types are
 * checked against this table at compile time (services/ledger/src/catalog.ts).
 *
 * JSON Schemas (draft 2020-12, plain objects, ajv-compatible in strict mode without extra
 * formats) for the `data` of every ledger event. Every property is required and no other is
 * allowed, so a schema change is always a visible contract change.
 */

import type { EventTypeSpec } from '../envelope.ts';

import { amount, array, date, dialect, instant, integer, nullable, obj, partyId, reference, str, text, uuid, type Schema } from './primitives.ts';

/**
 * Events whose lists grow with the size of a tree. One that would not fit in an envelope is
 * published as several envelopes of the same type, each with the other fields whole, a slice of
 * each list, and `part: {index, count}` (1-based); a consumer concatenates the lists of parts 1..count.
 */
export const splittableEventLists: Readonly<Record<string, readonly string[]>> = {
  VoucherTransferred: ['children'],
  VoucherSettled: ['payouts', 'holderTotals'],
  VoucherOverdue: ['leaves'],
  VoucherFrozen: ['affected'],
  VoucherUnfrozen: ['restored', 'reassigned'],
};

const partSchema = obj({ index: integer(1, 100_000), count: integer(2, 100_000) });
/** `schema` with the optional `part` of a split event. */
const splittable = (schema: Schema): Schema => ({ ...schema, properties: { ...(schema.properties as Record<string, Schema>), part: partSchema } });

const role = { enum: ['core', 'supplier', 'funder', 'regulator', 'operator'] };
const alg = { enum: ['ed25519', 'sm2'] };
const status = {
  enum: ['pending_acceptance', 'active', 'consumed', 'pending_financing', 'financed', 'settled', 'overdue', 'frozen', 'rejected', 'revoked', 'cancelled'],
};
const backing = obj({ payableId: reference, amount });
const lineAmount = obj({ funder: partyId, issuer: partyId, amount });
const terms = obj({
  funder: partyId,
  seller: partyId,
  productId: reference,
  annualRate: str('^0(\\.[0-9]{1,10})?$'),
  days: integer(0, 3660),
  interest: amount,
  fees: amount,
  net: amount,
  financedOn: date,
});

/** The stored form of a voucher, as carried by VoucherIssued and VoucherTransferred. */
export const voucherSchema: Schema = obj({
  voucherId: uuid,
  rootId: uuid,
  parentId: nullable(uuid),
  issuer: partyId,
  holder: partyId,
  sender: partyId,
  amount,
  issueDate: date,
  maturityDate: date,
  tier: integer(1, 64),
  backing: array(backing),
  creditLineFunder: nullable(partyId),
  status,
  statusBeforeFreeze: nullable(status),
  frozenBy: nullable(uuid),
  freezeOrder: nullable(obj({ reason: text(500), at: instant })),
  acceptanceDeadline: nullable(instant),
  financingRequest: nullable(obj({ funder: partyId, productId: reference, maxAnnualRate: str('^0(\\.[0-9]{1,10})?$'), maxFees: amount, requestedAt: instant })),
  financing: nullable(terms),
  outstanding: amount,
  returnOf: nullable(uuid),
  paymentReferences: array(reference, 100),
  createdAt: instant,
});

const returnedOffer = {
  voucherId: uuid,
  rootId: uuid,
  recipient: partyId,
  owner: partyId,
  amount,
  returnVoucherId: nullable(uuid),
  restoredBacking: array(backing),
  creditLineRestored: nullable(lineAmount),
  at: instant,
};

/** The ledger's policy (services/ledger/src/domain/policy.ts): every limit DESIGN §2 makes configurable. */
export const ledgerPolicySchema: Schema = obj({
  maturityMonthsMax: integer(1, 12),
  treeDepthMax: integer(1, 64),
  childrenPerTransferMax: integer(2, 1000),
  pieceMin: amount,
  financingFeeRateMax: str('^0(\\.[0-9]{1,6})?$'),
  acceptancePeriodMs: integer(60_000, 90 * 24 * 60 * 60 * 1000),
  backingPayablesMax: integer(1, 1000),
  commandAgeMaxMs: integer(1000, 7 * 24 * 60 * 60 * 1000),
  commandFutureSkewMs: integer(0, 60 * 60 * 1000),
});

const dataSchemas = {
  PolicyChanged: obj({ policy: ledgerPolicySchema, previous: nullable(ledgerPolicySchema), at: instant }),
  PartyRegistered: obj({
    partyId,
    uscc: nullable(str('^[0-9A-HJ-NPQRTUWXY]{18}$')),
    name: text(200, 1),
    roles: { type: 'array', items: role, minItems: 1, uniqueItems: true },
    keys: array(obj({ keyId: reference, alg, publicKey: str('^[0-9a-f]+$') }), 8),
    at: instant,
  }),
  KeyAdded: obj({ partyId, keyId: reference, alg, publicKey: str('^[0-9a-f]+$'), at: instant }),
  KeyRevoked: obj({ partyId, keyId: reference, at: instant }),
  PayableRecorded: obj({ payableId: reference, debtor: partyId, creditor: partyId, amount, invoices: array(text(128, 1)), at: instant }),
  CreditLineChanged: obj({ funder: partyId, issuer: partyId, limit: amount, previousLimit: amount, termDays: integer(1, 366), used: amount, at: instant }),
  VoucherIssued: obj({ voucher: voucherSchema, consumedBacking: array(backing), creditLineUsed: nullable(lineAmount) }),
  VoucherAccepted: obj({ voucherId: uuid, rootId: uuid, holder: partyId, owner: partyId, amount, at: instant }),
  VoucherRejected: obj({ ...returnedOffer, reason: text(500) }),
  VoucherCancelled: obj(returnedOffer),
  TransferRevoked: obj(returnedOffer),
  AcceptanceExpired: obj(returnedOffer),
  VoucherTransferred: splittable(obj({ parentId: uuid, rootId: uuid, holder: partyId, amount, children: array(voucherSchema), at: instant })),
  FinancingRequested: obj({ voucherId: uuid, rootId: uuid, holder: partyId, funder: partyId, productId: reference, maxAnnualRate: str('^0(\\.[0-9]{1,10})?$'), maxFees: amount, amount, at: instant }),
  VoucherFinanced: obj({ voucherId: uuid, rootId: uuid, amount, terms, at: instant }),
  FinancingRejected: obj({ voucherId: uuid, rootId: uuid, holder: partyId, funder: partyId, reason: text(500, 1), at: instant }),
  FinancingWithdrawn: obj({ voucherId: uuid, rootId: uuid, holder: partyId, funder: partyId, at: instant }),
  VoucherSettled: splittable(obj({
    rootId: uuid,
    issuer: partyId,
    paymentReference: reference,
    paidAmount: amount,
    payouts: array(
      obj({ voucherId: uuid, holder: partyId, wasPendingAcceptance: { type: 'boolean' }, amount, outstandingAfter: amount, statusAfter: { enum: ['settled', 'overdue'] } }),
      100_000,
    ),
    holderTotals: array(obj({ holder: partyId, amount }), 100_000),
    creditLineRestored: nullable(lineAmount),
    at: instant,
  })),
  VoucherOverdue: splittable(obj({
    rootId: uuid,
    leaves: array(obj({ voucherId: uuid, holder: partyId, outstanding: amount, wasPendingAcceptance: { type: 'boolean' } }), 100_000),
    at: instant,
  })),
  VoucherFrozen: splittable(obj({ voucherId: uuid, rootId: uuid, reason: text(500, 1), affected: array(obj({ voucherId: uuid, previousStatus: status }), 100_000), at: instant })),
  VoucherUnfrozen: splittable(obj({
    voucherId: uuid,
    rootId: uuid,
    reason: text(500, 1),
    restored: array(obj({ voucherId: uuid, status }), 100_000),
    reassigned: array(obj({ voucherId: uuid, frozenBy: uuid }), 100_000),
    at: instant,
  })),
};

export type LedgerEventName = keyof typeof dataSchemas;

/** The schema of `data` for each ledger event type, with `$schema` and `$id` set. */
export const ledgerEventSchemas: Readonly<Record<LedgerEventName, Schema>> = Object.fromEntries(
  Object.entries(dataSchemas).map(([type, schema]): [string, Schema] => [
    type,
    { $schema: dialect, $id: `https://cascade.example/schemas/ledger/${type}.json`, title: `${type} data`, ...schema },
  ]),
) as Record<LedgerEventName, Schema>;

// The ledger's intake and results: what a submitter sends and gets back, and the sealed blocks.

export const commandSubmittedSchema = {
  $schema: dialect,
  type: 'object',
  required: ['command', 'signatures'],
  additionalProperties: false,
  properties: {
    command: { type: 'object' },
    signatures: { type: 'array', maxItems: 8 },
  },
};

export const payableConfirmedSchema = {
  $schema: dialect,
  type: 'object',
  required: ['payableId', 'debtor', 'creditor', 'amount', 'invoices'],
  properties: {
    payableId: { type: 'string', maxLength: 128 },
    debtor: { type: 'string', maxLength: 64 },
    creditor: { type: 'string', maxLength: 64 },
    amount: { type: 'string', pattern: '^(0|[1-9][0-9]{0,14})\\.[0-9]{2}$' },
    invoices: { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 128 } },
    /** When the debtor pays (a calendar date); the ledger keeps it in the logged fact. */
    dueDate: { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' },
    /** The four-flow (四流合一) score 0–100 the invoices service gave the invoices (invoices.ts has the reasons). */
    fourFlowScore: { type: 'integer', minimum: 0, maximum: 100 },
    /** The invoices service's signature over the fact (`facts.ts`); the ledger refuses a fact without a valid one. */
    signature: { type: 'object', required: ['keyId', 'alg', 'sig'], properties: { keyId: { type: 'string', maxLength: 128 }, alg: { enum: ['ed25519', 'sm2'] }, sig: { type: 'string', maxLength: 200 } } },
  },
};

export const commandDecidedSchema = {
  $schema: dialect,
  type: 'object',
  required: ['submissionId', 'actor', 'nonce', 'status'],
  properties: {
    submissionId: { type: 'string' },
    actor: { type: ['string', 'null'] },
    nonce: { type: ['string', 'null'] },
    status: { enum: ['accepted', 'refused'] },
    seq: { type: 'integer', minimum: 1 },
    opId: { type: 'string' },
    blockHeight: { type: 'integer', minimum: 0 },
    events: { type: 'array' },
    /** True when the events were too large to repeat here: read them on ledger.events (by opId). */
    eventsOmitted: { type: 'boolean' },
    problem: { type: 'object', required: ['type', 'title', 'status', 'code'] },
    replayed: { type: 'boolean' },
  },
};

export const blockSealedSchema = {
  $schema: dialect,
  type: 'object',
  required: ['header', 'hash', 'signature'],
  properties: {
    header: { type: 'object', required: ['chainId', 'height', 'prevHash', 'merkleRoot', 'time', 'count', 'firstSeq', 'lastSeq', 'hashAlg'] },
    hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    signature: { type: 'object', required: ['keyId', 'alg', 'sig'] },
  },
};

/**
 * A message the ledger's intake could not read, parked on `ledger.deadletter` instead of being
 * retried forever or dropped: why, where it came from, and (the first 64 KiB of) what it was.
 */
export const messageDeadLetteredSchema = {
  $schema: dialect,
  type: 'object',
  required: ['reason', 'detail', 'topic', 'partition', 'offset', 'sizeBytes', 'sha256', 'keyBase64', 'valueBase64', 'valueTruncated'],
  additionalProperties: false,
  properties: {
    reason: { enum: ['notJson', 'duplicateKeys', 'notAnEnvelope', 'tooLarge', 'empty', 'factSignatureInvalid'] },
    detail: { type: 'string', maxLength: 1000 },
    topic: { type: 'string', maxLength: 249 },
    partition: { type: 'integer', minimum: 0 },
    offset: { type: 'string', pattern: '^[0-9]{1,20}$' },
    sizeBytes: { type: 'integer', minimum: 0 },
    sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    keyBase64: { anyOf: [{ type: 'string', maxLength: 2000 }, { type: 'null' }] },
    valueBase64: { type: 'string', maxLength: 90_000 },
    valueTruncated: { type: 'boolean' },
  },
};

/** Every event type the ledger publishes, with its schema. */
export const ledgerPublishedSpecs: EventTypeSpec[] = [
  ...Object.entries(ledgerEventSchemas).map(([type, schema]) => ({ type, version: 1, schema })),
  { type: 'BlockSealed', version: 1, schema: blockSealedSchema },
  { type: 'CommandDecided', version: 1, schema: commandDecidedSchema },
  { type: 'MessageDeadLettered', version: 1, schema: messageDeadLetteredSchema },
];

/** What the ledger's intake accepts: signed commands, and the invoices service's payable facts. */
export const ledgerIntakeSpecs: EventTypeSpec[] = [
  { type: 'CommandSubmitted', version: 1, schema: commandSubmittedSchema },
  { type: 'PayableConfirmed', version: 1, schema: payableConfirmedSchema },
];
