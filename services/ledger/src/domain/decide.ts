/**
 * `decide(command, context)`: the pure heart of the ledger. It reads the state, never writes it,
 * and either returns the events the command leads to or one rejection, chosen by the fixed order
 * of `rejectionCodes`.
 */
import { createHash } from 'node:crypto';
import { isUuid } from '@cascade/ids';
import { validateUscc } from '@cascade/ids';
import { Amount, allocate, discountInterest, fenText, isAnnualRate, parseAnnualRate } from '@cascade/money';
import { commandAuthority, commandTypes, type CommandType, type LedgerCommand, type PayableConfirmedFact, type PublicKeyInput } from './commands.ts';
import { deadStatuses, keyAlgorithms, roles, terminalStatuses, type Backing, type KeyAlgorithm, type Party, type Role, type Voucher, type VoucherStatus } from './entities.ts';
import type { LedgerEvent, LedgerEventData, ReturnedOffer } from './events.ts';
import { financingFeeMax, type LedgerPolicy } from './policy.ts';
import type { Rejection, RejectionCode } from './rejections.ts';
import type { LedgerStateView } from './state.ts';
import { addDays, addMonths, daysBetween, isCalendarDate, isInstant, shanghaiDate } from './time.ts';

/** Party ids: the USCC for enterprises; letters, digits, '.', '_' and '-' for others (no ':' — it separates account names). */
export const partyIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Ids of payables, products, keys and payment references. */
export const referencePattern = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
export const nonceLengthMax = 128;
export const nameLengthMax = 200;
export const reasonLengthMax = 500;
export const invoicesPerPayableMax = 1_000;
export const publicKeysPerCommandMax = 8;
export const activeKeysPerPartyMax = 16;
export const settlementsPerTreeMax = 100;
/** A hard bound on array payloads, before policy limits (which are lower) are applied. */
export const payloadArrayLengthMax = 1_000;
export const creditLineTermDaysMax = 366;

export interface DecideContext {
  state: LedgerStateView;
  /** This ledger's chain id (its genesis); a command for another chain is refused. */
  chainId: string;
  /** The ledger's clock, injected. */
  now: Date;
  policy: LedgerPolicy;
  /** Key ids whose signatures over this exact command the caller has already verified. */
  signerKeyIds: readonly string[];
}

export type Decision = { ok: true; events: LedgerEvent[] } | { ok: false; rejection: Rejection };

class Refusal {
  constructor(
    readonly code: RejectionCode,
    readonly detail: string,
  ) {}
}

function refuse(code: RejectionCode, detail: string): never {
  throw new Refusal(code, detail);
}

/**
 * The id of the voucher created when the unaccepted transfer child `childId` returns to its
 * sender: a UUIDv8 derived from the child id, so replaying the log derives the same id. Client
 * ids must not be version 8, so no client can take this id first.
 */
