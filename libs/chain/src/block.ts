/**
 * Blocks and inclusion proofs.
 *
 * Each committed operation is a record whose canonical bytes (RFC 8785) are a Merkle leaf. A
 * block seals a contiguous run of operations: its header names the previous block's hash, the
 * Merkle root of its operations, the time, the count and the sequence range, and is signed by the
 * ledger's key. Altering, inserting, deleting or reordering any operation changes a root; changing
 * a header breaks its signature and the next block's `prevHash`.
 *
 * Signing and verification are injected so this module needs no key material and stays usable
 * offline by anyone who holds a proof and the ledger's public key.
 */
import { auditPath, digest, merkleRoot, type HashAlg } from './merkle.ts';
import { headerHashWith, hiddenPartWith, operationLeafWith, partSaltsField, sealedFormWith, verifyProofWith } from './proof-check.ts';

export interface BlockHeader {
  /** Which ledger this chain belongs to; stops a block of one deployment passing in another. */
  chainId: string;
  height: number;
  /** Hex hash of the previous block's header; 64 zeros for height 0. */
  prevHash: string;
  merkleRoot: string;
  /** UTC instant the block was sealed. */
  time: string;
  count: number;
  /** First and last operation sequence numbers sealed (decimal strings). */
  firstSeq: string;
  lastSeq: string;
  hashAlg: HashAlg;
  /**
   * Hex digest of the state the chain's operations produced up to and including this block,
   * chained from the previous block's (the ledger's `stateDigest`): a replay of the log that
   * produces other state diverges here, at the first block where it differs.
   */
  stateDigest?: string;
}

export interface BlockSignature {
  keyId: string;
  alg: string;
  sig: string;
}

export interface SealedBlock {
  header: BlockHeader;
  /** Hex hash of the header's canonical bytes. */
  hash: string;
  signature: BlockSignature;
}

export type Signer = (message: Uint8Array) => BlockSignature;
export type SignatureCheck = (message: Uint8Array, signature: BlockSignature) => boolean;

export function genesisPrevHash(alg: HashAlg): string {
  return '0'.repeat(digest(alg).length * 2);
}

export function headerHash(header: BlockHeader): string {
  return headerHashWith(digest, header);
}

/**
 * Parts of a record can be disclosed to some readers and hidden from others without changing its
 * leaf: a record may carry `partSalts`, a map from a JSON pointer (`/body/payload/pieces/0`) to a
 * random salt (hex). The leaf is the hash of the record's *sealed form*, where each such part is
 * replaced by `{"$hidden": H("cascade:part:" ‖ JCS({salt, value}))}` and `partSalts` is dropped. A
 * proof for one reader keeps its own parts (with their salts) and carries the others already
 * hidden; both spell the same sealed form, so the same Merkle path proves both. The salt keeps a
 * reader from guessing a hidden part (a recipient and an amount are easily enumerated).
 */
export { partSaltsField };

export function hiddenPart(alg: HashAlg, salt: string, value: unknown): { $hidden: string } {
  return hiddenPartWith(digest, alg, salt, value);
}

/** The record as its leaf is computed: every salted part hidden, `partSalts` dropped. */
export function sealedForm(alg: HashAlg, record: unknown): unknown {
  return sealedFormWith(digest, alg, record);
}

/**
 * The record as one reader may see it: the parts listed in `disclose` stay (with their salts);
 * every other salted part is hidden. The leaf, and so the proof, is unchanged.
 */
export function disclosedForm(alg: HashAlg, record: unknown, disclose: readonly string[]): unknown {
  if (typeof record !== 'object' || record === null || !(partSaltsField in record)) return record;
  const salts = (record as Record<string, unknown>)[partSaltsField] as Record<string, string>;
  const hidden = Object.fromEntries(Object.entries(salts).filter(([pointer]) => !disclose.includes(pointer)));
  const kept = Object.fromEntries(Object.entries(salts).filter(([pointer]) => disclose.includes(pointer)));
  const partly = sealedForm(alg, { ...(record as Record<string, unknown>), [partSaltsField]: hidden });
  return { ...(partly as Record<string, unknown>), [partSaltsField]: kept };
}

export function operationLeaf(alg: HashAlg, record: unknown): Buffer {
  const leaf = operationLeafWith(digest, alg, record);
  return Buffer.from(leaf.buffer, leaf.byteOffset, leaf.byteLength);
}

export interface SealInput {
  chainId: string;
  height: number;
  prevHash: string;
  time: Date;
  hashAlg: HashAlg;
  firstSeq: string;
  lastSeq: string;
  /** The operation records of the block, in sequence order. */
  records: unknown[];
  /** Their leaf hashes, when the caller computed them already (they are not computed twice). */
  leaves?: Buffer[];
  stateDigest?: string;
}

