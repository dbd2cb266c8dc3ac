/**
 * The invoices service's route schemas, one entry per route: params, query, body and response.
 * The service's routes are declared with them, and the gateway builds its public routes from the
 * same objects (exported as `invoicesRouteSchemas` from the package), so the OpenAPI document it
 * serves shows exactly what this service takes and returns.
 */
import { importFormats, importModes } from '../../application/import.ts';
import {
  contractInputSchema,
  contractSchema,
  deliveryInputSchema,
  deliverySchema,
  invoiceInputSchema,
  invoiceSchema,
  pageOf,
  payableCommandSchema,
  payableSchema,
  paymentInputSchema,
  paymentSchema,
  problemSchema,
  reference,
  uuid,
} from '../../schemas.ts';

/** Every route answers its errors as problem+json. */
export const errors = { '4xx': problemSchema, '5xx': problemSchema } as const;

export const idParams = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: uuid } } as const;

/** Largest page of a list. */
export const pageSizeMax = 200;
const limit = { type: 'integer', minimum: 1, maximum: pageSizeMax, default: 50 } as const;

export const uuidPageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { after: uuid, limit },
} as const;

export const verificationStatuses = ['unverified', 'verified', 'mismatch', 'void', 'reversed'] as const;

export const invoiceListQuery = { ...uuidPageQuery, properties: { ...uuidPageQuery.properties, verification: { enum: verificationStatuses } } } as const;
export const deliveryListQuery = { ...uuidPageQuery, properties: { ...uuidPageQuery.properties, contractId: uuid } } as const;
export const payableListQuery = { type: 'object', additionalProperties: false, properties: { after: reference, limit } } as const;
export const payableParams = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: reference } } as const;

export const importQuery = { type: 'object', additionalProperties: false, required: ['format', 'mode'], properties: { format: { enum: importFormats }, mode: { enum: importModes } } } as const;

export const importSummarySchema = {
  type: 'object',
  required: ['format', 'mode', 'rows', 'accepted', 'refused', 'committed', 'error', 'refusals', 'refusalsTruncated', 'elapsedMs'],
  properties: {
    format: { enum: importFormats },
    mode: { enum: importModes },
    rows: { type: 'integer' },
    accepted: { type: 'integer' },
    refused: { type: 'integer' },
    committed: { type: 'boolean', description: 'whether the accepted rows are stored (all-or-nothing: only when no row was refused)' },
    error: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'why the file could not be read to its end' },
    refusals: { type: 'array', items: { type: 'object', required: ['row', 'status', 'code', 'detail'], properties: { row: { type: 'integer' }, status: { const: 'refused' }, code: { type: 'string' }, detail: { type: 'string' } } } },
    refusalsTruncated: { type: 'boolean' },
    elapsedMs: { type: 'integer' },
  },
} as const;

/** Route by route. Path parameters are the service's own (`:id`); the gateway names its own. */
export const invoicesRouteSchemas = {
  recordContract: { body: contractInputSchema, response: { 201: contractSchema, ...errors } },
  getContract: { params: idParams, response: { 200: contractSchema, ...errors } },
  listContracts: { querystring: uuidPageQuery, response: { 200: pageOf(contractSchema), ...errors } },
  registerInvoice: { body: invoiceInputSchema, response: { 201: invoiceSchema, ...errors } },
  getInvoice: { params: idParams, response: { 200: invoiceSchema, ...errors } },
  listInvoices: { querystring: invoiceListQuery, response: { 200: pageOf(invoiceSchema), ...errors } },
  importInvoices: { querystring: importQuery, response: { 200: importSummarySchema, ...errors } },
  recordDelivery: { body: deliveryInputSchema, response: { 201: deliverySchema, ...errors } },
  getDelivery: { params: idParams, response: { 200: deliverySchema, ...errors } },
  listDeliveries: { querystring: deliveryListQuery, response: { 200: pageOf(deliverySchema), ...errors } },
  recordPayment: { body: paymentInputSchema, response: { 201: paymentSchema, ...errors } },
  getPayment: { params: idParams, response: { 200: paymentSchema, ...errors } },
  listPayments: { querystring: uuidPageQuery, response: { 200: pageOf(paymentSchema), ...errors } },
  confirmPayable: { body: payableCommandSchema, response: { 200: payableSchema, 201: payableSchema, ...errors } },
  getPayable: { params: payableParams, response: { 200: payableSchema, ...errors } },
  listPayables: { querystring: payableListQuery, response: { 200: pageOf(payableSchema), ...errors } },
} as const;

export { pageOf };

/** The next-page cursor: the last id when the page is full. */
export function nextOf<T>(items: T[], limit: number, idOf: (t: T) => string): string | null {
  return items.length === limit && items.length > 0 ? idOf(items.at(-1)!) : null;
}

// What the gateway's OpenAPI document reads from each route besides its schemas (the keys
// @fastify/swagger reads); fastify itself ignores them.
declare module 'fastify' {
  interface FastifySchema {
    summary?: string;
    description?: string;
  }
}
