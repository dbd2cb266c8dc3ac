/**
 * `decide(command, context)`: the pure heart of the ledger. It reads the state, never writes it,
 * and either returns the events the command leads to or one rejection, chosen by the fixed order
 * of `rejectionCodes`: the envelope, then authority, then the payload against its schema (the
 * one in `@cascade/events`), then the command's own decider (`deciders/`), one module per type.
 */
import { commandAuthority, commandTypes, type CommandType, type PayableConfirmedFact, type PublicKeyInput } from './commands.ts';
import { deciders } from './deciders/index.ts';
import { event, Refusal, refuse, requireParty, requireRole, type CommandContext } from './deciders/shared.ts';
import type { LedgerEvent } from './events.ts';
import { payloadProblem } from './payload-schemas.ts';
import type { LedgerPolicy } from './policy.ts';
import type { Rejection } from './rejections.ts';
import type { LedgerStateView } from './state.ts';
import { isInstant, shanghaiDate } from './time.ts';

export { isClientVoucherId, liveLeaves, returnVoucherId, subtree, activeKeysPerPartyMax, settlementsPerTreeMax, creditLineTermDaysMax } from './deciders/shared.ts';

/** Party ids: the USCC for enterprises; letters, digits, '.', '_' and '-' for others (no ':' — it separates account names). */
export const partyIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Ids of payables, products, keys and payment references. */
export const referencePattern = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
export const nonceLengthMax = 128;
export const invoicesPerPayableMax = 1_000;

export interface DecideContext {
  state: LedgerStateView;
  /** This ledger's chain id (its genesis); a command for another chain is refused. */
  chainId: string;
  /** The ledger's clock, injected. */
  now: Date;
  /** Key ids whose signatures over this exact command the caller has already verified. */
  signerKeyIds: readonly string[];
}

export type Decision = { ok: true; events: LedgerEvent[] } | { ok: false; rejection: Rejection };

/**
 * Decides a signed command. Never throws for a bad command (that is a rejection); throws only
 * when the state itself is broken, which is a programmer error.
 */
export function decide(command: unknown, ctx: DecideContext): Decision {
  try {
    return { ok: true, events: decideOrRefuse(command, ctx) };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, rejection: { code: e.code, detail: e.detail } };
    throw e;
  }
}

function decideOrRefuse(command: unknown, ctx: DecideContext): LedgerEvent[] {
  const { state, now } = ctx;
  const policy = state.policy();
  // Envelope.
  if (typeof command !== 'object' || command === null || Array.isArray(command)) refuse('commandMalformed', 'the command must be an object');
  const c = command as Record<string, unknown>;
  if (typeof c.type !== 'string') refuse('commandMalformed', 'type must be a string');
  if (typeof c.chain !== 'string') refuse('commandMalformed', 'chain must be the chain id of the ledger the command is for');
  if (typeof c.actor !== 'string' || !partyIdPattern.test(c.actor)) refuse('commandMalformed', 'actor must be a party id');
  if (typeof c.nonce !== 'string' || c.nonce.length === 0 || c.nonce.length > nonceLengthMax) {
    refuse('commandMalformed', `nonce must be a non-empty string of at most ${nonceLengthMax} characters`);
  }
  if (!isInstant(c.createdAt)) refuse('commandMalformed', 'createdAt must be an ISO 8601 UTC instant');
  if (typeof c.payload !== 'object' || c.payload === null || Array.isArray(c.payload)) refuse('commandMalformed', 'payload must be an object');
  if (!(commandTypes as readonly string[]).includes(c.type)) refuse('unknownCommandType', `command type ${JSON.stringify(c.type)} is unknown`);
  // Bound to one ledger: the same keys may be registered on another ledger, where this signed
  // command must not replay.
  if (c.chain !== ctx.chainId) refuse('chainMismatch', `the command is for chain ${JSON.stringify(c.chain)}; this ledger is ${ctx.chainId}`);
  const type = c.type as CommandType;
  const createdMs = Date.parse(c.createdAt);
  if (now.getTime() - createdMs > policy.commandAgeMaxMs) refuse('commandExpired', `command created at ${c.createdAt} is older than ${policy.commandAgeMaxMs} ms`);
  if (createdMs - now.getTime() > policy.commandFutureSkewMs) refuse('commandFromTheFuture', `command created at ${c.createdAt} is ahead of the ledger clock ${now.toISOString()}`);
  if (state.hasSeenNonce(c.actor, c.nonce)) refuse('nonceAlreadyUsed', `${c.actor} already used nonce ${c.nonce}`);

  // Authority: a verified signature by a key registered to the actor and not revoked.
  const actor = state.party(c.actor);
  if (actor === undefined) refuse('actorUnknown', `actor ${c.actor} is not a registered party`);
  if (ctx.signerKeyIds.length === 0) refuse('signatureMissing', 'no verified signer key was given');
  let signedByActiveKey = false;
  let signedByRevokedKey = false;
  for (const keyId of ctx.signerKeyIds) {
    const key = state.key(keyId);
    if (key === undefined || key.partyId !== actor.partyId) continue;
    if (key.revokedAt === null) signedByActiveKey = true;
    else signedByRevokedKey = true;
  }
  if (!signedByActiveKey) {
    if (signedByRevokedKey) refuse('keyRevoked', `every signer key of ${actor.partyId} is revoked`);
    refuse('signerKeyNotOfActor', `none of the signer keys ${ctx.signerKeyIds.join(', ')} is registered to ${actor.partyId}`);
  }
  const role = commandAuthority[type].role;
  if (role !== null && !actor.roles.includes(role)) refuse('actorLacksRole', `${type} needs the role ${role}; ${actor.partyId} has ${actor.roles.join(', ')}`);

  // Payload shape, from the one schema source.
  const problem = payloadProblem(type, c.payload);
  if (problem !== null) refuse('payloadMalformed', problem);

  const commandContext: CommandContext = { state, actor: actor.partyId, now, at: now.toISOString(), today: shanghaiDate(now), policy };
  const decider = deciders[type] as (payload: unknown, ctx: CommandContext) => LedgerEvent[];
  return decider(c.payload, commandContext);
}

