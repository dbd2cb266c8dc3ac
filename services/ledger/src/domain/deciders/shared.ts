/**
 * What every command's decider shares: the context it decides in, the way it refuses, and the
 * checks several commands make in the same words (the party exists, the actor is entitled, the
 * voucher is active …). A decider reads the state, never writes it.
 */
import { createHash } from 'node:crypto';
import { isUuid } from '@cascade/ids';
import type { CommandPayloads, CommandType, PublicKeyInput } from '../commands.ts';
import { deadStatuses, type KeyAlgorithm, type Party, type Role, type Voucher } from '../entities.ts';
import type { LedgerEvent, LedgerEventData, ReturnedOffer } from '../events.ts';
import type { LedgerPolicy } from '../policy.ts';
import type { RejectionCode } from '../rejections.ts';
import type { LedgerStateView } from '../state.ts';

/** What a decider knows besides its payload: the envelope and authority checks have passed. */
export interface CommandContext {
  state: LedgerStateView;
  /** The actor's party id: registered, signed for with an active key, holding the command's role. */
  actor: string;
  now: Date;
  /** `now` as an ISO instant, the `at` of every event. */
  at: string;
  /** `now` as a calendar date in Asia/Shanghai. */
  today: string;
  /** The policy in force at this point of the log. */
  policy: LedgerPolicy;
}

/** Decides one command type on a payload its schema has already validated. */
export type Decider<T extends CommandType> = (payload: CommandPayloads[T], ctx: CommandContext) => LedgerEvent[];

export const nameLengthMax = 200;
export const reasonLengthMax = 500;
export const activeKeysPerPartyMax = 16;
export const settlementsPerTreeMax = 100;
export const creditLineTermDaysMax = 366;

/** A rejection thrown inside a decider and turned into a `Decision` by `decide`. */
export class Refusal {
  constructor(
    readonly code: RejectionCode,
    readonly detail: string,
  ) {}
}

export function refuse(code: RejectionCode, detail: string): never {
  throw new Refusal(code, detail);
}

export function event<T extends LedgerEvent['type']>(type: T, data: LedgerEventData[T]): LedgerEvent {
  return { type, data } as LedgerEvent;
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

export function requireParty(state: LedgerStateView, partyId: string, as: string): Party {
  const p = state.party(partyId);
  if (p === undefined) refuse('unknownParty', `${as} ${partyId} is not a registered party`);
  return p;
}

export function requireRole(party: Party, allowed: readonly Role[], as: string): void {
  if (!party.roles.some((r) => allowed.includes(r))) {
    refuse('counterpartyLacksRole', `${as} ${party.partyId} needs one of the roles ${allowed.join(', ')}`);
  }
}

export function requireVoucher(state: LedgerStateView, voucherId: string): Voucher {
  const v = state.voucher(voucherId);
  if (v === undefined) refuse('unknownVoucher', `voucher ${voucherId} does not exist`);
  return v;
}

export function requireEntitled(actor: string, entitled: string | undefined, what: string): void {
  if (actor !== entitled) refuse('signerNotEntitled', `${actor} is not ${what}`);
}

/** Active → ok; otherwise the most specific reason it is not. */
export function requireActive(v: Voucher): void {
  if (v.status === 'consumed') refuse('voucherAlreadySplit', `voucher ${v.voucherId} was split; only its children can move`);
  if (v.status === 'frozen') refuse('voucherFrozen', `voucher ${v.voucherId} is frozen`);
  if (v.status !== 'active') refuse('voucherNotActive', `voucher ${v.voucherId} is ${v.status}`);
}

export function requirePendingAcceptance(v: Voucher): void {
  if (v.status === 'frozen') refuse('voucherFrozen', `voucher ${v.voucherId} is frozen`);
  if (v.status !== 'pending_acceptance') refuse('voucherNotPendingAcceptance', `voucher ${v.voucherId} is ${v.status}`);
}

export function requireBeforeMaturity(v: Voucher, today: string): void {
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

/** The live, not fully paid vouchers of a tree, after the checks every settlement-like command shares. */
export function unpaidLeaves(state: LedgerStateView, root: Voucher): Voucher[] {
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

/** The party an offered voucher's value belongs to until accepted: the holder's own payables for a root, the sender for a child. */
export function offerOwner(v: Voucher): string {
  return v.parentId === null ? v.holder : v.sender;
}

export function returnedOffer(v: Voucher, at: string): ReturnedOffer {
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

const publicKeyHexLengths: Record<KeyAlgorithm, readonly number[]> = { ed25519: [64], sm2: [130, 66] };

/** New keys: ids not taken (by anyone, nor twice here), then well-formed for their algorithm. */
export function checkNewKeys(state: LedgerStateView, keys: readonly PublicKeyInput[]): void {
  const seen = new Set<string>();
  for (const k of keys) {
    if (state.key(k.keyId) !== undefined || seen.has(k.keyId)) refuse('keyIdTaken', `key id ${k.keyId} is taken`);
    seen.add(k.keyId);
  }
  for (const k of keys) {
    const lengths = publicKeyHexLengths[k.alg];
    if (!/^[0-9a-f]*$/.test(k.publicKey) || !lengths.includes(k.publicKey.length)) {
      refuse('publicKeyMalformed', `key ${k.keyId}: an ${k.alg} public key is lower-case hex of ${lengths.join(' or ')} digits`);
    }
    if (k.alg === 'sm2' && !/^0[234]/.test(k.publicKey)) refuse('publicKeyMalformed', `key ${k.keyId}: an SM2 key starts with 02, 03 or 04`);
  }
}
