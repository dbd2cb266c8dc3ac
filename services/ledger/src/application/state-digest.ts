/**
 * The state digest each block carries. It chains, block by block, the hash of every state row
 * the block's operations changed (as they stand after the block), from the empty state before the
 * genesis: `digest(h) = H(digest(h−1) ‖ JCS(changed rows))`. Two histories that produce a different
 * state anywhere produce different digests from that block on, so a replay of the log alone
 * (`cascade ledger verify --replay`, and the writer at start) finds the first block where the
 * state the ledger committed is not the state its operations produce.
 */
import { digest, genesisPrevHash, type HashAlg } from '@cascade/chain';
import { canonicalBytes } from '@cascade/crypto';
import { fenText } from '@cascade/money';
import type { DirtySets, MemoryLedgerState } from '../domain/state.ts';

/** The digest before anything happened (the genesis block chains from it). */
export function emptyStateDigest(alg: HashAlg): string {
  return genesisPrevHash(alg);
}

const sorted = (keys: Iterable<string>): string[] => [...keys].sort();

/**
 * The rows a batch changed, in one canonical form: entities by id, balances (fen, as the text of
 * an amount) by account key. Entities are canonicalised, so their key order (which PostgreSQL's
 * jsonb does not keep) does not matter.
 */
export function changedRows(state: MemoryLedgerState, dirty: DirtySets, balances: ReadonlyMap<string, bigint>, changedBalances: Iterable<string>): unknown {
  return {
    policy: dirty.policy.size > 0 ? state.policy() : null,
    parties: sorted(dirty.parties).map((id) => state.party(id)),
    keys: sorted(dirty.keys).map((id) => state.key(id)),
    payables: sorted(dirty.payables).map((id) => state.payable(id)),
    creditLines: sorted(dirty.creditLines).map((k) => state.creditLines.get(k)),
    vouchers: sorted(dirty.vouchers).map((id) => state.voucher(id)),
    balances: sorted(changedBalances).map((k) => [k, fenText(balances.get(k) ?? 0n)]),
  };
}

export function nextStateDigest(alg: HashAlg, previous: string, rows: unknown): string {
  return digest(alg, Buffer.from(previous, 'hex'), canonicalBytes(rows)).toString('hex');
}
