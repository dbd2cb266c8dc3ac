/**
 * The ledger's unit of work: one batch of submissions (signed commands and external facts) taken
 * from Kafka in partition order, decided and applied in that order against the in-memory state,
 * then handed to the store to commit in ONE PostgreSQL transaction — operations, results, state
 * rows, postings, the sealed block and the outbox — or not at all.
 *
 * Signatures are verified in parallel (worker threads) before the serial apply; a signature by a
 * key registered earlier in the same batch is verified inline when its turn comes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { leafHash, operationLeaf, sealBlock, type HashAlg, type SealedBlock, type Signer } from '@cascade/chain';
import { canonicalBytes, canonicalize, isSignatureAlg, type Signature, type VerifyItem } from '@cascade/crypto';
import { uuidv7 } from '@cascade/ids';
import { Amount, amountFenMax, amountMaxText, fenText } from '@cascade/money';
import { decide, decidePayableConfirmed, type Decision } from '../domain/decide.ts';
import type { LedgerEvent } from '../domain/events.ts';
import { evolveAll } from '../domain/evolve.ts';
import { postingsFor, type Posting } from '../domain/postings.ts';
import type { CreditLine, Party, PartyKey, Payable, Voucher } from '../domain/entities.ts';
import type { LedgerPolicy } from '../domain/policy.ts';
import type { DirtySets, MemoryLedgerState } from '../domain/state.ts';
import { refusalProblem, type LedgerRefusalCode } from './problems.ts';
import { changedRows, nextStateDigest } from './state-digest.ts';

export const signaturesPerCommandMax = 8;
/** Facts held at once for a party not yet registered; past this they are refused (visibly). */
export const heldFactsMax = 10_000;
/** The actor under which facts from the invoices service are logged; the payable id is the nonce. */
export const invoicesFactActor = 'invoices-service';

/** A signed command as submitted (already JSON-parsed with duplicate keys refused). */
export interface CommandSubmission {
  kind: 'command';
  /** Id of the Kafka envelope that carried it; names the submission when the command has no usable nonce. */
  submissionId: string;
  command: unknown;
  signatures: unknown;
}

/** A payable confirmed in the invoices service, carried by its event. */
export interface FactSubmission {
  kind: 'fact';
  submissionId: string;
  fact: unknown;
}

export type Submission = CommandSubmission | FactSubmission;

/** What a submitter learns: published on ledger.results and stored for replays. */
export interface CommandResult {
  submissionId: string;
  actor: string | null;
  nonce: string | null;
  status: 'accepted' | 'refused';
  /** Accepted: the operation's place in the log. */
  seq?: number;
  opId?: string;
  blockHeight?: number;
  /** Accepted: the events the command led to (the new state of what it touched). */
  events?: LedgerEvent[];
  /** Refused: RFC 9457 problem. */
  problem?: ReturnType<typeof refusalProblem>;
  /** True when this is the stored result of an earlier identical submission. */
  replayed?: boolean;
  /** True when `events` were too large to repeat in the result: they are on ledger.events. */
  eventsOmitted?: boolean;
}

/** One committed operation, as sealed into the chain. */
export interface OperationRecord {
  seq: number;
  opId: string;
  kind: 'command' | 'fact' | 'genesis';
  /** The signed command, or the fact, or the genesis configuration. */
  body: unknown;
  signatures: Signature[];
  committedAt: string;
  /**
   * Salts of the parts a proof may hide from some of its readers (libs/chain `sealedForm`): each
   * piece and the remainder of a split, so that a recipient's proof shows its own piece only.
   */
  partSalts?: Record<string, string>;
}

export interface PlannedOperation {
  record: OperationRecord;
  type: string;
  actor: string;
  nonce: string;
  rootId: string | null;
  leafHash: string;
  /** The same leaf hash as bytes, for sealing. */
  leaf: Buffer;
  events: LedgerEvent[];
  postings: Posting[];
  voucherIds: string[];
  /** The record's JSON text as stored, when the batch built it already (else the store serialises it). */
  recordText?: string;
}

export interface PlannedResult {
  actor: string;
  nonce: string;
  commandHash: string;
  result: CommandResult;
}

