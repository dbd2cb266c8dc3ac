/**
 * What the ledger's application needs from outside, owned here and implemented by
 * `data-access/` (PostgreSQL): the composition root (`definition.ts`) wires the implementation
 * in, so the application never imports the data access layer.
 */
import type { HashAlg, SealedBlock } from '@cascade/chain';
import type { Voucher } from '../domain/entities.ts';
import type { MemoryLedgerState } from '../domain/state.ts';
import type { BatchPlan, ChainHead, HeldFact, OperationRecord, StoredResult } from './batch.ts';

/** The connection that holds the one-writer lock; losing it means losing the lock. */
export interface WriterLock {
  release(): Promise<void>;
}

export interface LedgerStore {
  /** The state rows, loaded into memory; with `liveOnly`, closed trees stay out (`loadTrees`). */
  loadState(options?: { liveOnly?: boolean }): Promise<MemoryLedgerState>;
  /** Every voucher of the trees holding any of these voucher ids, in creation order. */
  loadTrees(voucherIds: readonly string[]): Promise<Voucher[]>;
  /** The newest block, or the empty chain's head. */
  loadHead(hashAlg: HashAlg): Promise<ChainHead>;
  /** Payable facts held for a party not yet registered, oldest first. */
  loadHeldFacts(): Promise<Map<string, HeldFact>>;
  /** Every account's balance in fen, keyed by `balanceKey`. */
  loadBalances(): Promise<Map<string, bigint>>;
  /** Stored results for these (actor, nonce) pairs; also records their committed nonces into `state`. */
  loadStoredResults(pairs: { actor: string; nonce: string }[], state: MemoryLedgerState): Promise<Map<string, StoredResult>>;
  /**
   * Every (actor, nonce) pair with a stored result or a committed operation, a page at a time
   * in a stable order: pass back the last pair of a page to get the next; an empty page ends.
   */
  noncePairs(after: { actor: string; nonce: string } | null, limit: number): Promise<{ actor: string; nonce: string }[]>;
  /** The first operation of the log (the genesis), if any. */
  genesisRecord(): Promise<OperationRecord | undefined>;
  /** Every operation of the log in order, a page at a time (for the replay check). */
  operations(fromSeq: number, limit: number): Promise<OperationRecord[]>;
  /** Sealed blocks from `fromHeight` on, in height order, at most `limit`. */
  blocks(fromHeight: number, limit: number): Promise<SealedBlock[]>;
  /** Commits a batch plan in one transaction, or throws having committed nothing (or, rarely, not knowing). */
  commitPlan(plan: BatchPlan, now: Date): Promise<void>;
  /**
   * Takes the one-writer lock, waiting up to `waitMs` for another writer to release it;
   * `onLost` is called if the lock's connection breaks while held. Throws if not taken in time.
   */
  lockWriter(waitMs: number, onLost: (error: Error) => void): Promise<WriterLock>;
}
