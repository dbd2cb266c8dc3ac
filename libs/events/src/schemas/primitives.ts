/**
 * The JSON Schema pieces every contract of the platform is built from (draft 2020-12, plain
 * objects, ajv-compatible in strict mode without extra formats): one spelling of an amount, a
 * party id, a UUID, a date, so the event and command contracts cannot drift apart.
 */

export type Schema = Record<string, unknown>;

export const dialect = 'https://json-schema.org/draft/2020-12/schema';

export const str = (pattern: string): Schema => ({ type: 'string', pattern });
/** A non-negative amount of CNY: exactly two decimals, no sign, no leading zeros, at most 999999999999999.99. */
export const amount = str('^(0|[1-9][0-9]{0,14})\\.[0-9]{2}$');
/** An amount above zero. */
export const positiveAmount: Schema = { ...amount, not: { const: '0.00' } };
/** A canonical lower-case UUID (versions 1–8). */
export const uuid = str('^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$');
/** A UUID a client may choose for a new voucher: any version but 8, which the ledger keeps for the ids it derives. */
export const clientUuid = str('^[0-9a-f]{8}-[0-9a-f]{4}-[1-7][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$');
/** The USCC for enterprises; letters, digits, '.', '_' and '-' for other parties (no ':': it separates account names). */
export const partyId = str('^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$');
/** Ids of payables, products, keys and payment references. */
export const reference = str('^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$');
export const instant = str('^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,3})?Z$');
export const date = str('^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$');
/** An annual rate: "0" or "0." and 1–10 decimals (0 ≤ rate < 1). */
export const annualRate = str('^0(\\.[0-9]{1,10})?$');
export const text = (maxLength: number, minLength = 0): Schema => ({ type: 'string', minLength, maxLength });
export const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
export const array = (items: Schema, maxItems = 1000): Schema => ({ type: 'array', items, maxItems });
export const integer = (minimum: number, maximum: number): Schema => ({ type: 'integer', minimum, maximum });
/** An object whose every property is required and no other allowed. */
export const obj = (properties: Record<string, Schema>): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});
/** Adds a line of documentation to a schema (it becomes the field's entry in the docs). */
export const doc = (description: string, s: Schema): Schema => ({ ...s, description });
