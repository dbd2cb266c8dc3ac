/**
 * The chain of block headers checked where it is read — in a browser too (nothing Node-only):
 * each header is in this chain, follows the one before (height + 1, `prevHash` = that block's
 * hash; the first names 64 zeros), hashes to its `hash` (SHA-256 or SM3 over its RFC 8785
 * canonical bytes, as `@cascade/chain` seals it), and that hash carries the ledger key's signature
 * (the key `GET /v1/chain` publishes, whose key id must be its own: compare that id with the
 * genesis to trust the key, since it comes from the same gateway as the blocks). The same checks
 * as `verifyChain` in `@cascade/chain`, headers only: the operations inside a block are proven one
 * by one with inclusion proofs.
 */
import { headerHash, ledgerKeyCheck } from '@cascade/chain/browser';
import { hexDecodeStrict, keyIdOf } from '@cascade/crypto/browser';
import type { BlockList, ChainInfo } from '../contract/schemas.ts';
import type { CascadeClient } from './client.ts';

export type SealedBlockView = BlockList['blocks'][number];

/** One page of `GET /v1/blocks` (the ledger's largest page). */
export const blocksPageSize = 50;
/** A verification stops after this many blocks and says so: a limit on the work one click starts. */
export const blocksVerifiedMaxDefault = 20_000;

/** Hex hash of a header's canonical bytes, by the header's own hash algorithm (`@cascade/chain`'s, browser-safe). */
export function headerHashHex(header: SealedBlockView['header']): string {
  if (header.hashAlg !== 'sha256' && header.hashAlg !== 'sm3') throw new Error(`unknown hash algorithm ${header.hashAlg}`);
  return headerHash(header as Parameters<typeof headerHash>[0]);
}

/**
 * True when `block.signature` is the ledger key's over the block hash's bytes (the check inclusion
 * proofs use, `@cascade/chain/browser`'s), under the key's own id.
 */
export function blockSignatureValid(ledgerKey: ChainInfo['ledgerKey'], block: SealedBlockView): boolean {
  const { signature } = block;
  if (signature.keyId !== ledgerKey.keyId || signature.alg !== ledgerKey.alg) return false;
  const publicKey = hexDecodeStrict(ledgerKey.publicKey);
  const message = hexDecodeStrict(block.hash);
  if (!publicKey || !message) return false;
  // The key id a person compares (with the genesis, with what the console shows) must be this key's.
  if ((ledgerKey.alg !== 'ed25519' && ledgerKey.alg !== 'sm2') || keyIdOf(ledgerKey.alg, publicKey) !== ledgerKey.keyId) return false;
  return ledgerKeyCheck(ledgerKey)(message, signature as Parameters<ReturnType<typeof ledgerKeyCheck>>[1]);
}

export type ChainHeadersProblemCode = 'otherChain' | 'heightNotNext' | 'prevHashMismatch' | 'headerAltered' | 'signatureInvalid';

export interface ChainHeadersProblem {
  height: number;
  /** Stable, for a client's own wording. */
  code: ChainHeadersProblemCode;
  reason: string;
}

/** Checks blocks one after another; `check` returns the first problem of a block, or null. */
export class HeaderChainVerifier {
  private last: SealedBlockView | null = null;
  verified = 0;

  constructor(private readonly chain: Pick<ChainInfo, 'chainId' | 'ledgerKey'>) {}

  get head(): SealedBlockView | null {
    return this.last;
  }

  check(block: SealedBlockView): ChainHeadersProblem | null {
    const h = block.header;
    const expectedHeight = this.last ? this.last.header.height + 1 : 0;
    if (h.chainId !== this.chain.chainId) return { height: h.height, code: 'otherChain', reason: `the block belongs to chain ${h.chainId}, not ${this.chain.chainId}` };
    if (h.height !== expectedHeight) return { height: h.height, code: 'heightNotNext', reason: `expected height ${expectedHeight}` };
    const prevHash = this.last ? this.last.hash : '0'.repeat(64);
    if (h.prevHash !== prevHash) return { height: h.height, code: 'prevHashMismatch', reason: 'prevHash does not match the previous block' };
    let hash: string;
    try {
      hash = headerHashHex(h);
    } catch (e) {
      return { height: h.height, code: 'headerAltered', reason: (e as Error).message };
    }
    if (hash !== block.hash) return { height: h.height, code: 'headerAltered', reason: 'header altered: its hash does not match' };
    if (!blockSignatureValid(this.chain.ledgerKey, block)) return { height: h.height, code: 'signatureInvalid', reason: "the signature is not the ledger key's" };
    this.last = block;
    this.verified += 1;
    return null;
  }
}

export type ChainHeadersVerdict = {
  /** Blocks verified (before the problem, when there is one). */
  verified: number;
  head: SealedBlockView | null;
  problem: ChainHeadersProblem | null;
  /** True when `blocksMax` stopped the walk before the end of the chain. */
  truncated: boolean;
};

/** Fetches the headers from height 0 (`GET /v1/blocks`, the regulator's) and the key (`GET /v1/chain`), and verifies them. */
export async function verifyChainHeaders(client: CascadeClient, options: { blocksMax?: number; onProgress?: (verified: number) => void } = {}): Promise<ChainHeadersVerdict> {
  const blocksMax = options.blocksMax ?? blocksVerifiedMaxDefault;
  const verifier = new HeaderChainVerifier(await client.chain());
  for (let from = 0; from < blocksMax; from += blocksPageSize) {
    const { blocks } = await client.listBlocks({ from, limit: Math.min(blocksPageSize, blocksMax - from) });
    for (const block of blocks) {
      const problem = verifier.check(block);
      if (problem) return { verified: verifier.verified, head: verifier.head, problem, truncated: false };
    }
    options.onProgress?.(verifier.verified);
    if (blocks.length < Math.min(blocksPageSize, blocksMax - from)) return { verified: verifier.verified, head: verifier.head, problem: null, truncated: false };
  }
  return { verified: verifier.verified, head: verifier.head, problem: null, truncated: true };
}
