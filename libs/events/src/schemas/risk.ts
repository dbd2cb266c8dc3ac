/**
 * The risk service's public event contract (topic `risk.events`), kept here so the gateway and
 * funders' systems can validate risk events without depending on the service. As in `ledger.ts`,
 * every property is required and no other is allowed.
 *
 * Keys: `FinancingAssessed` by the voucher's root id (the key of the ledger's events of that
 * tree, so a consumer joining the two sees one tree in one partition); alerts by the issuer they
 * are about; `EnterpriseDataUpdated` by the enterprise; products by the funder.
 */
import type { EventTypeSpec } from '../envelope.ts';

type Schema = Record<string, unknown>;

const dialect = 'https://json-schema.org/draft/2020-12/schema';

const str = (pattern: string): Schema => ({ type: 'string', pattern });
const amount = str('^(0|[1-9][0-9]{0,14})\\.[0-9]{2}$');
const rate = str('^0(\\.[0-9]{1,10})?$');
const uuid = str('^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$');
const partyId = str('^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$');
const reference = str('^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$');
const instant = str('^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,3})?Z$');
const code = str('^[a-z][A-Za-z0-9]{0,63}$');
const text = (maxLength: number, minLength = 0): Schema => ({ type: 'string', minLength, maxLength });
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const array = (items: Schema, maxItems = 1000): Schema => ({ type: 'array', items, maxItems });
const integer = (minimum: number, maximum: number): Schema => ({ type: 'integer', minimum, maximum });
const number = (minimum: number, maximum: number): Schema => ({ type: 'number', minimum, maximum });
const obj = (properties: Record<string, Schema>): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});

export const riskGrades = ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC', 'CC', 'C'] as const;
export const riskDecisions = ['approve', 'review', 'reject'] as const;
export const riskRecordKinds = ['registration', 'tax', 'judicial', 'bureau'] as const;
export const riskWarningRules = ['taxPaidFalling', 'newLitigation', 'issuerOverdue', 'concentrationAboveLimit'] as const;

const grade = { enum: [...riskGrades] };
const version = str('^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$');
const reason = obj({ code, kind: { enum: ['hardRule', 'softSignal', 'score', 'note'] }, text: text(2000, 1) });
const cost = obj({ productId: reference, annualRate: rate, days: integer(0, 3660), interest: amount, fees: amount, total: amount, net: amount });
const productTerms = {
  name: text(200, 1),
  eligibleGrades: { type: 'array', items: grade, minItems: 1, maxItems: 9, uniqueItems: true },
  eligibleIssuers: nullable(array(partyId, 1000)),
  amountMin: amount,
  amountMax: amount,
  tenorDaysMin: integer(1, 366),
  tenorDaysMax: integer(1, 366),
  annualRate: rate,
  fees: amount,
  dailyLimit: amount,
};

const dataSchemas = {
  /** The assessment of one financing request, before the funder acts on it. */
  FinancingAssessed: obj({
    assessmentId: uuid,
    voucherId: uuid,
    rootId: uuid,
    holder: partyId,
    funder: partyId,
    issuer: nullable(partyId),
    productId: reference,
    requestedAt: instant,
    decision: { enum: [...riskDecisions] },
    /** The issuer's (the obligor's) score, PD and grade under `scorecardVersion`. */
    score: number(-100_000, 100_000),
    pd: number(0, 1),
    grade,
    scorecardVersion: version,
    hardRules: array(code, 50),
    softSignals: array(code, 50),
    reasons: array(reason, 100),
    /** What the product named in the request costs the holder, when the product is known. */
    terms: nullable(cost),
    at: instant,
  }),
  /** A new version of an enterprise's record was stored. */
  EnterpriseDataUpdated: obj({
    enterprise: partyId,
    kind: { enum: [...riskRecordKinds] },
    recordKey: text(128, 1),
    version: integer(1, 1_000_000),
    source: text(64, 1),
    observedAt: instant,
    at: instant,
  }),
  ProductPublished: obj({ funder: partyId, productId: reference, version: integer(1, 1_000_000), ...productTerms, at: instant }),
  ProductWithdrawn: obj({ funder: partyId, productId: reference, version: integer(1, 1_000_000), at: instant }),
  /** An early warning for one funder exposed to the issuer it is about. */
  AlertRaised: obj({
    alertId: uuid,
    funder: partyId,
    subject: partyId,
    rule: { enum: [...riskWarningRules] },
    severity: { enum: ['high', 'medium'] },
    text: text(2000, 1),
    at: instant,
  }),
  AlertAcknowledged: obj({ alertId: uuid, funder: partyId, subject: partyId, acknowledgedBy: partyId, note: text(500), at: instant }),
};

export type RiskEventName = keyof typeof dataSchemas;

/** The schema of `data` for each risk event type, with `$schema` and `$id` set. */
export const riskEventSchemas: Readonly<Record<RiskEventName, Schema>> = Object.fromEntries(
  Object.entries(dataSchemas).map(([type, schema]): [string, Schema] => [type, { $schema: dialect, $id: `https://cascade.example/schemas/risk/${type}.json`, title: `${type} data`, ...schema }]),
) as Record<RiskEventName, Schema>;

/** Every event type the risk service publishes on `risk.events`, with its schema. */
export const riskPublishedSpecs: EventTypeSpec[] = Object.entries(riskEventSchemas).map(([type, schema]) => ({ type, version: 1, schema }));
