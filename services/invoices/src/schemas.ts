/**
 * JSON Schemas (draft 2020-12 subset fastify and ajv both take) of what the invoices service
 * accepts and returns: the HTTP routes validate and serialise with them, the bulk import validates
 * each row with the invoice input schema, and the gateway publishes them in its OpenAPI document.
 */
import { invoicesPerPayableMax } from './domain/payable.ts';

export const amount = { type: 'string', pattern: '^(0|[1-9][0-9]{0,14})\\.[0-9]{2}$', description: 'CNY, exactly two decimals' } as const;
export const date = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'calendar date, Asia/Shanghai' } as const;
export const instant = { type: 'string', description: 'UTC instant, ISO 8601' } as const;
export const uuid = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } as const;
/** Party ids: the USCC for enterprises. */
export const partyId = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' } as const;
/** Contract, delivery and payable numbers, bank references. */
export const reference = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$' } as const;
export const documentHash = { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'SHA-256 (or SM3) of the document, lower-case hex' } as const;
export const quantity = { type: 'string', maxLength: 20, description: 'positive decimal, at most 3 decimals' } as const;
const nullable = <T extends object>(s: T) => ({ anyOf: [s, { type: 'null' }] }) as const;

/** Most goods lines on one contract or delivery. */
export const goodsLinesMax = 200;

const goodsLine = {
  type: 'object',
  additionalProperties: false,
  required: ['item', 'quantity', 'unit'],
  properties: { item: { type: 'string', minLength: 1, maxLength: 200 }, quantity, unit: { type: 'string', minLength: 1, maxLength: 20 } },
} as const;

export const contractInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['contractNumber', 'buyer', 'seller', 'amount', 'signedOn', 'documentHash', 'lines'],
  properties: {
    contractNumber: reference,
    buyer: partyId,
    seller: partyId,
    amount,
    signedOn: date,
    validUntil: nullable(date),
    documentHash,
    lines: { type: 'array', minItems: 1, maxItems: goodsLinesMax, items: goodsLine },
  },
} as const;

export const invoiceInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['number', 'seller', 'buyer', 'amountExclTax', 'tax', 'total', 'issuedOn', 'documentHash'],
  properties: {
    code: nullable({ type: 'string', maxLength: 12, description: '10 or 12 digits (classic form); empty or null for a fully digital invoice' }),
    number: { type: 'string', minLength: 1, maxLength: 20, description: '8 digits (classic) or 20 digits (fully digital)' },
    seller: partyId,
    buyer: partyId,
    amountExclTax: amount,
    tax: amount,
    total: amount,
    issuedOn: date,
    documentHash,
    contractId: nullable(uuid),
  },
} as const;

export const deliveryInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['contractId', 'deliveryNumber', 'shippedOn', 'lines'],
  properties: {
    contractId: uuid,
    deliveryNumber: reference,
    shippedOn: date,
    receivedOn: nullable(date),
    receiver: nullable({ type: 'string', minLength: 1, maxLength: 200 }),
    lines: { type: 'array', minItems: 1, maxItems: goodsLinesMax, items: goodsLine },
  },
} as const;

export const paymentInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['payer', 'payee', 'amount', 'paidOn', 'bankReference'],
  properties: { payer: partyId, payee: partyId, amount, paidOn: date, bankReference: reference, invoiceId: nullable(uuid) },
} as const;

export const signatureSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['keyId', 'alg', 'sig'],
  properties: { keyId: { type: 'string', minLength: 1, maxLength: 128 }, alg: { enum: ['ed25519', 'sm2'] }, sig: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;


/** DESIGN §6 body of `payable.confirm`. */
export const payableCommandSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['command', 'signatures'],
  properties: {
    command: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'chain', 'actor', 'nonce', 'createdAt', 'payload'],
      properties: {
        type: { type: 'string', maxLength: 64 },
        chain: { type: 'string', minLength: 1, maxLength: 128 },
        actor: partyId,
        nonce: { type: 'string', minLength: 1, maxLength: 128 },
        createdAt: { type: 'string', maxLength: 40 },
        payload: {
          type: 'object',
          additionalProperties: false,
          required: ['payableId', 'payee', 'amount', 'dueDate', 'invoices'],
          properties: {
            payableId: reference,
            payee: partyId,
            amount,
            dueDate: date,
            invoices: {
              type: 'array',
              minItems: 1,
              maxItems: invoicesPerPayableMax,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['amount'],
                minProperties: 2,
                maxProperties: 2,
                properties: { invoiceId: uuid, invoiceKey: { type: 'string', maxLength: 40 }, amount },
              },
            },
          },
        },
      },
    },
    signatures: { type: 'array', minItems: 1, maxItems: 8, items: signatureSchema },
  },
} as const;

// ---- Responses ---------------------------------------------------------------------------------

const goodsLines = { type: 'array', items: goodsLine } as const;