export function returnVoucherId(childId: string): string {
  const h = createHash('sha256').update(`cascade:return:${childId}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A voucher id a client may choose: a canonical lowercase UUID of any version but 8 (reserved for the ledger). */
export function isClientVoucherId(value: unknown): value is string {
  return isUuid(value) && value[14] !== '8';
}

// ---------------------------------------------------------------------------------------------
// Payload readers: each refuses with payloadMalformed naming the field.

type Obj = Record<string, unknown>;

function object(value: unknown, field: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) refuse('payloadMalformed', `${field} must be an object`);
  return value as Obj;
}

function text(o: Obj, field: string, lengthMax: number, path = 'payload'): string {
  const v = o[field];
  if (typeof v !== 'string' || v.length === 0 || v.length > lengthMax) {
    refuse('payloadMalformed', `${path}.${field} must be a non-empty string of at most ${lengthMax} characters`);
  }
  return v;
}

function matching(o: Obj, field: string, pattern: RegExp, what: string, path = 'payload'): string {
  const v = o[field];
  if (typeof v !== 'string' || !pattern.test(v)) refuse('payloadMalformed', `${path}.${field} must be ${what}, got ${JSON.stringify(v)}`);
  return v;
}

function partyIdField(o: Obj, field: string, path = 'payload'): string {
  return matching(o, field, partyIdPattern, 'a party id', path);
}

function voucherIdField(o: Obj, field: string, path = 'payload'): string {
  const v = o[field];
  if (!isUuid(v)) refuse('payloadMalformed', `${path}.${field} must be a canonical lowercase UUID, got ${JSON.stringify(v)}`);
  return v;
}

function newVoucherIdField(o: Obj, field: string, path = 'payload'): string {
  const v = o[field];
  if (!isClientVoucherId(v)) {
    refuse('payloadMalformed', `${path}.${field} must be a canonical lowercase UUID of a version other than 8, got ${JSON.stringify(v)}`);
  }
  return v;
}

function amountField(o: Obj, field: string, path = 'payload', positive = true): Amount {
  const v = o[field];
  if (!Amount.isValid(v)) {
    refuse('payloadMalformed', `${path}.${field} must be an amount string with exactly two decimals, got ${JSON.stringify(v)}`);
  }
  const a = Amount.parse(v);
  if (positive && a.isZero()) refuse('payloadMalformed', `${path}.${field} must be above zero`);
  return a;
}

function arrayField(o: Obj, field: string, lengthMin: number, path = 'payload'): unknown[] {
  const v = o[field];
  if (!Array.isArray(v) || v.length < lengthMin || v.length > payloadArrayLengthMax) {
    refuse('payloadMalformed', `${path}.${field} must be an array of ${lengthMin} to ${payloadArrayLengthMax} entries`);
  }
  return v;
}

function optionalReason(o: Obj, field: string): string {
  const v = o[field];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string' || v.length > reasonLengthMax) refuse('payloadMalformed', `payload.${field} must be a string of at most ${reasonLengthMax} characters`);
  return v;
}

const publicKeyHexLengths: Record<KeyAlgorithm, readonly number[]> = { ed25519: [64], sm2: [130, 66] };

function publicKeyField(value: unknown, path: string): PublicKeyInput {
  const o = object(value, path);
  const keyId = matching(o, 'keyId', referencePattern, 'a key id', path);
  const alg = o.alg;
  if (typeof alg !== 'string' || !(keyAlgorithms as readonly string[]).includes(alg)) {
    refuse('payloadMalformed', `${path}.alg must be one of ${keyAlgorithms.join(', ')}`);
  }
  const publicKey = o.publicKey;
  if (typeof publicKey !== 'string') refuse('payloadMalformed', `${path}.publicKey must be a hex string`);
  return { keyId, alg: alg as KeyAlgorithm, publicKey };
}

function checkPublicKey(key: PublicKeyInput): void {
  const lengths = publicKeyHexLengths[key.alg];
  if (!/^[0-9a-f]*$/.test(key.publicKey) || !lengths.includes(key.publicKey.length)) {
    refuse('publicKeyMalformed', `key ${key.keyId}: an ${key.alg} public key is lower-case hex of ${lengths.join(' or ')} digits`);
  }
  if (key.alg === 'sm2' && !/^0[234]/.test(key.publicKey)) refuse('publicKeyMalformed', `key ${key.keyId}: an SM2 key starts with 02, 03 or 04`);
}

// ---------------------------------------------------------------------------------------------
// Shared checks.

function requireParty(state: LedgerStateView, partyId: string, as: string): Party {
  const p = state.party(partyId);
  if (p === undefined) refuse('unknownParty', `${as} ${partyId} is not a registered party`);
  return p;
}

function requireRole(party: Party, allowed: readonly Role[], as: string): void {
  if (!party.roles.some((r) => allowed.includes(r))) {
    refuse('counterpartyLacksRole', `${as} ${party.partyId} needs one of the roles ${allowed.join(', ')}`);
  }
}

function requireVoucher(state: LedgerStateView, voucherId: string): Voucher {
  const v = state.voucher(voucherId);
  if (v === undefined) refuse('unknownVoucher', `voucher ${voucherId} does not exist`);
  return v;
}

function requireEntitled(actor: string, entitled: string | undefined, what: string): void {
  if (actor !== entitled) refuse('signerNotEntitled', `${actor} is not ${what}`);
}

/** Active → ok; otherwise the most specific reason it is not. */
function requireActive(v: Voucher): void {
  if (v.status === 'consumed') refuse('voucherAlreadySplit', `voucher ${v.voucherId} was split; only its children can move`);
  if (v.status === 'frozen') refuse('voucherFrozen', `voucher ${v.voucherId} is frozen`);
  if (v.status !== 'active') refuse('voucherNotActive', `voucher ${v.voucherId} is ${v.status}`);
}

function requirePendingAcceptance(v: Voucher): void {
  if (v.status === 'frozen') refuse('voucherFrozen', `voucher ${v.voucherId} is frozen`);
  if (v.status !== 'pending_acceptance') refuse('voucherNotPendingAcceptance', `voucher ${v.voucherId} is ${v.status}`);
}

function requireBeforeMaturity(v: Voucher, today: string): void {
  if (today >= v.maturityDate) refuse('voucherPastMaturity', `voucher ${v.voucherId} matures on ${v.maturityDate}; today is ${today}`);
}

/** Every voucher of the subtree rooted at `voucherId`, the voucher first, depth first. */
export function subtree(state: LedgerStateView, voucherId: string): Voucher[] {
  const out: Voucher[] = [];
  const stack = [voucherId];
  while (stack.length > 0) {
    const id = stack.pop()!;
    const v = state.voucher(id);
    if (v === undefined) throw new Error(`ledger state broken: voucher ${id} is listed as a child but missing`);
    out.push(v);
    const children = state.childrenOf(id);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return out;
}

/** The live vouchers of a tree (every voucher not consumed and not returned), in voucher-id order. */
export function liveLeaves(state: LedgerStateView, rootId: string): Voucher[] {
  return subtree(state, rootId)
    .filter((v) => !deadStatuses.has(v.status))
    .sort((a, b) => (a.voucherId < b.voucherId ? -1 : a.voucherId > b.voucherId ? 1 : 0));
}

/** The party an offered voucher's value belongs to until accepted: the holder's own payables for a root, the sender for a child. */
function offerOwner(v: Voucher): string {
  return v.parentId === null ? v.holder : v.sender;
}

function returnedOffer(v: Voucher, at: string): ReturnedOffer {
  const isRoot = v.parentId === null;
  return {
    voucherId: v.voucherId,
    rootId: v.rootId,
    recipient: v.holder,
    owner: offerOwner(v),
    amount: v.amount,
    returnVoucherId: isRoot ? null : returnVoucherId(v.voucherId),
    restoredBacking: isRoot ? v.backing.map((b) => ({ ...b })) : [],
    creditLineRestored: isRoot && v.creditLineFunder !== null ? { funder: v.creditLineFunder, issuer: v.issuer, amount: v.amount } : null,
    at,
  };
}

function event<T extends LedgerEvent['type']>(type: T, data: LedgerEventData[T]): LedgerEvent {
  return { type, data } as LedgerEvent;
}

// ---------------------------------------------------------------------------------------------

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
  const { state, now, policy } = ctx;
  // Envelope.
  if (typeof command !== 'object' || command === null || Array.isArray(command)) refuse('commandMalformed', 'the command must be an object');
  const c = command as Obj;
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

  const p = c.payload as Obj;
  const at = now.toISOString();
  const today = shanghaiDate(now);
  const a = actor.partyId;

  switch (type) {
    case 'party.register': {
      const partyId = partyIdField(p, 'partyId');
      const uscc = p.uscc === null || p.uscc === undefined ? null : matching(p, 'uscc', /^[0-9A-Z]{18}$/, 'an 18-character code or null');
      const name = text(p, 'name', nameLengthMax);
      const rs = arrayField(p, 'roles', 1);
      if (!rs.every((r) => typeof r === 'string' && (roles as readonly string[]).includes(r)) || new Set(rs).size !== rs.length) {
        refuse('payloadMalformed', `payload.roles must be distinct roles among ${roles.join(', ')}`);
      }
      const partyRoles = rs as Role[];
      const rawKeys = arrayField(p, 'publicKeys', 1);
      if (rawKeys.length > publicKeysPerCommandMax) refuse('payloadMalformed', `payload.publicKeys takes at most ${publicKeysPerCommandMax} keys`);
      const keys = rawKeys.map((k, i) => publicKeyField(k, `payload.publicKeys[${i}]`));
      if (state.party(partyId) !== undefined) refuse('partyAlreadyRegistered', `party ${partyId} is already registered`);
      if (uscc !== null) {
        const check = validateUscc(uscc);
        if (!check.ok) refuse('usccInvalid', check.reason);
      }
      const isEnterprise = partyRoles.some((r) => r === 'core' || r === 'supplier' || r === 'funder');
      if (isEnterprise && uscc !== partyId) refuse('partyIdMustBeUscc', `party ${partyId} has roles ${partyRoles.join(', ')}, so its id must be its USCC (${String(uscc)})`);
      if (uscc !== null && state.partyByUscc(uscc) !== undefined) refuse('usccAlreadyRegistered', `USCC ${uscc} is already registered`);
      checkNewKeys(state, keys);
      return [event('PartyRegistered', { partyId, uscc, name, roles: partyRoles, keys: keys.map((k) => ({ ...k })), at })];
    }

    case 'key.add': {
      const key = publicKeyField(p.key, 'payload.key');
      checkNewKeys(state, [key]);
      if (state.activeKeyIds(a).length >= activeKeysPerPartyMax) refuse('tooManyKeys', `${a} already has ${activeKeysPerPartyMax} active keys`);
      return [event('KeyAdded', { partyId: a, keyId: key.keyId, alg: key.alg, publicKey: key.publicKey, at })];
    }

    case 'key.revoke': {
      const keyId = matching(p, 'keyId', referencePattern, 'a key id');
      const key = state.key(keyId);
      if (key === undefined || key.partyId !== a) refuse('unknownKey', `no key ${keyId} is registered to ${a}`);
      if (key.revokedAt !== null) refuse('keyAlreadyRevoked', `key ${keyId} was revoked at ${key.revokedAt}`);
      if (state.activeKeyIds(a).length <= 1) refuse('lastActiveKey', `key ${keyId} is the last active key of ${a}`);
      return [event('KeyRevoked', { partyId: a, keyId, at })];
    }

    case 'creditLine.set': {
      const issuer = partyIdField(p, 'issuer');
      const limit = amountField(p, 'limit', 'payload', false);
      const termDays = p.termDays;
      if (typeof termDays !== 'number') refuse('payloadMalformed', 'payload.termDays must be a number');
      const issuerParty = requireParty(state, issuer, 'issuer');
      requireRole(issuerParty, ['core'], 'issuer');
      if (!Number.isSafeInteger(termDays) || termDays < 1 || termDays > creditLineTermDaysMax) {
        refuse('termDaysOutOfRange', `termDays ${termDays} is outside 1..${creditLineTermDaysMax}`);
      }
      const line = state.creditLine(a, issuer);
      return [
        event('CreditLineChanged', {
          funder: a,
          issuer,
          limit: limit.toString(),
          previousLimit: line?.limit ?? '0.00',
          termDays,
          used: line?.used ?? '0.00',
          at,
        }),
      ];
    }

    case 'voucher.issue': {
      const voucherId = newVoucherIdField(p, 'voucherId');
      const holder = partyIdField(p, 'holder');
      const amount = amountField(p, 'amount');
      if (!isCalendarDate(p.maturityDate)) refuse('payloadMalformed', `payload.maturityDate must be a YYYY-MM-DD date, got ${JSON.stringify(p.maturityDate)}`);
      const maturityDate = p.maturityDate;
      const backing = arrayField(p, 'backing', 1).map((b, i) => {
        const o = object(b, `payload.backing[${i}]`);
        return { payableId: matching(o, 'payableId', referencePattern, 'a payable id', `payload.backing[${i}]`), amount: amountField(o, 'amount', `payload.backing[${i}]`) };
      });
      const funder = p.creditLineFunder === undefined || p.creditLineFunder === null ? null : partyIdField(p, 'creditLineFunder');

      const holderParty = requireParty(state, holder, 'holder');
      const funderParty = funder === null ? null : requireParty(state, funder, 'credit line funder');
      requireRole(holderParty, ['supplier', 'core'], 'holder');
      if (funderParty !== null) requireRole(funderParty, ['funder'], 'credit line funder');
      if (state.voucher(voucherId) !== undefined) refuse('voucherIdTaken', `voucher id ${voucherId} is taken`);

      if (holder === a) refuse('holderIsIssuer', `${a} cannot issue a voucher to itself`);
      if (backing.length > policy.backingPayablesMax) refuse('tooManyPayables', `${backing.length} payables exceed the policy maximum of ${policy.backingPayablesMax}`);
      if (new Set(backing.map((b) => b.payableId)).size !== backing.length) refuse('duplicatePayable', 'a payable appears twice in the backing');
      for (const b of backing) {
        const payable = state.payable(b.payableId);
        if (payable === undefined) refuse('unknownPayable', `payable ${b.payableId} is not recorded`);
        if (payable.debtor !== a || payable.creditor !== holder) {
          refuse('payableNotBetweenParties', `payable ${b.payableId} is owed by ${payable.debtor} to ${payable.creditor}, not by ${a} to ${holder}`);
        }
        if (b.amount.gt(Amount.parse(payable.remaining))) {
          refuse('payableRemainderExceeded', `backing ${b.amount} exceeds the ${payable.remaining} remaining of payable ${b.payableId}`);
        }
      }
      // Compared in fen: two valid backings can sum past the amount limit.
      const backedFen = Amount.sumFen(backing.map((b) => b.amount));
      if (backedFen !== amount.toFen()) refuse('backingMustSumToAmount', `backing sums to ${fenText(backedFen)}, the voucher amount is ${amount}`);
      if (amount.lt(Amount.parse(policy.pieceMin))) refuse('pieceBelowMinimum', `amount ${amount} is below the minimum piece ${policy.pieceMin}`);
      if (maturityDate <= today) refuse('maturityNotAfterIssue', `maturity ${maturityDate} is not after the issue date ${today}`);
      const latest = addMonths(today, policy.maturityMonthsMax);
      if (maturityDate > latest) refuse('maturityBeyondPolicy', `maturity ${maturityDate} is after ${latest}, ${policy.maturityMonthsMax} months from issue`);
      let creditLineUsed: LedgerEventData['VoucherIssued']['creditLineUsed'] = null;
      if (funder !== null) {
        const line = state.creditLine(funder, a);
        if (line === undefined) refuse('unknownCreditLine', `${funder} has no credit line for ${a}`);
        const lineLatest = addDays(today, line.termDays);
        if (maturityDate > lineLatest) refuse('maturityBeyondCreditLineTerm', `maturity ${maturityDate} is after ${lineLatest}, the end of the line's ${line.termDays}-day term`);
        const available = Amount.parse(line.limit).minusSigned(Amount.parse(line.used));
        if (available.lt(amount)) refuse('creditLineExhausted', `the line of ${funder} to ${a} has ${available.isNegative() ? '0.00' : available} available, ${amount} needed`);
        creditLineUsed = { funder, issuer: a, amount: amount.toString() };
      }
      const consumedBacking: Backing[] = backing.map((b) => ({ payableId: b.payableId, amount: b.amount.toString() }));
      const voucher: Voucher = {
        voucherId,
        rootId: voucherId,
        parentId: null,
        issuer: a,
        holder,
        sender: a,
        amount: amount.toString(),
        issueDate: today,
        maturityDate,
        tier: 1,
        backing: consumedBacking,
        creditLineFunder: funder,
        status: 'pending_acceptance',
        statusBeforeFreeze: null,
        frozenBy: null,
        freezeOrder: null,
        acceptanceDeadline: new Date(now.getTime() + policy.acceptancePeriodMs).toISOString(),
        financingRequest: null,
        financing: null,
        outstanding: amount.toString(),
        returnOf: null,
        paymentReferences: [],
        createdAt: at,
      };
      return [event('VoucherIssued', { voucher, consumedBacking: consumedBacking.map((b) => ({ ...b })), creditLineUsed })];
    }

    case 'voucher.accept': {
      const v = requireVoucher(state, voucherIdField(p, 'voucherId'));
      requireEntitled(a, v.holder, `the recipient of voucher ${v.voucherId}`);
      requirePendingAcceptance(v);
      if (v.acceptanceDeadline !== null && now.getTime() > Date.parse(v.acceptanceDeadline)) {
        refuse('acceptancePeriodOver', `the offer of voucher ${v.voucherId} ended at ${v.acceptanceDeadline}`);
      }
      return [event('VoucherAccepted', { voucherId: v.voucherId, rootId: v.rootId, holder: v.holder, owner: offerOwner(v), amount: v.amount, at })];
    }

    case 'voucher.reject': {
      const voucherId = voucherIdField(p, 'voucherId');
      const reason = optionalReason(p, 'reason');
      const v = requireVoucher(state, voucherId);
      requireEntitled(a, v.holder, `the recipient of voucher ${v.voucherId}`);
      requirePendingAcceptance(v);
      return [event('VoucherRejected', { ...returnedOffer(v, at), reason })];
    }

    case 'voucher.cancel': {
      const v = requireVoucher(state, voucherIdField(p, 'voucherId'));
      requireEntitled(a, v.issuer, `the issuer of voucher ${v.voucherId}`);
      if (v.parentId !== null) refuse('voucherNotARoot', `voucher ${v.voucherId} is a transfer child; its sender revokes it`);
      requirePendingAcceptance(v);
      return [event('VoucherCancelled', returnedOffer(v, at))];
    }

    case 'voucher.revoke': {
      const v = requireVoucher(state, voucherIdField(p, 'voucherId'));
      requireEntitled(a, v.sender, `the sender of voucher ${v.voucherId}`);
      if (v.parentId === null) refuse('voucherNotATransfer', `voucher ${v.voucherId} is an issue; its issuer cancels it`);
      requirePendingAcceptance(v);
      return [event('TransferRevoked', returnedOffer(v, at))];
    }

    case 'voucher.expireAcceptance': {
      const v = requireVoucher(state, voucherIdField(p, 'voucherId'));
      requirePendingAcceptance(v);
      if (v.acceptanceDeadline === null || now.getTime() <= Date.parse(v.acceptanceDeadline)) {
        refuse('acceptancePeriodNotOver', `the offer of voucher ${v.voucherId} runs until ${String(v.acceptanceDeadline)}`);
      }
      return [event('AcceptanceExpired', returnedOffer(v, at))];
    }

    case 'voucher.transfer': {
      const voucherId = voucherIdField(p, 'voucherId');
      const pieces = arrayField(p, 'pieces', 1).map((x, i) => {
        const path = `payload.pieces[${i}]`;
        const o = object(x, path);
        return { childId: newVoucherIdField(o, 'childId', path), recipient: partyIdField(o, 'recipient', path), amount: amountField(o, 'amount', path) };
      });
      let remainder: { childId: string; amount: Amount } | null = null;
      if (p.remainder !== null && p.remainder !== undefined) {
        const o = object(p.remainder, 'payload.remainder');
        remainder = { childId: newVoucherIdField(o, 'childId', 'payload.remainder'), amount: amountField(o, 'amount', 'payload.remainder') };
      }
      const recipients = pieces.map((x) => requireParty(state, x.recipient, 'recipient'));
      for (const r of recipients) requireRole(r, ['supplier', 'core'], 'recipient');
      const childIds = [...pieces.map((x) => x.childId), ...(remainder === null ? [] : [remainder.childId])];
      const v = requireVoucher(state, voucherId);
      requireEntitled(a, v.holder, `the holder of voucher ${v.voucherId}`);
      // Only the holder learns whether an id is taken: checked before entitlement, this let anyone
      // probe which voucher ids exist.
      for (const id of childIds) if (state.voucher(id) !== undefined) refuse('voucherIdTaken', `voucher id ${id} is taken`);
      if (new Set(childIds).size !== childIds.length || childIds.includes(voucherId)) refuse('duplicateVoucherId', 'a child id appears twice');
      requireActive(v);
      for (const piece of pieces) if (piece.recipient === a) refuse('recipientIsHolder', `${a} cannot transfer to itself`);
      const pieceMin = Amount.parse(policy.pieceMin);
      for (const x of [...pieces, ...(remainder === null ? [] : [remainder])]) {
        if (x.amount.lt(pieceMin)) refuse('pieceBelowMinimum', `child ${x.childId} amount ${x.amount} is below the minimum piece ${policy.pieceMin}`);
      }
      if (childIds.length > policy.childrenPerTransferMax) refuse('tooManyChildren', `${childIds.length} children exceed the policy maximum of ${policy.childrenPerTransferMax}`);
      if (v.tier + 1 > policy.treeDepthMax) refuse('treeDepthBeyondPolicy', `children would be tier ${v.tier + 1}; the policy allows ${policy.treeDepthMax}`);
      // Compared in fen: pieces can sum past the amount limit, which must be a refusal, not a throw.
      const totalFen = Amount.sumFen([...pieces.map((x) => x.amount), ...(remainder === null ? [] : [remainder.amount])]);
      if (totalFen !== Amount.parse(v.amount).toFen()) refuse('childrenMustSumToParent', `children sum to ${fenText(totalFen)}; voucher ${v.voucherId} is ${v.amount}`);
      requireBeforeMaturity(v, today);
      const deadline = new Date(now.getTime() + policy.acceptancePeriodMs).toISOString();
      const child = (childId: string, holder: string, amount: Amount, status: VoucherStatus, acceptanceDeadline: string | null): Voucher => ({
        voucherId: childId,
        rootId: v.rootId,
        parentId: v.voucherId,
        issuer: v.issuer,
        holder,
        sender: a,
        amount: amount.toString(),
        issueDate: v.issueDate,
        maturityDate: v.maturityDate,
        tier: v.tier + 1,
        backing: [],
        creditLineFunder: null,
        status,
        statusBeforeFreeze: null,
        frozenBy: null,
        freezeOrder: null,
        acceptanceDeadline,
        financingRequest: null,
        financing: null,
        outstanding: amount.toString(),
        returnOf: null,
        paymentReferences: [],
        createdAt: at,
      });
      const children = pieces.map((x) => child(x.childId, x.recipient, x.amount, 'pending_acceptance', deadline));
      if (remainder !== null) children.push(child(remainder.childId, a, remainder.amount, 'active', null));
      return [event('VoucherTransferred', { parentId: v.voucherId, rootId: v.rootId, holder: a, amount: v.amount, children, at })];
    }

    case 'financing.request': {
      const voucherId = voucherIdField(p, 'voucherId');
      const funder = partyIdField(p, 'funder');
      const productId = matching(p, 'productId', referencePattern, 'a product id');
      if (!isAnnualRate(p.maxAnnualRate)) refuse('payloadMalformed', `payload.maxAnnualRate must be a decimal string 0 ≤ rate < 1 with at most 10 decimals, got ${JSON.stringify(p.maxAnnualRate)}`);
      const maxAnnualRate = p.maxAnnualRate;
      const maxFees = amountField(p, 'maxFees', 'payload', false);
      requireRole(requireParty(state, funder, 'funder'), ['funder'], 'funder');
      const v = requireVoucher(state, voucherId);
      requireEntitled(a, v.holder, `the holder of voucher ${v.voucherId}`);
      requireActive(v);
      requireBeforeMaturity(v, today);
      return [event('FinancingRequested', { voucherId, rootId: v.rootId, holder: a, funder, productId, maxAnnualRate, maxFees: maxFees.toString(), amount: v.amount, at })];
    }

    case 'financing.approve': {
      const voucherId = voucherIdField(p, 'voucherId');
      if (!isAnnualRate(p.annualRate)) refuse('payloadMalformed', `payload.annualRate must be a decimal string 0 ≤ rate < 1 with at most 10 decimals, got ${JSON.stringify(p.annualRate)}`);
      const annualRate = p.annualRate;
      const fees = amountField(p, 'fees', 'payload', false);
      const v = requireVoucher(state, voucherId);
      // The entitled funder is the one the pending request names; without a request any funder learns only that.
      if (v.financingRequest !== null) requireEntitled(a, v.financingRequest.funder, `the funder asked to finance voucher ${v.voucherId}`);
      if (v.status === 'frozen') refuse('voucherFrozen', `voucher ${v.voucherId} is frozen`);
      if (v.status !== 'pending_financing' || v.financingRequest === null) refuse('voucherNotPendingFinancing', `voucher ${v.voucherId} is ${v.status}`);
      requireBeforeMaturity(v, today);
      const amount = Amount.parse(v.amount);
      const feeCap = financingFeeMax(policy, amount);
      if (fees.gt(feeCap)) refuse('feeAboveCap', `fees ${fees} exceed the cap ${feeCap} (${policy.financingFeeRateMax} of ${amount})`);
      // The funder alone does not set the price: the holder's request bounds it.
      const asked = v.financingRequest;
      if (parseAnnualRate(annualRate).gt(parseAnnualRate(asked.maxAnnualRate)) || fees.gt(Amount.parse(asked.maxFees))) {
        refuse('financingTermsBeyondRequest', `rate ${annualRate} and fees ${fees} exceed what the holder accepted: at most ${asked.maxAnnualRate} a year and ${asked.maxFees} in fees`);
      }
      const days = daysBetween(today, v.maturityDate);
      const interest = discountInterest(amount, annualRate, days);
      const discount = interest.plus(fees);
      if (discount.gt(amount)) refuse('discountExceedsAmount', `interest ${interest} plus fees ${fees} exceed the amount ${amount}`);
      const net = amount.minus(discount);
      return [
        event('VoucherFinanced', {
          voucherId,
          rootId: v.rootId,
          amount: v.amount,
          terms: {
            funder: a,
            seller: v.holder,
            productId: v.financingRequest.productId,
            annualRate,
            days,
            interest: interest.toString(),
            fees: fees.toString(),
            net: net.toString(),
            financedOn: today,
          },
          at,
        }),
      ];
    }

    case 'financing.reject': {
      const voucherId = voucherIdField(p, 'voucherId');
      const reason = text(p, 'reason', reasonLengthMax);
      const v = requireVoucher(state, voucherId);
      if (v.financingRequest !== null) requireEntitled(a, v.financingRequest.funder, `the funder asked to finance voucher ${v.voucherId}`);
      if (v.status === 'frozen') refuse('voucherFrozen', `voucher ${v.voucherId} is frozen`);
      if (v.status !== 'pending_financing') refuse('voucherNotPendingFinancing', `voucher ${v.voucherId} is ${v.status}`);
      return [event('FinancingRejected', { voucherId, rootId: v.rootId, holder: v.holder, funder: a, reason, at })];
    }

    case 'financing.withdraw': {
      const voucherId = voucherIdField(p, 'voucherId');
      const v = requireVoucher(state, voucherId);
      requireEntitled(a, v.holder, `the holder of voucher ${v.voucherId}`);
      if (v.status === 'frozen') refuse('voucherFrozen', `voucher ${v.voucherId} is frozen`);
      if (v.status !== 'pending_financing' || v.financingRequest === null) refuse('voucherNotPendingFinancing', `voucher ${v.voucherId} is ${v.status}`);
      return [event('FinancingWithdrawn', { voucherId, rootId: v.rootId, holder: a, funder: v.financingRequest.funder, at })];
    }

    case 'voucher.settle': {
      const rootId = voucherIdField(p, 'rootId');
      const paymentReference = matching(p, 'paymentReference', referencePattern, 'a payment reference');
      const paid = amountField(p, 'paidAmount', 'payload', false);
      const root = requireVoucher(state, rootId);
      requireEntitled(a, root.issuer, `the issuer of voucher ${rootId}`);
      const unpaid = unpaidLeaves(state, root);
      if (unpaid.length === 0) refuse('treeAlreadySettled', `every voucher of tree ${rootId} is paid`);
      if (today < root.maturityDate) refuse('settlementBeforeMaturity', `tree ${rootId} matures on ${root.maturityDate}; today is ${today}`);
      if (root.paymentReferences.length >= settlementsPerTreeMax) refuse('tooManySettlements', `tree ${rootId} already has ${settlementsPerTreeMax} settlements`);
      // One bank payment settles one thing: a reference is unique per payer across the platform.
      if (state.paymentReferenceUsed(root.issuer, paymentReference)) refuse('paymentReferenceAlreadyUsed', `${root.issuer} already cited payment ${paymentReference} in a settlement`);
      if (paid.isZero()) refuse('paymentMustBePositive', 'the paid amount is 0.00');
      const owed = Amount.sum(unpaid.map((v) => Amount.parse(v.outstanding)));
      if (paid.gt(owed)) refuse('paymentExceedsOutstanding', `paid ${paid} exceeds the ${owed} tree ${rootId} still owes`);
      const shares = allocate(paid, unpaid.map((v) => Amount.parse(v.outstanding)));
      const payouts = unpaid.map((v, i) => {
        const share = shares[i]!;
        const after = Amount.parse(v.outstanding).minus(share);
        const pending = v.status === 'pending_acceptance';
        return {
          voucherId: v.voucherId,
          holder: pending ? v.sender : v.holder,
          wasPendingAcceptance: pending,
          amount: share.toString(),
          outstandingAfter: after.toString(),
          statusAfter: (after.isZero() ? 'settled' : 'overdue') as VoucherStatus,
        };
      });
      const totals = new Map<string, Amount>();
      for (const x of payouts) totals.set(x.holder, (totals.get(x.holder) ?? Amount.zero).plus(Amount.parse(x.amount)));
      const holderTotals = [...totals.entries()]
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        .map(([holder, amount]) => ({ holder, amount: amount.toString() }));
      const events: LedgerEvent[] = [
        event('VoucherSettled', {
          rootId,
          issuer: a,
          paymentReference,
          paidAmount: paid.toString(),
          payouts,
          holderTotals,
          creditLineRestored: root.creditLineFunder === null ? null : { funder: root.creditLineFunder, issuer: a, amount: paid.toString() },
          at,
        }),
      ];
      const left = payouts.filter((x) => x.statusAfter === 'overdue');
      if (left.length > 0) {
        events.push(event('VoucherOverdue', { rootId, leaves: left.map((x) => ({ voucherId: x.voucherId, holder: x.holder, outstanding: x.outstandingAfter, wasPendingAcceptance: false })), at }));
      }
      return events;
    }

    case 'voucher.markOverdue': {
      const rootId = voucherIdField(p, 'rootId');
      const root = requireVoucher(state, rootId);
      const unpaid = unpaidLeaves(state, root).filter((v) => v.status !== 'overdue');
      if (unpaid.length === 0) refuse('nothingOverdue', `tree ${rootId} has no unpaid voucher left to mark overdue`);
      if (today <= root.maturityDate) refuse('maturityNotPassed', `tree ${rootId} matures on ${root.maturityDate}; today is ${today}`);
      return [
        event('VoucherOverdue', {
          rootId,
          leaves: unpaid.map((v) => {
            const pending = v.status === 'pending_acceptance';
            return { voucherId: v.voucherId, holder: pending ? v.sender : v.holder, outstanding: v.outstanding, wasPendingAcceptance: pending };
          }),
          at,
        }),
      ];
    }

    case 'voucher.freeze': {
      const voucherId = voucherIdField(p, 'voucherId');
      const reason = text(p, 'reason', reasonLengthMax);
      const v = requireVoucher(state, voucherId);
      if (v.freezeOrder !== null || v.status === 'frozen') refuse('voucherAlreadyFrozen', `voucher ${voucherId} is already frozen`);
      const affected = subtree(state, voucherId)
        .filter((x) => !terminalStatuses.has(x.status) && x.status !== 'frozen')
        .map((x) => ({ voucherId: x.voucherId, previousStatus: x.status }));
      if (affected.length === 0) refuse('nothingToFreeze', `no voucher under ${voucherId} is in a status a freeze can hold`);
      return [event('VoucherFrozen', { voucherId, rootId: v.rootId, reason, affected, at })];
    }

    case 'voucher.unfreeze': {
      const voucherId = voucherIdField(p, 'voucherId');
      const reason = text(p, 'reason', reasonLengthMax);
      const v = requireVoucher(state, voucherId);
      if (v.freezeOrder === null) refuse('voucherNotFrozenByThisOrder', `there is no freeze order on voucher ${voucherId}`);
      // An ancestor's order still in force keeps the vouchers frozen, now under that order.
      let holdingOrder: string | null = null;
      for (let up = v.parentId; up !== null; ) {
        const ancestor = requireVoucher(state, up);
        if (ancestor.freezeOrder !== null) {
          holdingOrder = ancestor.voucherId;
          break;
        }
        up = ancestor.parentId;
      }
      const held = subtree(state, voucherId).filter((x) => x.status === 'frozen' && x.frozenBy === voucherId);
      const restored = holdingOrder === null ? held.map((x) => ({ voucherId: x.voucherId, status: x.statusBeforeFreeze! })) : [];
      const reassigned = holdingOrder === null ? [] : held.map((x) => ({ voucherId: x.voucherId, frozenBy: holdingOrder! }));
      return [event('VoucherUnfrozen', { voucherId, rootId: v.rootId, reason, restored, reassigned, at })];
    }
  }
}

