/**
 * JSON Schemas of the risk routes (params, bodies and responses), one entry per route in
 * `riskRouteSchemas`: the service's routes are declared with them, and the gateway builds its
 * public routes from the same objects (exported from the package), so its OpenAPI document shows
 * exactly what this service takes and returns.
 */
import { importRowsMax } from '../../application/ingest.ts';
import { recordKinds } from '../../domain/records.ts';

export const partyId = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' } as const;
export const reference = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$' } as const;
export const uuid = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } as const;
export const amount = { type: 'string', pattern: '^(0|[1-9][0-9]{0,14})\\.[0-9]{2}$' } as const;
export const rate = { type: 'string', pattern: '^0(\\.[0-9]{1,10})?$' } as const;
export const grade = { enum: ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC', 'CC', 'C'] } as const;
export const instant = { type: 'string' } as const;
/** Anything JSON (features, facts, stored inputs): serialised as given. */
export const anyJson = {} as const;

export const pageSizeMax = 200;
export const pageLimit = { type: 'integer', minimum: 1, maximum: pageSizeMax, default: 50 } as const;

export const featureValues = { type: 'object', additionalProperties: { type: ['number', 'string', 'null'] } } as const;

export const reason = {
  type: 'object',
  required: ['code', 'kind', 'text'],
  properties: { code: { type: 'string' }, kind: { type: 'string' }, text: { type: 'string' } },
} as const;

export const cost = {
  type: 'object',
  required: ['annualRate', 'days', 'interest', 'fees', 'total', 'net'],
  properties: { productId: { type: 'string' }, annualRate: { type: 'string' }, days: { type: 'integer' }, interest: { type: 'string' }, fees: { type: 'string' }, total: { type: 'string' }, net: { type: 'string' } },
} as const;

export const product = {
  type: 'object',
  required: ['funder', 'productId', 'version', 'status', 'publishedAt', 'name', 'eligibleGrades', 'eligibleIssuers', 'amountMin', 'amountMax', 'tenorDaysMin', 'tenorDaysMax', 'annualRate', 'fees', 'dailyLimit'],
  properties: {
    funder: { type: 'string' }, productId: { type: 'string' }, version: { type: 'integer' }, status: { type: 'string' }, publishedAt: { type: 'string' },
    name: { type: 'string' }, eligibleGrades: { type: 'array', items: { type: 'string' } }, eligibleIssuers: { type: ['array', 'null'], items: { type: 'string' } },
    amountMin: { type: 'string' }, amountMax: { type: 'string' }, tenorDaysMin: { type: 'integer' }, tenorDaysMax: { type: 'integer' },
    annualRate: { type: 'string' }, fees: { type: 'string' }, dailyLimit: { type: 'string' },
  },
} as const;

export const assessmentResult = {
  type: 'object',
  required: ['decision', 'score', 'pd', 'grade', 'scorecardVersion', 'reasons', 'hardRules', 'softSignals', 'terms'],
  properties: {
    decision: { type: 'string' }, score: { type: 'number' }, pd: { type: 'number' }, grade: { type: 'string' }, scorecardVersion: { type: 'string' },
    reasons: { type: 'array', items: reason }, hardRules: { type: 'array', items: { type: 'string' } }, softSignals: { type: 'array', items: { type: 'string' } },
    terms: { anyOf: [cost, { type: 'null' }] },
  },
} as const;

export const assessmentSummary = {
  type: 'object',
  required: ['assessmentId', 'voucherId', 'rootId', 'holder', 'funder', 'issuer', 'productId', 'requestedAt', 'assessedAt', 'result'],
  properties: {
    assessmentId: { type: 'string' }, voucherId: { type: 'string' }, rootId: { type: 'string' }, holder: { type: 'string' }, funder: { type: 'string' },
    issuer: { type: ['string', 'null'] }, productId: { type: 'string' }, requestedAt: { type: 'string' }, assessedAt: { type: 'string' }, result: assessmentResult,
  },
} as const;

export const alert = {
  type: 'object',
  required: ['alertId', 'funder', 'subject', 'rule', 'severity', 'text', 'facts', 'raisedAt', 'acknowledgedAt', 'acknowledgedBy', 'note'],
  properties: {
    alertId: { type: 'string' }, funder: { type: 'string' }, subject: { type: 'string' }, rule: { type: 'string' }, severity: { type: 'string' }, text: { type: 'string' },
    facts: { type: 'object', additionalProperties: true }, raisedAt: { type: 'string' }, acknowledgedAt: { type: ['string', 'null'] }, acknowledgedBy: { type: ['string', 'null'] }, note: { type: ['string', 'null'] },
  },
} as const;

/** An import file's text, at most (characters; the route's body limit is a little above). */
export const importTextCharsMax = 4 * 1024 * 1024;
/** The body of an import, at most: the text JSON-escaped (the gateway allows the same on its route). */
export const importBodyBytesMax = importTextCharsMax * 2;

const page = <T extends object>(item: T) => ({ type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items: item }, next: { type: ['string', 'null'] } } }) as const;