export const contractSchema = {
  type: 'object',
  required: ['contractId', 'contractNumber', 'buyer', 'seller', 'amount', 'signedOn', 'validUntil', 'documentHash', 'lines', 'recordedBy', 'recordedAt'],
  properties: {
    contractId: uuid,
    contractNumber: reference,
    buyer: partyId,
    seller: partyId,
    amount,
    signedOn: date,
    validUntil: nullable(date),
    documentHash,
    lines: goodsLines,
    recordedBy: partyId,
    recordedAt: instant,
  },
} as const;

export const invoiceSchema = {
  type: 'object',
  required: ['invoiceId', 'invoiceKey', 'form', 'code', 'number', 'seller', 'buyer', 'amountExclTax', 'tax', 'total', 'issuedOn', 'documentHash', 'contractId', 'verification', 'verificationDetails', 'verifiedAt', 'usage', 'recordedBy', 'recordedAt'],
  properties: {
    invoiceId: uuid,
    invoiceKey: { type: 'string' },
    form: { enum: ['classic', 'digital'] },
    code: nullable({ type: 'string' }),
    number: { type: 'string' },
    seller: partyId,
    buyer: partyId,
    amountExclTax: amount,
    tax: amount,
    total: amount,
    issuedOn: date,
    documentHash,
    contractId: nullable(uuid),
    verification: { enum: ['unverified', 'verified', 'mismatch', 'void', 'reversed'] },
    verificationDetails: { type: 'array', items: { type: 'string' } },
    verifiedAt: nullable(instant),
    usage: {
      type: 'object',
      required: ['committed', 'used', 'financed', 'settled', 'remaining'],
      properties: { committed: amount, used: amount, financed: amount, settled: amount, remaining: amount },
    },
    recordedBy: partyId,
    recordedAt: instant,
  },
} as const;

export const deliverySchema = {
  type: 'object',
  required: ['deliveryId', 'contractId', 'deliveryNumber', 'buyer', 'seller', 'shippedOn', 'receivedOn', 'receiver', 'lines', 'recordedBy', 'recordedAt'],
  properties: {
    deliveryId: uuid,
    contractId: uuid,
    deliveryNumber: reference,
    buyer: partyId,
    seller: partyId,
    shippedOn: date,
    receivedOn: nullable(date),
    receiver: nullable({ type: 'string' }),
    lines: goodsLines,
    recordedBy: partyId,
    recordedAt: instant,
  },
} as const;

export const paymentSchema = {
  type: 'object',
  required: ['paymentId', 'payer', 'payee', 'amount', 'paidOn', 'bankReference', 'invoiceId', 'recordedBy', 'recordedAt'],
  properties: { paymentId: uuid, payer: partyId, payee: partyId, amount, paidOn: date, bankReference: reference, invoiceId: nullable(uuid), recordedBy: partyId, recordedAt: instant },
} as const;

const reasonSchema = {
  type: 'object',
  required: ['flow', 'code', 'points', 'detail'],
  properties: { flow: { enum: ['contract', 'delivery', 'payment', 'verification'] }, code: { type: 'string' }, points: { type: 'integer' }, detail: { type: 'string' } },
} as const;

export const payableSchema = {
  type: 'object',
  required: ['payableId', 'status', 'debtor', 'creditor', 'amount', 'dueDate', 'invoices', 'fourFlow', 'usage', 'confirmedAt', 'decidedAt', 'refusal', 'replayed'],
  properties: {
    payableId: reference,
    status: { enum: ['confirmed', 'recorded', 'refused'], description: 'confirmed: the fact is published; recorded: the ledger recorded it; refused: the ledger refused it' },
    debtor: partyId,
    creditor: partyId,
    amount,
    dueDate: date,
    invoices: { type: 'array', items: { type: 'object', required: ['invoiceId', 'invoiceKey', 'amount'], properties: { invoiceId: uuid, invoiceKey: { type: 'string' }, amount } } },
    fourFlow: {
      type: 'object',
      required: ['score', 'flows', 'reasons', 'floor'],
      properties: {
        score: { type: 'integer' },
        flows: { type: 'object', required: ['contract', 'delivery', 'payment', 'verification'], properties: { contract: { type: 'integer' }, delivery: { type: 'integer' }, payment: { type: 'integer' }, verification: { type: 'integer' } } },
        reasons: { type: 'array', items: reasonSchema },
        floor: { type: 'integer' },
      },
    },
    usage: { type: 'object', required: ['issued', 'financed', 'settled'], properties: { issued: amount, financed: amount, settled: amount } },
    confirmedAt: instant,
    decidedAt: nullable(instant),
    refusal: nullable({ type: 'object', required: ['code', 'detail'], properties: { code: { type: 'string' }, detail: { type: 'string' } } }),
    replayed: { type: 'boolean', description: 'true when this is the stored result of the same command sent before' },
  },
} as const;

/** Problem+json (RFC 9457) as every error response is. */
export const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, code: { type: 'string' }, detail: { type: 'string' }, instance: { type: 'string' } },
} as const;

export const pageOf = <T extends object>(item: T) => ({
  type: 'object',
  required: ['items', 'next'],
  properties: { items: { type: 'array', items: item }, next: nullable({ type: 'string', description: 'pass as `after` for the next page' }) },
}) as const;