/** The live, not fully paid vouchers of a tree, after the checks every settlement-like command shares. */
function unpaidLeaves(state: LedgerStateView, root: Voucher): Voucher[] {
  if (root.parentId !== null) refuse('voucherNotARoot', `voucher ${root.voucherId} is not a root; settle its root ${root.rootId}`);
  const rootStatus = root.status === 'frozen' ? root.statusBeforeFreeze : root.status;
  if (rootStatus === 'pending_acceptance' || rootStatus === 'rejected' || rootStatus === 'cancelled') {
    refuse('rootNotAccepted', `voucher ${root.voucherId} is ${String(rootStatus)}`);
  }
  const leaves = liveLeaves(state, root.voucherId);
  const frozen = leaves.find((v) => v.status === 'frozen');
  if (frozen !== undefined) refuse('treeHasFrozenVoucher', `voucher ${frozen.voucherId} of tree ${root.voucherId} is frozen`);
  return leaves.filter((v) => v.status !== 'settled');
}

function checkNewKeys(state: LedgerStateView, keys: readonly PublicKeyInput[]): void {
  const seen = new Set<string>();
  for (const k of keys) {
    if (state.key(k.keyId) !== undefined || seen.has(k.keyId)) refuse('keyIdTaken', `key id ${k.keyId} is taken`);
    seen.add(k.keyId);
  }
  for (const k of keys) checkPublicKey(k);
}

