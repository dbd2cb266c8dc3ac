/**
 * The single writer of the ledger: holds the state in memory, decides each batch against it and
 * commits the batch in one transaction. If a commit fails the in-memory state may hold effects
 * that never committed, so it is thrown away and reloaded from PostgreSQL before the batch is
 * retried (by Kafka redelivery); results already stored make the retry idempotent.
 */
import { genesisPrevHash, operationLeaf, sealBlock, type HashAlg, type Signer } from '@cascade/chain';
import type { VerifyItem } from '@cascade/crypto';
import { verifySignature } from '@cascade/crypto';
import { isUuid, uuidv7 } from '@cascade/ids';
import type { Logger } from '@cascade/logging';
import type { PublicKeyInput } from '../domain/commands.ts';
import { genesisEvents } from '../domain/decide.ts';
import { evolveAll } from '../domain/evolve.ts';
import type { LedgerPolicy } from '../domain/policy.ts';
import { postingsFor } from '../domain/postings.ts';
import type { MemoryLedgerState } from '../domain/state.ts';
import { captureStateRows, planBatch, type BatchPlan, type ChainHead, type CommandResult, type HeldFact, type OperationRecord, type StoredResult, type Submission } from './batch.ts';
import type { LedgerStore, WriterLock } from './ports.ts';
import { changedRows, emptyStateDigest, nextStateDigest } from './state-digest.ts';
import { replayLog, stateDifference } from './replay.ts';
import { NonceFilter } from './nonce-filter.ts';

const nonceFilterPageSize = 10_000;

export interface Genesis {
  chainId: string;
  hashAlg: HashAlg;
  operator: { partyId: string; name: string; publicKeys: PublicKeyInput[] };
  /**
   * The policy the ledger starts with (every limit of DESIGN §2 that a deployment sets); later
   * `policy.change` operations change it, so a replay of the log decides as the ledger did.
   */
  policy: LedgerPolicy;
  /** The key that signs blocks; anyone verifying proofs needs its public half. */
  ledgerKey: { keyId: string; alg: 'ed25519' | 'sm2'; publicKey: string };
  /**
   * Keys of the services whose facts the ledger takes without a party's signature: the invoices
   * service signs every `PayableConfirmed` it publishes (`@cascade/events` facts.ts).
   */
  services: { invoices: { keyId: string; alg: 'ed25519' | 'sm2'; publicKey: string } };
}

export interface WriterOptions {
  /** Where the log and the state live (PostgreSQL in production: data-access/store.ts). */
  store: LedgerStore;
  genesis: Genesis;
  signBlock: Signer;
  verifyMany: (items: VerifyItem[]) => Promise<boolean[]>;
  logger: Logger;
  clock?: () => Date;
  /** How long `init` waits for another writer to release the writer lock. */
  writerLockWaitMs?: number;
  /**
   * Before deciding anything, rebuild the state from the log and compare it with the state tables
   * and every block's state digest (replay.ts); a difference stops the start. Default true.
   */
  replayCheckOnStart?: boolean;
  /**
   * Keep closed trees (every voucher settled or dead) out of memory: they are dropped once the
   * batch that closed them is committed, not loaded at start, and read back from PostgreSQL for
   * a batch whose commands name one of their vouchers. Default true; memory then grows with the
   * live vouchers only (docs/performance.md).
   */
  evictClosedTrees?: boolean;
  /**
   * Called when the connection holding the writer lock breaks while the writer is open. The
   * default stops the process: a writer without its lock must not commit another batch.
   */
  onLockLost?: (error: Error) => void;
}

export const writerLockWaitMsDefault = 120_000;

/** Batches decided ahead of the oldest commit still running: this one and the next. */
export const pipelineDepthMax = 2;

/** Deciding is refused while the writer recovers from a failed commit. */
export class WriterRecoveringError extends Error {
  constructor(override readonly cause: Error) {
    super(`the ledger writer is recovering from a failed commit (${cause.message}); the batches after it must come again`);
    this.name = 'WriterRecoveringError';
  }
}

interface InFlight {
  plan: BatchPlan;
  durable: Promise<void>;
  /** Roots of the trees this batch changed or read back: none is dropped while it is in flight. */
  roots: Set<string>;
}

