/**
 * The ledger's command contract: the JSON Schema of every command's payload. This is the one
 * source of what a well-formed payload is — the ledger validates every command's payload with it
 * before deciding (a mismatch is `payloadMalformed`, naming the field), the gateway validates with
 * it before anything reaches Kafka, and docs/ledger.md's command table is printed from the
 * `description` of each field. The ledger's `CommandPayloads` type is checked against these
 * property names at compile time (services/ledger/src/domain/payload-schemas.ts).
 *
 * The schemas say what can be judged from the payload alone. Rules that need the state or the
 * policy (a party exists, an amount fits the minimum piece, a term is in range) are the ledger's,
 * and come later in its fixed order of rejections.
 */
import { amount, annualRate, array, clientUuid, dialect, doc, nullable, partyId, positiveAmount, reference, str, text, uuid, type Schema } from './primitives.ts';

/** A payload object: the listed properties, those not in `optional` required, nothing else allowed. */
function payload<P extends Record<string, Schema>>(properties: P, optional: readonly (keyof P & string)[] = []): { type: 'object'; properties: P; required: string[]; additionalProperties: false } {
  return { type: 'object', properties, required: Object.keys(properties).filter((k) => !optional.includes(k)), additionalProperties: false };
}

/** The hard bound on any array in a payload; policy limits (lower) are the ledger's to apply. */
export const commandArrayLengthMax = 1_000;
export const publicKeysPerCommandMax = 8;

const roleSchema = { enum: ['core', 'supplier', 'funder', 'regulator', 'operator'] };
const publicKey = payload({
  keyId: doc('key id (reference ≤ 128), unique across the platform', reference),
  alg: doc('`ed25519` or `sm2`', { enum: ['ed25519', 'sm2'] }),
  publicKey: doc('lower-case hex: 64 digits for Ed25519, 130 (uncompressed) or 66 (compressed) for SM2', text(200, 1)),
});
const voucherIdOf = (what: string) => doc(what, uuid);
const reason = text(500, 1);

