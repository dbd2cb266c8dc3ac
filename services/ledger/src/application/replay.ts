/**
 * Rebuilds the ledger's state from its log alone and says where it differs from what the ledger
 * committed. Each block's operations are decided again, in order, by the same `planBatch` the
 * writer runs (so the same rules, limits and policy — the policy is itself state the log
 * produces), at the block's own time; the state digest this yields must equal the one sealed in
 * every block header, and the state at the end must equal the state tables row for row. Run by
 * `cascade ledger verify --replay`, and by the writer at start (a state row changed behind the
 * ledger's back stops it before it decides anything against it).
 */
import type { SealedBlock } from '@cascade/chain';
import { canonicalize, verifySignature, type VerifyItem } from '@cascade/crypto';
import { fenText } from '@cascade/money';
import { genesisEvents } from '../domain/decide.ts';
import { evolveAll } from '../domain/evolve.ts';
import { MemoryLedgerState } from '../domain/state.ts';
import { planBatch, type ChainHead, type HeldFact, type OperationRecord, type Submission } from './batch.ts';
import type { LedgerStore } from './ports.ts';
import { changedRows, emptyStateDigest, nextStateDigest } from './state-digest.ts';
import type { Genesis } from './writer.ts';

export const replayPageSize = 500;

export interface ReplayProblem {
  height: number;
  seq?: number;
  reason: string;
}

export interface ReplayOutcome {
  state: MemoryLedgerState;
  balances: Map<string, bigint>;
  /** The head the replay reached (null when the log is empty). */
  head: ChainHead | null;
  blocks: number;
  operations: number;
  problem: ReplayProblem | null;
}

export interface ReplayOptions {
  /**
   * Check every command's signatures again (the authority invariant). Without it the replay
   * trusts that the ledger checked them when it committed: enough to rebuild the state.
   */
  verifySignatures: boolean;
  verifyMany?: (items: VerifyItem[]) => Promise<boolean[]>;
  /** Called after each block, for progress on long logs. */
  onBlock?: (height: number, operations: number) => void;
}

const noSignature = () => ({ keyId: 'replay', alg: 'none', sig: '' });

export async function replayLog(store: LedgerStore, genesis: Genesis, options: ReplayOptions): Promise<ReplayOutcome> {
  const state = new MemoryLedgerState();
  const balances = new Map<string, bigint>();
  const heldFacts = new Map<string, HeldFact>();
  const verifyOne = options.verifySignatures ? (i: VerifyItem) => verifySignature(i.alg, i.publicKey, i.message, i.sig) : () => true;
  const verifyMany = options.verifySignatures ? (options.verifyMany ?? (async (items: VerifyItem[]) => items.map(verifyOne))) : async (items: VerifyItem[]) => items.map(() => true);
  let head: ChainHead | null = null;
  let blocks = 0;
  let operations = 0;
  const done = (problem: ReplayProblem | null): ReplayOutcome => ({ state, balances, head, blocks, operations, problem });

  let pending: OperationRecord[] = [];
  let nextSeq = 1;
  /** The block's records, read a page at a time in sequence order. */
  const recordsOf = async (block: SealedBlock): Promise<OperationRecord[]> => {
    const last = Number(block.header.lastSeq);
    const out: OperationRecord[] = [];
    while (nextSeq <= last || pending.length > 0) {
      if (pending.length === 0) {
        pending = await store.operations(nextSeq, replayPageSize);
        if (pending.length === 0) break;
      }
      const r = pending[0]!;
      if (r.seq > last) break;
      pending.shift();
      out.push(r);
      nextSeq = r.seq + 1;
    }
    return out;
  };

  for (let from = 0; ; ) {
    const page = await store.blocks(from, replayPageSize);
    for (const block of page) {
      const h = block.header;
      const records = await recordsOf(block);
      if (records.length !== h.count || records[0]?.seq !== Number(h.firstSeq)) {
        return done({ height: h.height, reason: `the block seals ${h.count} operations from seq ${h.firstSeq}; the log holds ${records.length} from seq ${records[0]?.seq ?? '(none)'}` });
      }
      let digest: string;
      if (h.height === 0) {
        const record = records[0]!;
        if (record.kind !== 'genesis') return done({ height: 0, seq: record.seq, reason: 'the first operation is not the genesis' });
        const g = record.body as Genesis;
        evolveAll(state, genesisEvents(g.operator, g.policy, new Date(h.time)));
        digest = nextStateDigest(genesis.hashAlg, emptyStateDigest(genesis.hashAlg), changedRows(state, state.takeDirty(), balances, []));
      } else {
        const submissions: Submission[] = records.map((r) =>
          r.kind === 'fact' ? { kind: 'fact', submissionId: r.opId, fact: r.body } : { kind: 'command', submissionId: r.opId, command: r.body, signatures: r.signatures },
        );
        const plan = await planBatch(submissions, {
          state,
          head: head!,
          now: new Date(h.time),
          chainId: genesis.chainId,
          hashAlg: genesis.hashAlg,
          signBlock: noSignature,
          storedResults: new Map(),
          verifyMany,
          verifyOne,
          heldFacts,
          balances,
        });
        const replayed = plan.operations.map((o) => o.record.seq - Number(h.firstSeq));
        const missing = records.findIndex((_, i) => !replayed.includes(i));
        if (missing >= 0 || plan.operations.length !== records.length) {
          const r = records[Math.max(missing, 0)]!;
          const refusal = plan.published.find((p) => p.submissionId === r.opId && p.status === 'refused')?.problem;
          return done({ height: h.height, seq: r.seq, reason: `operation seq ${r.seq} is not accepted when the log is replayed${refusal ? `: ${refusal.code}: ${refusal.detail}` : ''}` });
        }
        digest = plan.block!.header.stateDigest!;
        // Nonces are checked against the state; replay keeps every one, as the log holds them.
      }
      if (h.stateDigest !== digest) {
        return done({ height: h.height, reason: 'the state digest sealed in this block is not the digest of the state its operations produce' });
      }
      head = { height: h.height, hash: block.hash, lastSeq: Number(h.lastSeq), stateDigest: digest };
      blocks += 1;
      operations += records.length;
      options.onBlock?.(h.height, operations);
    }
    if (page.length < replayPageSize) break;
    from = page.at(-1)!.header.height + 1;
  }
  const extra = pending[0] ?? (await store.operations(nextSeq, 1))[0];
  if (extra) return done({ height: head?.height ?? -1, seq: extra.seq, reason: `operation seq ${extra.seq} is stored outside every sealed block` });
  return done(null);
}