export const importReport = {
  type: 'object',
  required: ['rows', 'created', 'updated', 'unchanged', 'refused', 'alerts', 'report'],
  properties: {
    rows: { type: 'integer' }, created: { type: 'integer' }, updated: { type: 'integer' }, unchanged: { type: 'integer' }, refused: { type: 'integer' }, alerts: { type: 'integer' },
    report: {
      type: 'array',
      items: {
        type: 'object',
        required: ['row', 'status'],
        properties: { row: { type: 'integer' }, status: { type: 'string' }, enterprise: { type: 'string' }, kind: { type: 'string' }, recordKey: { type: 'string' }, version: { type: 'integer' }, alerts: { type: 'integer' }, code: { type: 'string' }, detail: { type: 'string' } },
      },
    },
  },
} as const;

const enterpriseParams = { type: 'object', required: ['enterprise'], properties: { enterprise: partyId } } as const;
const productParams = { type: 'object', required: ['productId'], properties: { productId: reference } } as const;
const assessmentParams = { type: 'object', required: ['assessmentId'], properties: { assessmentId: uuid } } as const;
const reasonList = { type: 'array', items: { type: 'object', required: ['code', 'text'], properties: { code: { type: 'string' }, text: { type: 'string' } } } } as const;

export const productTermsBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'eligibleGrades', 'amountMin', 'amountMax', 'tenorDaysMin', 'tenorDaysMax', 'annualRate', 'fees', 'dailyLimit'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    eligibleGrades: { type: 'array', items: grade, minItems: 1, maxItems: 9, uniqueItems: true },
    eligibleIssuers: { anyOf: [{ type: 'array', items: partyId, minItems: 1, maxItems: 1000, uniqueItems: true }, { type: 'null' }] },
    amountMin: amount,
    amountMax: amount,
    tenorDaysMin: { type: 'integer', minimum: 1, maximum: 366 },
    tenorDaysMax: { type: 'integer', minimum: 1, maximum: 366 },
    annualRate: rate,
    fees: amount,
    dailyLimit: amount,
  },
} as const;

export const matchingSchema = {
  type: 'object',
  required: ['voucherId', 'asOf', 'issuerGrade', 'eligible', 'ineligible'],
  properties: {
    voucherId: { type: 'string' },
    asOf: { type: 'string' },
    issuerGrade: { type: 'string' },
    eligible: { type: 'array', items: { type: 'object', required: ['funder', 'productId', 'name', 'version', 'cost'], properties: { funder: { type: 'string' }, productId: { type: 'string' }, name: { type: 'string' }, version: { type: 'integer' }, cost } } },
    ineligible: { type: 'array', items: { type: 'object', required: ['funder', 'productId', 'name', 'reasons'], properties: { funder: { type: 'string' }, productId: { type: 'string' }, name: { type: 'string' }, reasons: reasonList } } },
  },
} as const;