/**
 * Every UUID-shaped string in a command's payload: the vouchers it may name. The bounds are the
 * schemas' (arrays of at most 1,000, payloads three levels deep): a payload past them is refused
 * as malformed whatever it names.
 */
function idsNamedIn(value: unknown, out: Set<string>, depth = 0): void {
  if (depth > 6) return;
  if (typeof value === 'string') {
    if (isUuid(value)) out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value.slice(0, 1_000)) idsNamedIn(v, out, depth + 1);
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) idsNamedIn(v, out, depth + 1);
  }
}

export interface BatchOutcome {
  committed: number;
  results: CommandResult[];
  blockHeight: number | null;
}

export class LedgerWriter {
  private state: MemoryLedgerState | null = null;
  private head: ChainHead | null = null;
  private heldFacts = new Map<string, HeldFact>();
  private balances = new Map<string, bigint>();
  /** The (actor, nonce) pairs this ledger may have seen: only those are looked up before deciding. */
  private nonces = new NonceFilter();
  private initialised = false;
  /** Batches decided and not yet committed, oldest first. */
  private inFlight: InFlight[] = [];
  /** Set from a failed decision or commit until the state is reloaded. */
  private failed: Error | null = null;
  /** True while a batch is being decided. */
  private deciding = false;
  /** Roots of trees committed since the last sweep that may now be closed. */
  private evictCandidates = new Set<string>();
  /**
   * Bumped by every failure: a batch decided under an older generation was decided on effects
   * that never committed, and must neither commit nor touch the reloaded state.
   */
  private generation = 0;
  /** The writer lock, held for the life of this writer. */
  private lock: WriterLock | null = null;
  private readonly store: LedgerStore;
  private readonly clock: () => Date;

