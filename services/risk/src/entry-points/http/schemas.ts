/** JSON Schemas shared by the risk routes (params, bodies and responses). */
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