function differingFields(a: unknown, b: unknown): string {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return '';
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  const differ = [...keys].filter((k) => canonicalize((a as Record<string, unknown>)[k] ?? null) !== canonicalize((b as Record<string, unknown>)[k] ?? null));
  return differ.length > 0 ? ` (${differ.slice(0, 5).join(', ')})` : '';
}

/**
 * The first row where the stored state differs from the state the log produces, in words; null
 * when every row agrees. Entities are compared canonically (key order does not matter).
 */
export function stateDifference(fromLog: { state: MemoryLedgerState; balances: ReadonlyMap<string, bigint> }, stored: { state: MemoryLedgerState; balances: ReadonlyMap<string, bigint> }): string | null {
  const tables: [string, ReadonlyMap<string, unknown>, ReadonlyMap<string, unknown>][] = [
    ['party', fromLog.state.parties, stored.state.parties],
    ['key', fromLog.state.keys, stored.state.keys],
    ['payable', fromLog.state.payables, stored.state.payables],
    ['credit line', fromLog.state.creditLines, stored.state.creditLines],
    ['voucher', fromLog.state.vouchers, stored.state.vouchers],
    ['balance', new Map([...fromLog.balances].map(([k, v]) => [k, fenText(v)])), new Map([...stored.balances].map(([k, v]) => [k, fenText(v)]))],
  ];
  const policyLog = canonicalize(fromLog.state.policy());
  if (canonicalize(stored.state.policy()) !== policyLog) return `the policy row differs from the policy the log produces${differingFields(stored.state.policy(), fromLog.state.policy())}`;
  for (const [what, log, table] of tables) {
    for (const [id, row] of table) {
      const expected = log.get(id);
      const name = id.replace(/\u0000/g, ' / ');
      if (expected === undefined) return `${what} ${name} is in the tables but the log never produced it`;
      if (canonicalize(row) !== canonicalize(expected)) return `${what} ${name} differs from what the log produces${differingFields(row, expected)}`;
    }
    for (const id of log.keys()) if (!table.has(id)) return `${what} ${id.replace(/\u0000/g, ' / ')} that the log produces is missing from the tables`;
  }
  return null;
}