/** A payable fact waiting for its debtor or creditor to be registered. */
export interface HeldFact {
  payableId: string;
  submissionId: string;
  fact: unknown;
  reason: string;
  heldAt: string;
}

/**
 * The state rows a batch changed, as they stand after it, taken when it was planned: entities are
 * replaced, never mutated, so holding them keeps the batch's rows as they were even while the
 * next batch is already being decided against the state.
 */
export interface StateRows {
  policy: LedgerPolicy | null;
  parties: Party[];
  keys: PartyKey[];
  payables: Payable[];
  creditLines: CreditLine[];
  vouchers: Voucher[];
}

export function captureStateRows(state: MemoryLedgerState, dirty: DirtySets): StateRows {
  const present = <T>(xs: (T | undefined)[]): T[] => xs.filter((x): x is T => x !== undefined);
  return {
    policy: dirty.policy.size > 0 ? state.policy() : null,
    parties: present([...dirty.parties].map((id) => state.party(id))),
    keys: present([...dirty.keys].map((id) => state.key(id))),
    payables: present([...dirty.payables].map((id) => state.payable(id))),
    creditLines: present([...dirty.creditLines].map((k) => state.creditLines.get(k))),
    vouchers: present([...dirty.vouchers].map((id) => state.voucher(id))),
  };
}

/** Everything a batch commits. */
export interface BatchPlan {
  /** Facts held by this batch (stored with it), and payable ids of held facts it decided (deleted). */
  held?: HeldFact[];
  released?: string[];
  /** What the batch's postings add to each account, in fen by `balanceKey` (parsed once, here). */
  balanceDeltas: Map<string, bigint>;
  operations: PlannedOperation[];
  /** New results to store (accepted and refused commands with an actor and nonce). */
  storedResults: PlannedResult[];
  /** Every result to publish, replays included, in submission order. */
  published: CommandResult[];
  dirty: DirtySets;
  /** The changed rows, taken when planned (what the commit writes). */
  rows: StateRows;
  block: SealedBlock | null;
}

export interface ChainHead {
  height: number;
  hash: string;
  lastSeq: number;
  /** The state digest of the head block (state-digest.ts); the next block chains from it. */
  stateDigest: string;
}

export interface StoredResult {
  commandHash: string;
  result: CommandResult;
}

export interface BatchContext {
  state: MemoryLedgerState;
  head: ChainHead;
  now: Date;
  chainId: string;
  hashAlg: HashAlg;
  signBlock: Signer;
  /** Results already stored for (actor, nonce) pairs of this batch: `${actor}\u0000${nonce}`. */
  storedResults: Map<string, StoredResult>;
  /** Verifies many signatures at once (a worker pool); result[i] for items[i]. */
  verifyMany: (items: VerifyItem[]) => Promise<boolean[]>;
  verifyOne: (item: VerifyItem) => boolean;
  /**
   * Facts held for a party not yet registered, by payable id, owned by the writer; planBatch adds
   * and removes entries as it holds and releases them (the writer reloads them if a commit fails).
   */
  heldFacts?: Map<string, HeldFact>;
  /** Every account's balance in fen by `balanceKey`, owned by the writer; planBatch applies the postings it plans. */
  balances?: Map<string, bigint>;
}

interface Refusal {
  code: LedgerRefusalCode;
  detail: string;
}

/** Key of an account's balance in `BatchContext.balances`. */
export const balanceKey = (account: string, currency: string): string => `${account}\u0000${currency}`;

/**
 * What the postings add to each account and the balances they would leave, or the refusal when
 * one would pass the amount limit in either direction (the balance columns and the amount format
 * hold exactly that range).
 */
function balancesAfter(balances: ReadonlyMap<string, bigint>, postings: readonly Posting[]): { after: Map<string, bigint>; deltas: Map<string, bigint> } | Refusal {
  const after = new Map<string, bigint>();
  const deltas = new Map<string, bigint>();
  for (const p of postings) {
    const key = balanceKey(p.account, p.currency);
    const delta = Amount.parseSigned(p.amount).toFen();
    const fen = (after.get(key) ?? balances.get(key) ?? 0n) + delta;
    if (fen > amountFenMax || fen < -amountFenMax) {
      return { code: 'balanceBeyondLimit', detail: `account ${p.account} (${p.currency}) would hold ${fenText(fen)}, beyond the limit of ±${amountMaxText}` };
    }
    after.set(key, fen);
    deltas.set(key, (deltas.get(key) ?? 0n) + delta);
  }
  return { after, deltas };
}