  constructor(private readonly options: WriterOptions) {
    this.store = options.store;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Loads the state, and writes the genesis block if the ledger is empty. */
  async init(): Promise<void> {
    await this.reload();
    if (this.head!.height !== -1) await this.assertSameGenesis();
    await this.acquireWriterLock();
    // Another writer may have committed while this one waited for the lock. The replay check
    // compares every row, so it needs them all; the closed trees go right after it.
    const replayCheck = this.head!.height !== -1 && this.options.replayCheckOnStart !== false;
    await this.reload({ full: replayCheck });
    if (this.head!.height === -1) await this.writeGenesis();
    else if (replayCheck) {
      await this.checkStateAgainstLog();
      if (this.evicting) for (const v of [...this.state!.vouchers.values()]) if (v.parentId === null && this.state!.treeClosed(v.voucherId)) this.state!.evictTree(v.voucherId);
    }
    await this.loadNonceFilter();
    this.initialised = true;
  }

  /** Fills the nonce filter with every pair stored so far (once, at start). */
  private async loadNonceFilter(): Promise<void> {
    const filter = new NonceFilter();
    let after: { actor: string; nonce: string } | null = null;
    for (;;) {
      const page = await this.store.noncePairs(after, nonceFilterPageSize);
      for (const p of page) filter.add(p.actor, p.nonce);
      if (page.length < nonceFilterPageSize) break;
      after = page.at(-1)!;
    }
    this.nonces = filter;
  }

  /**
   * The state tables are derived data: a row changed behind the ledger's back (a payable's
   * remainder raised, a voucher's holder swapped) would be decided against from now on. So the
   * state is rebuilt from the log alone and must agree with the tables, and the state digest of
   * every block with the digest the operations produce.
   */
  private async checkStateAgainstLog(): Promise<void> {
    const started = performance.now();
    const replay = await replayLog(this.store, this.options.genesis, { verifySignatures: false });
    const failed = (why: string) => new Error(`the ledger's state does not match its log — ${why}; nothing was decided. Run \`cascade ledger verify --replay\` to see it, and restore the state from the log or a backup`);
    if (replay.problem) throw failed(`at height ${replay.problem.height}${replay.problem.seq ? `, seq ${replay.problem.seq}` : ''}: ${replay.problem.reason}`);
    if (replay.head?.hash !== this.head!.hash) throw failed(`the replay ends at block ${replay.head?.height ?? -1}, the tables at ${this.head!.height}`);
    const difference = stateDifference(replay, { state: this.state!, balances: this.balances });
    if (difference) throw failed(difference);
    this.options.logger.info({ blocks: replay.blocks, operations: replay.operations, ms: Math.round(performance.now() - started) }, 'state checked against the log');
  }

  /** One writer per ledger: the store's writer lock (see `LedgerStore.lockWriter`). */
  private async acquireWriterLock(): Promise<void> {
    this.lock = await this.store.lockWriter(this.options.writerLockWaitMs ?? writerLockWaitMsDefault, (error) => {
      // Losing the lock's connection means losing the lock: stop rather than write unfenced.
      this.options.logger.fatal({ err: error.message }, 'ledger writer lost its lock connection');
      (this.options.onLockLost ?? (() => process.exit(1)))(error);
    });
  }

  /** Releases the writer lock (the next writer may start). */
  async close(): Promise<void> {
    const lock = this.lock;
    this.lock = null;
    await lock?.release();
  }

  /**
   * A chain belongs to one genesis: starting on a database whose genesis names another chain,
   * hash or key would seal blocks nobody could verify, so it is a configuration error.
   */
  private async assertSameGenesis(): Promise<void> {
    const stored = (await this.store.genesisRecord())?.body;
    const expected = this.options.genesis;
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const s = stored as Partial<Genesis> | undefined;
    if (!s || s.chainId !== expected.chainId || s.hashAlg !== expected.hashAlg || !same(s.ledgerKey, expected.ledgerKey)) {
      throw new Error(
        `the database holds chain ${s?.chainId ?? '(none)'} (${s?.hashAlg ?? '?'}, ledger key ${s?.ledgerKey?.keyId ?? '?'}), not the configured genesis ${expected.chainId} (${expected.hashAlg}, ledger key ${expected.ledgerKey.keyId})`,
      );
    }
  }

  private get evicting(): boolean {
    return this.options.evictClosedTrees !== false;
  }

  private async reload(options: { full?: boolean } = {}): Promise<void> {
    this.evictCandidates.clear();
    const state = await this.store.loadState({ liveOnly: this.evicting && !options.full });
    const head = await this.store.loadHead(this.options.genesis.hashAlg);
    this.heldFacts = await this.store.loadHeldFacts();
    this.balances = await this.store.loadBalances();
    this.state = state;
    this.head = head;
  }

  get chainHead(): ChainHead | null {
    return this.head;
  }

  private async writeGenesis(): Promise<void> {
    const { genesis } = this.options;
    const now = this.clock();
    const events = genesisEvents(genesis.operator, genesis.policy, now);
    const state = this.state!;
    evolveAll(state, events);
    const record: OperationRecord = { seq: 1, opId: uuidv7(), kind: 'genesis', body: genesis, signatures: [], committedAt: now.toISOString() };
    const leaf = operationLeaf(genesis.hashAlg, record);
    const dirty = state.takeDirty();
    const stateDigest = nextStateDigest(genesis.hashAlg, emptyStateDigest(genesis.hashAlg), changedRows(state, dirty, new Map(), []));
    const plan: BatchPlan = {
      operations: [
        {
          record,
          type: 'genesis',
          actor: genesis.operator.partyId,
          nonce: 'genesis',
          rootId: null,
          leafHash: leaf.toString('hex'),
          leaf,
          events,
          postings: events.flatMap(postingsFor),
          voucherIds: [],
        },
      ],
      storedResults: [],
      published: [],
      dirty,
      rows: captureStateRows(state, dirty),
      // The genesis posts nothing (the operator's registration moves no value).
      balanceDeltas: new Map(),
      block: sealBlock(
        { chainId: genesis.chainId, height: 0, prevHash: genesisPrevHash(genesis.hashAlg), time: now, hashAlg: genesis.hashAlg, firstSeq: '1', lastSeq: '1', records: [record], leaves: [leaf], stateDigest },
        this.options.signBlock,
      ),
    };
    await this.store.commitPlan(plan, now);
    this.head = { height: 0, hash: plan.block!.hash, lastSeq: 1, stateDigest };
    this.options.logger.info({ chainId: genesis.chainId, operator: genesis.operator.partyId }, 'genesis block written');
  }

  /** Decides and commits one batch, in order. Throws if the commit failed (the batch must be redelivered). */
  async processBatch(submissions: Submission[]): Promise<BatchOutcome> {
    const { outcome, durable } = await this.decideBatch(submissions);
    await durable;
    return outcome;
  }

  /**
   * Decides one batch against the state (which already holds every batch decided before it,
   * committed or not) and starts its commit behind theirs; returns once it is decided. `durable`
   * settles when the batch is committed, in order: so the next batch is decided while this one
   * commits. At most `pipelineDepthMax` batches are decided and not yet committed.
   *
   * If a commit fails, every batch decided after it fails too (each was decided on its effects);
   * the state is reloaded from PostgreSQL once they have all settled, and until then deciding is
   * refused (`WriterRecoveringError`): the caller must have the failed batches delivered again,
   * in order, before anything newer.
   */
  async decideBatch(submissions: Submission[]): Promise<{ outcome: BatchOutcome; durable: Promise<void> }> {
    // One decision at a time: closed trees leave memory only between decisions (dropClosedTrees).
    if (this.deciding) throw new Error('decideBatch was called while another decision runs: the writer decides one batch at a time');
    this.deciding = true;
    try {
      return await this.decide(submissions);
    } finally {
      this.deciding = false;
    }
  }

  private async decide(submissions: Submission[]): Promise<{ outcome: BatchOutcome; durable: Promise<void> }> {
    if (!this.initialised) throw new Error('LedgerWriter.init() was not called');
    if (this.failed) throw new WriterRecoveringError(this.failed);
    while (this.inFlight.length >= pipelineDepthMax) await this.inFlight[0]!.durable.catch(() => undefined);
    if (this.failed) throw new WriterRecoveringError(this.failed);
    // After a failed commit whose reload failed too, reload now; until that works, nothing is
    // decided against a state that may hold effects that never committed.
    if (!this.state || !this.head) await this.reload();
    const generation = this.generation;
    const state = this.state!;
    const now = this.clock();
    this.dropClosedTrees(state);
    const pairs: { actor: string; nonce: string }[] = [];
    for (const s of submissions) {
      if (s.kind === 'command') {
        const c = s.command as { actor?: unknown; nonce?: unknown } | null;
        if (c && typeof c.actor === 'string' && typeof c.nonce === 'string') pairs.push({ actor: c.actor, nonce: c.nonce });
      } else {
        const f = s.fact as { payableId?: unknown } | null;
        if (f && typeof f.payableId === 'string') pairs.push({ actor: 'invoices-service', nonce: f.payableId });
      }
    }
    let plan: BatchPlan;
    const roots = new Set<string>();
    try {
      // Results of batches decided and not committed yet are not in PostgreSQL: they come first.
      const pending = new Map<string, StoredResult>();
      for (const f of this.inFlight) for (const r of f.plan.storedResults) pending.set(`${r.actor}\u0000${r.nonce}`, { commandHash: r.commandHash, result: r.result });
      const unknown = pairs.filter((p) => !pending.has(`${p.actor}\u0000${p.nonce}`) && this.nonces.mayHave(p.actor, p.nonce));
      // Only pairs the ledger may have seen are looked up; the others are new for certain.
      const storedResults = await this.store.loadStoredResults(unknown, state);
      for (const root of await this.readBackTrees(submissions, state)) roots.add(root);
      for (const [k, v] of pending) storedResults.set(k, v);
      plan = await planBatch(submissions, {
        state,
        head: this.head!,
        now,
        chainId: this.options.genesis.chainId,
        hashAlg: this.options.genesis.hashAlg,
        signBlock: this.options.signBlock,
        storedResults,
        verifyMany: this.options.verifyMany,
        verifyOne: (item) => verifySignature(item.alg, item.publicKey, item.message, item.sig),
        heldFacts: this.heldFacts,
        balances: this.balances,
      });
    } catch (error) {
      // Nothing of this batch is committed, but its decisions may be half in memory.
      if (generation === this.generation) {
        this.options.logger.error({ err: (error as Error).message }, 'deciding a batch failed; reloading state from PostgreSQL');
        this.fail(error as Error);
      }
      throw error;
    }
    // A commit failed while this batch was being decided: it was decided on effects that never
    // committed, against a state that is being thrown away.
    if (generation !== this.generation || this.failed) throw new WriterRecoveringError(this.failed ?? new Error('an earlier commit failed'));
    // Into the filter before the commit: a commit can fail after PostgreSQL committed (the
    // connection lost on the way back), and the redelivered batch must then find its results.
    for (const r of plan.storedResults) this.nonces.add(r.actor, r.nonce);
    for (const o of plan.operations) this.nonces.add(o.actor, o.nonce);
    if (plan.block) this.head = { height: plan.block.header.height, hash: plan.block.hash, lastSeq: Number(plan.block.header.lastSeq), stateDigest: plan.block.header.stateDigest! };
    const previous = this.inFlight.at(-1)?.durable ?? Promise.resolve();
    for (const v of plan.rows.vouchers) roots.add(v.rootId);
    const entry: InFlight = { plan, durable: Promise.resolve(), roots };
    entry.durable = previous
      .catch(() => undefined)
      .then(async () => {
        if (this.failed || generation !== this.generation) throw new WriterRecoveringError(this.failed ?? new Error('an earlier commit failed'));
        await this.store.commitPlan(plan, now);
      })
      .then(
        () => {
          this.inFlight.splice(Math.max(0, this.inFlight.indexOf(entry)), 1);
          // Nonces are looked up per batch (loadStoredResults); keeping them would grow forever.
          if (this.inFlight.length === 0) state.nonces.clear();
          if (this.evicting && generation === this.generation) for (const r of roots) this.evictCandidates.add(r);
        },
        (error: Error) => {
          this.inFlight.splice(Math.max(0, this.inFlight.indexOf(entry)), 1);
          if (!(error instanceof WriterRecoveringError)) {
            this.options.logger.error({ err: error.message }, 'batch commit failed; reloading state from PostgreSQL');
            this.fail(error);
          }
          throw error;
        },
      );
    this.inFlight.push(entry);
    return { outcome: { committed: plan.operations.length, results: plan.published, blockHeight: plan.block?.header.height ?? null }, durable: entry.durable };
  }

  /**
   * Drops the committed trees that are closed, unless a batch still in flight holds them. Run
   * only at the start of a decision, never during one, so no tree leaves while it is decided on.
   */
  private dropClosedTrees(state: MemoryLedgerState): void {
    if (this.evictCandidates.size === 0) return;
    const held = new Set<string>();
    for (const f of this.inFlight) for (const r of f.roots) held.add(r);
    for (const root of this.evictCandidates) {
      if (held.has(root)) continue;
      this.evictCandidates.delete(root);
      if (state.treeClosed(root)) state.evictTree(root);
    }
  }

  /**
   * Reads back from PostgreSQL the trees of the vouchers the commands name that are not in
   * memory — closed trees, to refuse precisely, and ids already taken — so every decision sees
   * what it would with the whole state loaded. A tree absent from memory has no uncommitted
   * change: it left only after its last batch committed with none in flight holding it.
   */
  private async readBackTrees(submissions: Submission[], state: MemoryLedgerState): Promise<string[]> {
    if (!this.evicting) return [];
    const named = new Set<string>();
    for (const s of submissions) if (s.kind === 'command') idsNamedIn((s.command as { payload?: unknown } | null)?.payload, named);
    const missing = [...named].filter((id) => state.voucher(id) === undefined);
    if (missing.length === 0) return [];
    const vouchers = await this.store.loadTrees(missing);
    state.restoreVouchers(vouchers);
    return [...new Set(vouchers.map((v) => v.rootId))];
  }

  /**
   * A decision or commit failed: nothing decided from here on may commit. Once every batch still
   * in flight has settled (each fails: it was decided on the failed one's effects), the state is
   * reloaded from PostgreSQL and deciding may resume.
   */
  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = error;
    this.generation += 1;
    void (async () => {
      while (this.inFlight.length > 0) await this.inFlight[0]!.durable.catch(() => undefined);
      this.state = null;
      this.head = null;
      await this.reload().catch((reloadError: Error) => this.options.logger.error({ err: reloadError.message }, 'reload failed; will retry before the next batch'));
      this.failed = null;
    })();
  }

  /** Payable facts waiting for a party to be registered (for metrics). */
  get heldFactCount(): number {
    return this.heldFacts.size;
  }

  /** Read access for tests and the read side of the same process. */
  get currentState(): MemoryLedgerState {
    if (!this.state) throw new Error('not initialised');
    return this.state;
  }
}