/**
 * Decides the external fact that a debtor confirmed a payable (from the invoices service, whose
 * signature the intake checked). No nonce of its own: the payable id is its nonce.
 */
export function decidePayableConfirmed(fact: unknown, ctx: { state: LedgerStateView; now: Date }): Decision {
  try {
    if (typeof fact !== 'object' || fact === null || Array.isArray(fact)) refuse('payloadMalformed', 'fact must be an object');
    const f = fact as Record<string, unknown>;
    const field = (name: string, pattern: RegExp, what: string): string => {
      const v = f[name];
      if (typeof v !== 'string' || !pattern.test(v)) refuse('payloadMalformed', `fact.${name} must be ${what}, got ${JSON.stringify(v)}`);
      return v;
    };
    const payableId = field('payableId', referencePattern, 'a payable id');
    const debtor = field('debtor', partyIdPattern, 'a party id');
    const creditor = field('creditor', partyIdPattern, 'a party id');
    const amount = field('amount', /^(0|[1-9]\d{0,14})\.\d{2}$/, 'an amount string with exactly two decimals');
    if (amount === '0.00') refuse('payloadMalformed', 'fact.amount must be above zero');
    const invoices = f.invoices;
    if (!Array.isArray(invoices) || invoices.length > invoicesPerPayableMax || !invoices.every((i) => typeof i === 'string' && i.length > 0 && i.length <= 128)) {
      refuse('payloadMalformed', `fact.invoices must be an array of at most ${invoicesPerPayableMax} invoice references`);
    }
    if (debtor === creditor) refuse('payloadMalformed', 'fact.debtor and fact.creditor must differ');
    if (ctx.state.payable(payableId) !== undefined) refuse('payableAlreadyRecorded', `payable ${payableId} is already recorded`);
    const debtorParty = requireParty(ctx.state, debtor, 'debtor');
    const creditorParty = requireParty(ctx.state, creditor, 'creditor');
    requireRole(debtorParty, ['core'], 'debtor');
    requireRole(creditorParty, ['supplier', 'core'], 'creditor');
    const data: PayableConfirmedFact = { type: 'payable.confirmed', payableId, debtor, creditor, amount, invoices: invoices as string[] };
    return {
      ok: true,
      events: [event('PayableRecorded', { payableId: data.payableId, debtor, creditor, amount: data.amount, invoices: [...data.invoices], at: ctx.now.toISOString() })],
    };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, rejection: { code: e.code, detail: e.detail } };
    throw e;
  }
}

/**
 * The events that open a deployment's ledger: the policy and the operator the genesis names,
 * with its keys. Applied with `evolve` before any command.
 */
export function genesisEvents(operator: { partyId: string; name: string; publicKeys: PublicKeyInput[] }, policy: LedgerPolicy, now: Date): LedgerEvent[] {
  if (!partyIdPattern.test(operator.partyId)) throw new Error(`genesis: operator id ${operator.partyId} is not a party id`);
  if (operator.publicKeys.length === 0) throw new Error('genesis: the operator needs at least one key');
  const at = now.toISOString();
  return [
    event('PolicyChanged', { policy: { ...policy }, previous: null, at }),
    event('PartyRegistered', { partyId: operator.partyId, uscc: null, name: operator.name, roles: ['operator'], keys: operator.publicKeys.map((k) => ({ ...k })), at }),
  ];
}
