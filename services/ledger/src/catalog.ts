/**
 * The event types the ledger publishes and consumes, each with the schema of its data: the
 * domain's events on ledger.events, command results on ledger.results, submissions on
 * ledger.commands and the invoices service's PayableConfirmed fact.
 */
import { EventCatalog, type EventTypeSpec } from '@cascade/events';
import { eventDataSchemas, ledgerEventTypes } from './domain/index.ts';

const dialect = 'https://json-schema.org/draft/2020-12/schema';

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
  },
};

const commandDecidedSchema = {
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
    problem: { type: 'object', required: ['type', 'title', 'status', 'code'] },
    replayed: { type: 'boolean' },
  },
};

const blockSealedSchema = {
  $schema: dialect,
  type: 'object',
  required: ['header', 'hash', 'signature'],
  properties: {
    header: { type: 'object', required: ['chainId', 'height', 'prevHash', 'merkleRoot', 'time', 'count', 'firstSeq', 'lastSeq', 'hashAlg'] },
    hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    signature: { type: 'object', required: ['keyId', 'alg', 'sig'] },
  },
};

export const ledgerEventSpecs: EventTypeSpec[] = [
  ...ledgerEventTypes.map((type) => ({ type, version: 1, schema: eventDataSchemas[type] })),
  { type: 'BlockSealed', version: 1, schema: blockSealedSchema },
  { type: 'CommandDecided', version: 1, schema: commandDecidedSchema },
];

export const intakeEventSpecs: EventTypeSpec[] = [
  { type: 'CommandSubmitted', version: 1, schema: commandSubmittedSchema },
  { type: 'PayableConfirmed', version: 1, schema: payableConfirmedSchema },
];

/** What the ledger may publish (validated before anything leaves). */
export function publishCatalog(): EventCatalog {
  return new EventCatalog([...ledgerEventSpecs, ...intakeEventSpecs]);
}

/** What the ledger's intake accepts. */
export function intakeCatalog(): EventCatalog {
  return new EventCatalog(intakeEventSpecs);
}