/**
 * Decides the external fact that a debtor confirmed a payable (from the invoices service). No
 * signature or nonce: the caller has authenticated the fact's source.
 */
export function decidePayableConfirmed(fact: unknown, ctx: { state: LedgerStateView; now: Date }): Decision {
  try {
    const f = object(fact, 'fact');
    const payableId = matching(f, 'payableId', referencePattern, 'a payable id', 'fact');
    const debtor = partyIdField(f, 'debtor', 'fact');
    const creditor = partyIdField(f, 'creditor', 'fact');
    const amount = amountField(f, 'amount', 'fact');
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
    const data: PayableConfirmedFact = { type: 'payable.confirmed', payableId, debtor, creditor, amount: amount.toString(), invoices: invoices as string[] };
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
 * The events that open a deployment's ledger: the operator, named by the genesis configuration,
 * with its keys. Applied with `evolve` before any command.
 */
export function genesisEvents(operator: { partyId: string; name: string; publicKeys: PublicKeyInput[] }, now: Date): LedgerEvent[] {
  if (!partyIdPattern.test(operator.partyId)) throw new Error(`genesis: operator id ${operator.partyId} is not a party id`);
  if (operator.publicKeys.length === 0) throw new Error('genesis: the operator needs at least one key');
  return [
    event('PartyRegistered', {
      partyId: operator.partyId,
      uscc: null,
      name: operator.name,
      roles: ['operator'],
      keys: operator.publicKeys.map((k) => ({ ...k })),
      at: now.toISOString(),
    }),
  ];
}