interface Prepared {
  submission: Submission;
  refusal?: Refusal;
  command?: Record<string, unknown>;
  actor?: string;
  nonce?: string;
  bytes?: Uint8Array;
  commandHash?: string;
  signatures?: Signature[];
  /** Per signature: true/false when verified up front, undefined when its key was not yet known. */
  verified?: (boolean | undefined)[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseSignatures(value: unknown): Signature[] | null {
  if (!Array.isArray(value) || value.length === 0 || value.length > signaturesPerCommandMax) return null;
  const seen = new Set<string>();
  const out: Signature[] = [];
  for (const s of value) {
    if (!isRecord(s) || typeof s.keyId !== 'string' || typeof s.sig !== 'string' || !isSignatureAlg(s.alg)) return null;
    if (s.keyId.length > 100 || s.sig.length > 200 || seen.has(s.keyId)) return null;
    seen.add(s.keyId);
    out.push({ keyId: s.keyId, alg: s.alg, sig: s.sig });
  }
  return out;
}

export const commandHashOf = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The refusal for an error nobody expected while deciding or preparing one submission: it costs
 * that submission only. The error's class names it; its message and stack stay in the log, since
 * they may quote the input.
 */
function internalRefusal(error: unknown): Refusal {
  const name = error instanceof Error ? error.constructor.name : typeof error;
  return { code: 'internalError', detail: `deciding this submission failed with ${name}; it was refused and the batch went on` };
}

/** Canonicalises and checks the shape of each command; no state involved. */
function prepare(submission: Submission): Prepared {
  try {
    return prepareOrRefuse(submission);
  } catch (error) {
    return { submission, refusal: internalRefusal(error) };
  }
}

function prepareOrRefuse(submission: Submission): Prepared {
  if (submission.kind === 'fact') {
    // The fact is logged as it came; one that cannot be canonicalised could never be hashed.
    try {
      canonicalBytes(submission.fact);
    } catch (error) {
      return { submission, refusal: { code: 'factNotCanonicalizable', detail: (error as Error).message } };
    }
    return { submission };
  }
  const { command } = submission;
  if (!isRecord(command)) return { submission, refusal: { code: 'submissionMalformed', detail: 'command must be a JSON object' } };
  const actor = typeof command.actor === 'string' && command.actor.length <= 64 ? command.actor : undefined;
  const nonce = typeof command.nonce === 'string' && command.nonce.length > 0 && command.nonce.length <= 128 ? command.nonce : undefined;
  let bytes: Uint8Array;
  try {
    bytes = canonicalBytes(command);
  } catch (error) {
    return { submission, actor, nonce, refusal: { code: 'commandNotCanonicalizable', detail: (error as Error).message } };
  }
  const signatures = parseSignatures(submission.signatures);
  const base = { submission, command, actor, nonce, bytes, commandHash: commandHashOf(bytes) };
  if (!signatures) return { ...base, refusal: { code: 'signaturesMalformed', detail: `signatures must be 1 to ${signaturesPerCommandMax} distinct {keyId, alg, sig}` } };
  return { ...base, signatures };
}

/** Bytes of randomness per hidden part: enough that nobody guesses a part from its commitment. */
export const partSaltBytes = 16;

/**
 * The parts of a split a recipient's proof hides from it: every piece (another recipient and its
 * amount) and the remainder (which, with the parent's amount, would tell the pieces' total). Each
 * gets a fresh salt, stored with the record and never shown with a hidden part.
 */
function partSaltsOf(command: Record<string, unknown>): Record<string, string> | null {
  if (command.type !== 'voucher.transfer') return null;
  const payload = command.payload as { pieces: unknown[]; remainder?: unknown };
  const salts: Record<string, string> = {};
  payload.pieces.forEach((_, i) => (salts[`/body/payload/pieces/${i}`] = randomBytes(partSaltBytes).toString('hex')));
  if (payload.remainder !== null && payload.remainder !== undefined) salts['/body/payload/remainder'] = randomBytes(partSaltBytes).toString('hex');
  return salts;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The RFC 8785 text of a command's record, built around the command's own canonical bytes: the
 * record's members in code-unit order (body, committedAt, kind, opId, seq, signatures), each
 * value canonical. Equal, byte for byte, to `canonicalize(record)` (tested), at a fraction of
 * the cost.
 */
export function canonicalRecordText(record: OperationRecord, commandBytes: Uint8Array): string {
  return `{"body":${utf8.decode(commandBytes)},"committedAt":${JSON.stringify(record.committedAt)},"kind":"command","opId":${JSON.stringify(record.opId)},"seq":${record.seq},"signatures":${canonicalize(record.signatures)}}`;
}

function rootIdOf(events: LedgerEvent[]): string | null {
  for (const e of events) {
    const d = e.data as Record<string, unknown>;
    if (typeof d.rootId === 'string') return d.rootId;
    if (isRecord(d.voucher) && typeof d.voucher.rootId === 'string') return d.voucher.rootId;
  }
  return null;
}

function mergeDirty(into: DirtySets, from: DirtySets): void {
  for (const k of Object.keys(into) as (keyof DirtySets)[]) for (const v of from[k]) into[k].add(v);
}

/**
 * Decides and applies a batch against `ctx.state` (which it mutates) and returns the plan to
 * commit. If the commit fails, the caller must discard `ctx.state` and reload it.
 */
export async function planBatch(submissions: Submission[], ctx: BatchContext): Promise<BatchPlan> {
  const { state } = ctx;
  const prepared = submissions.map(prepare);

  // Verify up front, in parallel, every signature whose key is already known.
  const items: VerifyItem[] = [];
  const slots: [number, number][] = [];
  prepared.forEach((p, i) => {
    if (p.refusal || !p.signatures) return;
    p.verified = p.signatures.map(() => undefined);
    p.signatures.forEach((s, j) => {
      const key = state.key(s.keyId);
      if (!key || key.alg !== s.alg) return;
      items.push({ alg: s.alg, publicKey: Buffer.from(key.publicKey, 'hex'), message: p.bytes!, sig: s.sig });
      slots.push([i, j]);
    });
  });
  const verdicts = items.length > 0 ? await ctx.verifyMany(items) : [];
  slots.forEach(([i, j], k) => (prepared[i]!.verified![j] = verdicts[k]));

  const operations: PlannedOperation[] = [];
  const storedResults: PlannedResult[] = [];
  const published: CommandResult[] = [];
  const dirty = state.takeDirty();
  let seq = ctx.head.lastSeq;
  const committedAt = ctx.now.toISOString();
  const inBatch = new Map<string, StoredResult>();

  const balances = ctx.balances ?? new Map<string, bigint>();
  const balanceDeltas = new Map<string, bigint>();
  /**
   * Applies an accepted decision, or refuses it when a posting would carry an account's balance
   * past the amount limit (what every amount, balance, payable total and credit line may hold).
   */
  const commit = (p: Prepared, kind: 'command' | 'fact', actor: string, nonce: string, type: string, decision: Extract<Decision, { ok: true }>, signatures: Signature[]): CommandResult | Refusal => {
    // Everything that can fail on bad input happens before the state changes: the leaf (which
    // canonicalises the record), the postings and their balances. Only `evolve` mutates.
    const body = kind === 'command' ? p.command : (p.submission as FactSubmission).fact;
    const partSalts = kind === 'command' ? partSaltsOf(p.command!) : null;
    const record: OperationRecord = { seq: seq + 1, opId: uuidv7(), kind, body, signatures, committedAt, ...(partSalts ? { partSalts } : {}) };
    // A command's canonical bytes were made once, when it was prepared; its record's canonical
    // text is spliced around them (RFC 8785 orders the record's keys as written here) rather
    // than canonicalising the whole command again. A split's record hides parts in its leaf.
    const recordText = kind === 'command' && !partSalts && p.bytes ? canonicalRecordText(record, p.bytes) : undefined;
    const leaf = recordText !== undefined ? leafHash(ctx.hashAlg, Buffer.from(recordText, 'utf8')) : operationLeaf(ctx.hashAlg, record);
    const postings = decision.events.flatMap(postingsFor);
    const change = balancesAfter(balances, postings);
    if ('code' in change) return change;
    for (const [key, fen] of change.after) balances.set(key, fen);
    for (const [key, fen] of change.deltas) balanceDeltas.set(key, (balanceDeltas.get(key) ?? 0n) + fen);
    evolveAll(state, decision.events);
    state.recordNonce(actor, nonce);
    const opDirty = state.takeDirty();
    mergeDirty(dirty, opDirty);
    seq += 1;
    operations.push({
      record,
      type,
      actor,
      nonce,
      rootId: rootIdOf(decision.events),
      leafHash: leaf.toString('hex'),
      ...(recordText === undefined ? {} : { recordText }),
      leaf,
      events: decision.events,
      postings,
      voucherIds: [...opDirty.vouchers],
    });
    return { submissionId: p.submission.submissionId, actor, nonce, status: 'accepted', seq, opId: record.opId, blockHeight: ctx.head.height + 1, events: decision.events };
  };
  const isRefusal = (r: CommandResult | Refusal): r is Refusal => 'code' in r;

  const heldFacts = ctx.heldFacts ?? new Map<string, HeldFact>();
  const held: HeldFact[] = [];
  const released: string[] = [];
  let partiesArrived = false;

  /** Decides a fact; returns the refusal, or null when committed. */
  const decideFact = (p: Prepared, fact: unknown, payableId: string): Refusal | null => {
    if (p.refusal) return p.refusal;
    try {
      const decision = decidePayableConfirmed(fact, { state, now: ctx.now });
      if (!decision.ok) return decision.rejection;
      const done = commit(p, 'fact', invoicesFactActor, payableId, 'payable.confirmed', decision, []);
      return isRefusal(done) ? done : null;
    } catch (error) {
      return internalRefusal(error);
    }
  };
  // A refused fact has no submitter waiting; it is published so the invoices service and operators
  // see it (the ledger's results topic), never silently dropped.
  const publishFactRefusal = (submissionId: string, payableId: string, refusal: Refusal): void =>
    void published.push({ submissionId, actor: invoicesFactActor, nonce: payableId, status: 'refused', problem: refusalProblem(refusal.code, refusal.detail) });

  for (const p of prepared) {
    const submissionId = p.submission.submissionId;
    if (p.submission.kind === 'fact') {
      const fact = p.submission.fact;
      const payableId = isRecord(fact) && typeof fact.payableId === 'string' ? fact.payableId : null;
      if (payableId === null || state.hasSeenNonce(invoicesFactActor, payableId) || heldFacts.has(payableId)) continue; // redelivered fact
      const refusal = decideFact(p, fact, payableId);
      if (refusal === null) continue;
      // Its party's registration may still be on its way (another topic, another partition): hold
      // the fact and decide it again when a party arrives, rather than lose it.
      if (refusal.code === 'unknownParty' && heldFacts.size < heldFactsMax) {
        const h: HeldFact = { payableId, submissionId, fact, reason: refusal.detail, heldAt: committedAt };
        heldFacts.set(payableId, h);
        held.push(h);
      } else {
        publishFactRefusal(submissionId, payableId, refusal);
      }
      continue;
    }

    const { actor, nonce } = p;
    const pairKey = actor !== undefined && nonce !== undefined ? `${actor}\u0000${nonce}` : null;
    // Replays first: the same (actor, nonce) gets its original result, whatever else is wrong now.
    const earlier = pairKey ? (inBatch.get(pairKey) ?? ctx.storedResults.get(pairKey)) : undefined;
    if (earlier && p.commandHash !== undefined) {
      if (earlier.commandHash === p.commandHash) published.push({ ...earlier.result, submissionId, replayed: true });
      else published.push({ submissionId, actor: actor!, nonce: nonce!, status: 'refused', problem: refusalProblem('nonceReusedWithDifferentCommand', `${actor} used nonce ${nonce} for another command`) });
      continue;
    }

    let outcome: CommandResult;
    let refusal = p.refusal;
    const signerKeyIds: string[] = [];
    if (!refusal) {
      for (const [j, s] of p.signatures!.entries()) {
        const key = state.key(s.keyId);
        if (!key) {
          refusal = { code: 'signerKeyUnknown', detail: `key ${s.keyId} is not registered` };
          break;
        }
        if (key.alg !== s.alg) {
          refusal = { code: 'signatureAlgorithmMismatch', detail: `key ${s.keyId} is ${key.alg}, the signature says ${s.alg}` };
          break;
        }
        const ok = p.verified![j] ?? ctx.verifyOne({ alg: s.alg, publicKey: Buffer.from(key.publicKey, 'hex'), message: p.bytes!, sig: s.sig });
        if (!ok) {
          refusal = { code: 'signatureInvalid', detail: `the signature by ${s.keyId} does not verify over the canonical command` };
          break;
        }
        signerKeyIds.push(s.keyId);
      }
    }
    // A result may be stored against (actor, nonce) only when EVERY signature on the submission
    // verifies against an active key (read before the command applies, which may revoke one) and
    // one of them is the actor's. Otherwise any party could sign a doomed command under another
    // party's actor and nonce and burn that nonce for its owner — or take someone else's command
    // in flight, add one bogus signature, and have the refusal stored so that the real submission
    // replays it.
    const everySignatureVerified = p.signatures !== undefined && signerKeyIds.length === p.signatures.length;
    const signerKeys = signerKeyIds.map((id) => state.key(id));
    const signedByActor =
      everySignatureVerified &&
      signerKeys.every((key) => key !== undefined && key.revokedAt === null) &&
      signerKeys.some((key) => key !== undefined && key.partyId === actor);
    if (!refusal) {
      try {
        const decision = decide(p.command, { state, chainId: ctx.chainId, now: ctx.now, signerKeyIds });
        if (decision.ok) {
          const done = commit(p, 'command', actor!, nonce!, String(p.command!.type), decision, p.signatures!);
          if (isRefusal(done)) refusal = done;
          else outcome = done;
          if (!isRefusal(done) && decision.events.some((e) => e.type === 'PartyRegistered')) partiesArrived = true;
        } else refusal = decision.rejection;
      } catch (error) {
        refusal = internalRefusal(error);
      }
    }
    if (refusal) {
      outcome = { submissionId, actor: actor ?? null, nonce: nonce ?? null, status: 'refused', problem: refusalProblem(refusal.code, refusal.detail) };
    }
    published.push(outcome!);
    const storable = pairKey !== null && p.commandHash !== undefined && signedByActor;
    if (storable) {
      const stored = { commandHash: p.commandHash!, result: outcome! };
      inBatch.set(pairKey!, stored);
      storedResults.push({ actor: actor!, nonce: nonce!, commandHash: p.commandHash!, result: outcome! });
    }
  }

  // Parties arrived: decide the held facts again, oldest first.
  if (partiesArrived) {
    for (const h of [...heldFacts.values()]) {
      const p: Prepared = { submission: { kind: 'fact', submissionId: h.submissionId, fact: h.fact } };
      const refusal = decideFact(p, h.fact, h.payableId);
      if (refusal?.code === 'unknownParty') continue; // still waiting
      heldFacts.delete(h.payableId);
      const heldNow = held.findIndex((x) => x.payableId === h.payableId);
      if (heldNow >= 0) held.splice(heldNow, 1); // held and released in one batch: never stored
      else released.push(h.payableId);
      if (refusal !== null) publishFactRefusal(h.submissionId, h.payableId, refusal);
    }
  }

  let block: SealedBlock | null = null;
  if (operations.length > 0) {
    const stateDigest = nextStateDigest(ctx.hashAlg, ctx.head.stateDigest, changedRows(state, dirty, balances, balanceDeltas.keys()));
    block = sealBlock(
      {
        chainId: ctx.chainId,
        height: ctx.head.height + 1,
        prevHash: ctx.head.hash,
        time: ctx.now,
        hashAlg: ctx.hashAlg,
        firstSeq: String(operations[0]!.record.seq),
        lastSeq: String(operations.at(-1)!.record.seq),
        records: operations.map((o) => o.record),
        leaves: operations.map((o) => o.leaf),
        stateDigest,
      },
      ctx.signBlock,
    );
  }
  return { operations, storedResults, published, dirty, rows: captureStateRows(state, dirty), block, held, released, balanceDeltas };
}