export function sealBlock(input: SealInput, sign: Signer): SealedBlock {
  if (input.records.length === 0) throw new Error('a block seals at least one operation');
  if (input.leaves && input.leaves.length !== input.records.length) throw new Error('one leaf per record');
  const leaves = input.leaves ?? input.records.map((r) => operationLeaf(input.hashAlg, r));
  const header: BlockHeader = {
    chainId: input.chainId,
    height: input.height,
    prevHash: input.prevHash,
    merkleRoot: merkleRoot(input.hashAlg, leaves).toString('hex'),
    time: input.time.toISOString(),
    count: input.records.length,
    firstSeq: input.firstSeq,
    lastSeq: input.lastSeq,
    hashAlg: input.hashAlg,
    ...(input.stateDigest === undefined ? {} : { stateDigest: input.stateDigest }),
  };
  const hash = headerHash(header);
  return { header, hash, signature: sign(Buffer.from(hash, 'hex')) };
}

export interface InclusionProof {
  version: 1;
  /** The operation record exactly as sealed. */
  record: unknown;
  leafIndex: number;
  auditPath: string[];
  block: SealedBlock;
}

export function buildProof(block: SealedBlock, records: unknown[], leafIndex: number): InclusionProof {
  const leaves = records.map((r) => operationLeaf(block.header.hashAlg, r));
  return {
    version: 1,
    record: records[leafIndex],
    leafIndex,
    auditPath: auditPath(block.header.hashAlg, leaves, leafIndex).map((b) => b.toString('hex')),
    block,
  };
}

export type ProofVerdict = { ok: true } | { ok: false; reason: string };

/** Checks a proof with nothing but the ledger's public key (inside `checkSignature`): proof-check.ts, shared with the browser. */
export function verifyProof(proof: InclusionProof, checkSignature: SignatureCheck): ProofVerdict {
  return verifyProofWith(digest, proof, checkSignature);
}

export interface ChainProblem {
  height: number;
  /** The operation sequence number concerned, when one is. */
  seq?: string;
  reason: string;
}

/**
 * Verifies a run of blocks with their operations, in height order, and returns the first
 * problem (or null). `recordsOf` returns a block's operation records with their `seq`.
 */
export async function verifyChain(options: {
  blocks: AsyncIterable<SealedBlock> | Iterable<SealedBlock>;
  recordsOf: (block: SealedBlock) => Promise<{ seq: string; record: unknown; leafHash?: string }[]>;
  checkSignature: SignatureCheck;
  chainId: string;
}): Promise<ChainProblem | null> {
  let prev: SealedBlock | null = null;
  let expectedSeq: bigint | null = null;
  for await (const block of options.blocks) {
    const h = block.header;
    const alg = h.hashAlg;
    const height = h.height;
    if (h.chainId !== options.chainId) return { height, reason: `block belongs to chain ${h.chainId}` };
    if (height !== (prev ? prev.header.height + 1 : 0)) return { height, reason: `expected height ${prev ? prev.header.height + 1 : 0}` };
    if (h.prevHash !== (prev ? prev.hash : genesisPrevHash(alg))) return { height, reason: 'prevHash does not match the previous block' };
    if (headerHash(h) !== block.hash) return { height, reason: 'header altered: hash does not match' };
    if (!options.checkSignature(Buffer.from(block.hash, 'hex'), block.signature)) return { height, reason: 'block signature invalid' };
    const records = await options.recordsOf(block);
    for (const { seq, record } of records) {
      const s = BigInt(seq);
      if (expectedSeq !== null && s !== expectedSeq) return { height, seq, reason: `operation missing or out of order: expected seq ${expectedSeq}` };
      expectedSeq = s + 1n;
      // A record names its own seq, so moving a record's content to another row is visible.
      const own = (record as { seq?: unknown } | null)?.seq;
      if (own !== undefined && String(own) !== seq) return { height, seq, reason: `operation stored at seq ${seq} says it is seq ${String(own)}` };
    }
    if (records.length !== h.count) return { height, reason: `block seals ${h.count} operations, ${records.length} stored` };
    if (records[0]?.seq !== h.firstSeq || records.at(-1)?.seq !== h.lastSeq) return { height, reason: 'sequence range differs from the header' };
    const leaves = records.map((r) => operationLeaf(alg, r.record));
    if (merkleRoot(alg, leaves).toString('hex') !== h.merkleRoot) {
      // Name the operation when its stored leaf hash no longer matches its content.
      for (let i = 0; i < records.length; i++) {
        const stored = records[i]!.leafHash;
        if (stored !== undefined && stored !== leaves[i]!.toString('hex')) {
          return { height, seq: records[i]!.seq, reason: 'operation altered: its content no longer matches its sealed hash' };
        }
      }
      return { height, reason: 'Merkle root mismatch: operations of this block were altered' };
    }
    prev = block;
  }
  return null;
}