export const commandPayloadSchemas = {
  'party.register': payload({
    partyId: doc('string: the USCC for core, supplier and funder parties; letters, digits, `.`, `_`, `-` (≤ 64) for others', partyId),
    uscc: doc('string | null: the 18-character unified social credit code (GB 32100, check character verified); required for core, supplier, funder', nullable(str('^[0-9A-Z]{18}$'))),
    name: doc('string, 1–200 characters', text(200, 1)),
    roles: doc('array of distinct `core` | `supplier` | `funder` | `regulator` | `operator`', { type: 'array', items: roleSchema, minItems: 1, maxItems: 5, uniqueItems: true }),
    publicKeys: doc(`array (1–${publicKeysPerCommandMax}) of \`{keyId, alg: "ed25519" | "sm2", publicKey: lower-case hex}\``, { type: 'array', items: publicKey, minItems: 1, maxItems: publicKeysPerCommandMax }),
  }),
  'key.add': payload({ key: doc('`{keyId, alg, publicKey}` as in party.register', publicKey) }),
  'key.revoke': payload({ keyId: doc("string: one of the actor's own keys; never its last active one", reference) }),
  'creditLine.set': payload({
    issuer: doc('party id of a core enterprise', partyId),
    limit: doc('amount string with two decimals, e.g. `"5000000.00"`', amount),
    termDays: doc('integer 1–366: the longest maturity the line backs', { type: 'number' }),
  }),
  'voucher.issue': payload(
    {
      voucherId: doc('canonical lower-case UUID chosen by the client (not version 8), so a retry names the same voucher', clientUuid),
      holder: doc('party id of the receiving supplier (or core)', partyId),
      amount: doc('amount string, two decimals, ≥ the minimum piece', positiveAmount),
      maturityDate: doc("calendar date `YYYY-MM-DD` (Asia/Shanghai), after today and within the policy's months", str('^[0-9]{4}-[0-9]{2}-[0-9]{2}$')),
      backing: doc(
        'array (1–policy max) of `{payableId, amount}`: confirmed payables owed by the issuer to the holder; amounts sum exactly to `amount`',
        { type: 'array', minItems: 1, maxItems: commandArrayLengthMax, items: payload({ payableId: reference, amount: positiveAmount }) },
      ),
      creditLineFunder: doc('optional party id of the funder whose credit line backs the voucher, or null', nullable(partyId)),
    },
    ['creditLineFunder'],
  ),
  'voucher.accept': payload({ voucherId: voucherIdOf('UUID of a voucher offered to the actor') }),
  'voucher.reject': payload({ voucherId: voucherIdOf('UUID of a voucher offered to the actor'), reason: doc('optional string ≤ 500', nullable(text(500))) }, ['reason']),
  'voucher.cancel': payload({ voucherId: voucherIdOf('UUID of an issued root not yet accepted') }),
  'voucher.transfer': payload(
    {
      voucherId: voucherIdOf('UUID of an active voucher the actor holds'),
      pieces: doc('array (1–policy max) of `{childId: new UUID, recipient: party id, amount}`', {
        type: 'array',
        minItems: 1,
        maxItems: commandArrayLengthMax,
        items: payload({ childId: clientUuid, recipient: partyId, amount: positiveAmount }),
      }),
      remainder: doc('`{childId: new UUID, amount}` kept by the holder, or null; pieces + remainder sum exactly to the voucher', nullable(payload({ childId: clientUuid, amount: positiveAmount }))),
    },
    ['remainder'],
  ),
  'voucher.revoke': payload({ voucherId: voucherIdOf('UUID of a transfer child the actor sent and nobody accepted yet') }),
  'financing.request': payload({
    voucherId: voucherIdOf('UUID of an active voucher the actor holds'),
    funder: doc('party id of a funder', partyId),
    productId: doc("the funder's product id (reference ≤ 128)", reference),
    maxAnnualRate: doc('decimal string `0` or `0.d…` (≤ 10 decimals): the highest annual rate the holder accepts', annualRate),
    maxFees: doc('amount string: the most fees the holder accepts', amount),
  }),
  'financing.withdraw': payload({ voucherId: voucherIdOf("UUID of the actor's voucher with an open request") }),
  'financing.approve': payload({
    voucherId: voucherIdOf('UUID of the voucher whose request names the actor'),
    annualRate: doc("decimal string ≤ the request's maxAnnualRate; interest = amount × rate × days / 360, half-up to 0.01", annualRate),
    fees: doc("amount string ≤ the request's maxFees and the policy fee cap", amount),
  }),
  'financing.reject': payload({ voucherId: voucherIdOf('UUID of the voucher whose request names the actor'), reason: doc('string 1–500', reason) }),
  'voucher.settle': payload({
    rootId: voucherIdOf('UUID of the root the actor issued'),
    paymentReference: doc("the bank payment's reference, unique per payer", reference),
    paidAmount: doc('amount string > 0, ≤ what the tree still owes', amount),
  }),
  'voucher.freeze': payload({ voucherId: voucherIdOf('UUID: the voucher and its whole subtree'), reason: doc('string 1–500', reason) }),
  'voucher.unfreeze': payload({ voucherId: voucherIdOf('UUID of the voucher the freeze order was placed on'), reason: doc('string 1–500', reason) }),
  'voucher.expireAcceptance': payload({ voucherId: voucherIdOf('UUID of an offer whose acceptance period is over') }),
  'voucher.markOverdue': payload({ rootId: voucherIdOf('UUID of a matured root with unpaid leaves') }),
  'policy.change': payload({
    changes: doc(
      'object naming the policy settings to change and their new values (`maturityMonthsMax`, `treeDepthMax`, `childrenPerTransferMax`, `pieceMin`, `financingFeeRateMax`, `acceptancePeriodMs`, `backingPayablesMax`, `commandAgeMaxMs`, `commandFutureSkewMs`); the hard limits still apply',
      {
        type: 'object',
        minProperties: 1,
        additionalProperties: false,
        properties: {
          maturityMonthsMax: { type: 'integer' },
          treeDepthMax: { type: 'integer' },
          childrenPerTransferMax: { type: 'integer' },
          pieceMin: amount,
          financingFeeRateMax: str('^0(\\.[0-9]{1,6})?$'),
          acceptancePeriodMs: { type: 'integer' },
          backingPayablesMax: { type: 'integer' },
          commandAgeMaxMs: { type: 'integer' },
          commandFutureSkewMs: { type: 'integer' },
        },
      },
    ),
  }),
} as const;

export type CommandPayloadName = keyof typeof commandPayloadSchemas;

/** The schema of a command's payload, with `$schema` and `$id`, for ajv or an OpenAPI document. */
export function commandPayloadSchema(type: CommandPayloadName): Schema {
  return { $schema: dialect, $id: `https://cascade.example/schemas/commands/${type}.json`, title: `${type} payload`, ...commandPayloadSchemas[type] };
}
