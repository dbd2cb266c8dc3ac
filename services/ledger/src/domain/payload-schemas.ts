/**
 * Payloads are validated from the one schema source, `@cascade/events`' command contract, which
 * the gateway validates with too; the domain's `CommandPayloads` type must name exactly the
 * properties those schemas name (checked here at compile time), so the two cannot drift.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { commandPayloadSchema, commandPayloadSchemas, type CommandPayloadName } from '@cascade/events';
import { commandTypes, type CommandPayloads, type CommandType } from './commands.ts';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SchemaFields<T extends CommandPayloadName> = keyof (typeof commandPayloadSchemas)[T]['properties'];
const everyCommandHasASchema: Same<CommandType, CommandPayloadName> = true;
const schemasNameThePayloadFields: { [T in CommandType]: Same<keyof CommandPayloads[T], SchemaFields<T>> } = {
  'party.register': true,
  'key.add': true,
  'key.revoke': true,
  'creditLine.set': true,
  'voucher.issue': true,
  'voucher.accept': true,
  'voucher.reject': true,
  'voucher.cancel': true,
  'voucher.transfer': true,
  'voucher.revoke': true,
  'financing.request': true,
  'financing.approve': true,
  'financing.reject': true,
  'financing.withdraw': true,
  'voucher.settle': true,
  'voucher.freeze': true,
  'voucher.unfreeze': true,
  'voucher.expireAcceptance': true,
  'voucher.markOverdue': true,
  'policy.change': true,
};
void everyCommandHasASchema;
void schemasNameThePayloadFields;

const ajv = new Ajv2020({ strict: true, allErrors: false });
const validators = new Map<CommandType, ValidateFunction>(commandTypes.map((t) => [t, ajv.compile(commandPayloadSchema(t))]));

function describe(error: ErrorObject): string {
  const at = `payload${error.instancePath.replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.')}`;
  if (error.keyword === 'additionalProperties') return `${at} has no field ${JSON.stringify((error.params as { additionalProperty: string }).additionalProperty)}`;
  if (error.keyword === 'required') return `${at}.${(error.params as { missingProperty: string }).missingProperty} is required`;
  if (error.keyword === 'pattern' || error.keyword === 'not') return `${at} is not well formed (${error.keyword === 'not' ? 'must not be 0.00' : `must match ${(error.params as { pattern: string }).pattern}`})`;
  return `${at} ${error.message ?? 'is invalid'}`;
}

/** Null when `payload` fits its command's schema; otherwise a sentence naming the first field that does not. */
export function payloadProblem(type: CommandType, payload: unknown): string | null {
  const validate = validators.get(type)!;
  if (validate(payload)) return null;
  return describe(validate.errors![0]!);
}