export const scoreSchema = {
  type: 'object',
  required: ['enterprise', 'asOf', 'score', 'pd', 'grade', 'reasons', 'scorecardVersion', 'features'],
  properties: { enterprise: { type: 'string' }, asOf: { type: 'string' }, score: { type: 'number' }, pd: { type: 'number' }, grade: { type: 'string' }, reasons: { type: 'array', items: { type: 'string' } }, scorecardVersion: { type: 'string' }, features: featureValues },
} as const;

export const assessmentWithInputs = { ...assessmentSummary, required: [...assessmentSummary.required, 'inputs'], properties: { ...assessmentSummary.properties, inputs: anyJson } } as const;

/** Route by route (the service's own path parameter names, which the gateway's public paths share). */
export const riskRouteSchemas = {
  publishProduct: { params: productParams, body: productTermsBody, response: { 200: product } },
  withdrawProduct: { params: productParams, response: { 200: product } },
  listProducts: {
    querystring: { type: 'object', additionalProperties: false, properties: { funder: partyId, afterFunder: partyId, afterProduct: reference, limit: pageLimit } },
    response: { 200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: product } } } },
  },
  matchProducts: {
    params: { type: 'object', required: ['voucherId'], properties: { voucherId: uuid } },
    querystring: { type: 'object', additionalProperties: false, properties: { maxAnnualRate: rate, maxFees: amount } },
    response: { 200: matchingSchema },
  },
  listAssessments: { querystring: { type: 'object', additionalProperties: false, properties: { voucherId: uuid, before: uuid, limit: pageLimit } }, response: { 200: page(assessmentSummary) } },
  getAssessment: { params: assessmentParams, response: { 200: assessmentWithInputs } },
  rerunAssessment: {
    params: assessmentParams,
    response: { 200: { type: 'object', required: ['assessmentId', 'same', 'stored', 'rerun'], properties: { assessmentId: { type: 'string' }, same: { type: 'boolean' }, stored: assessmentResult, rerun: assessmentResult } } },
  },
  listAlerts: { querystring: { type: 'object', additionalProperties: false, properties: { open: { type: 'boolean' }, subject: partyId, before: uuid, limit: pageLimit } }, response: { 200: page(alert) } },
  acknowledgeAlert: {
    params: { type: 'object', required: ['alertId'], properties: { alertId: uuid } },
    body: { type: 'object', additionalProperties: false, properties: { note: { type: 'string', maxLength: 500 } } },
    response: { 200: alert },
  },
  ingestEnterpriseRecords: {
    body: { type: 'object', additionalProperties: false, required: ['records'], properties: { records: { type: 'array', minItems: 1, maxItems: importRowsMax, items: { type: 'object' } } } },
    response: { 200: importReport },
  },
  importEnterpriseRecords: {
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['format', 'content'],
      properties: { kind: { enum: [...recordKinds] }, format: { enum: ['csv', 'json'] }, content: { type: 'string', minLength: 1, maxLength: importTextCharsMax } },
    },
    response: { 200: importReport },
  },
  getEnterpriseScore: { params: enterpriseParams, response: { 200: scoreSchema } },
  getEnterpriseRecords: {
    params: enterpriseParams,
    querystring: { type: 'object', additionalProperties: false, properties: { limit: pageLimit } },
    response: {
      200: {
        type: 'object',
        required: ['items'],
        properties: { items: { type: 'array', items: { type: 'object', required: ['kind', 'recordKey', 'version', 'source', 'observedAt', 'receivedAt', 'data'], properties: { kind: { type: 'string' }, recordKey: { type: 'string' }, version: { type: 'integer' }, source: { type: 'string' }, observedAt: { type: 'string' }, receivedAt: { type: 'string' }, data: anyJson } } } },
      },
    },
  },
  listParkedEvents: {
    querystring: { type: 'object', additionalProperties: false, properties: { limit: pageLimit } },
    response: { 200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { type: 'object', additionalProperties: true } } } } },
  },
} as const;
