/**
 * The verification of an inclusion proof, written once and browser-safe: no node:* and no Buffer,
 * the hash function given (`Digest`). The Node entry (`@cascade/chain`, what `cascade verify-proof`
 * and the ledger use) gives it node:crypto's SHA-256 and SM3; the browser entry
 * (`@cascade/chain/browser`, what the web console uses) gives it @noble/hashes' SHA-256 and the
 * pure SM3 of @cascade/crypto — the same steps in the same order either way.
 */
import { canonicalBytes, hexDecodeStrict, hexEncode } from '@cascade/crypto/browser';
import type { BlockHeader, InclusionProof, ProofVerdict, SignatureCheck } from './block.ts';
import type { HashAlg } from './merkle.ts';

export type Digest = (alg: HashAlg, ...parts: Uint8Array[]) => Uint8Array;

const leafPrefix = new Uint8Array([0x00]);
const nodePrefix = new Uint8Array([0x01]);
const hiddenMarker = '$hidden';
export const partSaltsField = 'partSalts';

export const leafHashWith = (d: Digest, alg: HashAlg, data: Uint8Array): Uint8Array => d(alg, leafPrefix, data);
export const nodeHashWith = (d: Digest, alg: HashAlg, left: Uint8Array, right: Uint8Array): Uint8Array => d(alg, nodePrefix, left, right);

/** Recomputes the root from a leaf hash and its audit path (RFC 9162 §2.1.3.2). */
export function rootFromPathWith(d: Digest, alg: HashAlg, leaf: Uint8Array, index: number, size: number, path: Uint8Array[]): Uint8Array | null {
  if (!Number.isInteger(index) || index < 0 || index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return null;
    if ((fn & 1) === 1 || fn === sn) {
      r = nodeHashWith(d, alg, p, r);
      if ((fn & 1) === 0) {
        while ((fn & 1) === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = nodeHashWith(d, alg, r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? r : null;
}

export function headerHashWith(d: Digest, header: BlockHeader): string {
  return hexEncode(d(header.hashAlg, canonicalBytes(header)));
}

export function hiddenPartWith(d: Digest, alg: HashAlg, salt: string, value: unknown): { $hidden: string } {
  return { [hiddenMarker]: hexEncode(d(alg, new TextEncoder().encode('cascade:part:'), canonicalBytes({ salt, value }))) } as { $hidden: string };
}

function pointerSegments(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw new Error(`part ${pointer} is not a JSON pointer`);
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `record` with the part at `pointer` replaced by `replace(value)` (copies along the path; the input is not changed). */
function replaceAt(record: unknown, segments: string[], replace: (value: unknown) => unknown): unknown {
  if (segments.length === 0) return replace(record);
  const [head, ...rest] = segments;
  if (Array.isArray(record)) {
    const i = Number(head);
    if (!Number.isInteger(i) || i < 0 || i >= record.length) throw new Error(`part path index ${head} is outside the record`);
    return record.map((v, j) => (j === i ? replaceAt(v, rest, replace) : v));
  }
  if (typeof record !== 'object' || record === null || !(head! in record)) throw new Error(`part path segment ${head} is not in the record`);
  return { ...(record as Record<string, unknown>), [head!]: replaceAt((record as Record<string, unknown>)[head!], rest, replace) };
}

/** The record as its leaf is computed: every salted part hidden, `partSalts` dropped (block.ts explains). */
export function sealedFormWith(d: Digest, alg: HashAlg, record: unknown): unknown {
  if (typeof record !== 'object' || record === null || !(partSaltsField in record)) return record;
  const { [partSaltsField]: salts, ...rest } = record as Record<string, unknown>;
  let out: unknown = rest;
  for (const [pointer, salt] of Object.entries((salts ?? {}) as Record<string, unknown>)) {
    if (typeof salt !== 'string' || !/^[0-9a-f]{32,64}$/.test(salt)) throw new Error(`part ${pointer} has no valid salt`);
    out = replaceAt(out, pointerSegments(pointer), (value) => hiddenPartWith(d, alg, salt, value));
  }
  return out;
}

export function operationLeafWith(d: Digest, alg: HashAlg, record: unknown): Uint8Array {
  return leafHashWith(d, alg, canonicalBytes(sealedFormWith(d, alg, record)));
}

const hashAlgs: readonly string[] = ['sha256', 'sm3'];

/**
 * Checks a proof with nothing but the ledger's public key (inside `checkSignature`): the header
 * hashes to the block hash, the ledger key signed that hash, and the operation's Merkle path leads
 * to the header's root. The first check that fails is the reason. Never throws on a malformed
 * proof (a file a user uploads): that is a reason too.
 */
export function verifyProofWith(d: Digest, proof: InclusionProof, checkSignature: SignatureCheck): ProofVerdict {
  try {
    const block = proof?.block;
    if (proof?.version !== 1) return { ok: false, reason: `unknown proof version ${String(proof?.version)}` };
    if (!block?.header || typeof block.hash !== 'string' || !block.signature) return { ok: false, reason: 'the proof has no sealed block' };
    const alg = block.header.hashAlg;
    if (!hashAlgs.includes(alg)) return { ok: false, reason: `unknown hash algorithm ${String(alg)}` };
    if (headerHashWith(d, block.header) !== block.hash) return { ok: false, reason: 'block hash does not match its header' };
    const hash = hexDecodeStrict(block.hash);
    if (!hash || !checkSignature(hash, block.signature)) return { ok: false, reason: 'block signature is not valid for the given ledger key' };
    const path = (Array.isArray(proof.auditPath) ? proof.auditPath : []).map((h) => (typeof h === 'string' ? hexDecodeStrict(h) : undefined));
    if (!Array.isArray(proof.auditPath) || path.some((p) => !p)) return { ok: false, reason: 'the audit path is not a list of hex hashes' };
    const root = rootFromPathWith(d, alg, operationLeafWith(d, alg, proof.record), proof.leafIndex, block.header.count, path as Uint8Array[]);
    if (!root || hexEncode(root) !== block.header.merkleRoot) return { ok: false, reason: 'operation is not included in the block (Merkle path does not lead to the root)' };
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `the proof is malformed: ${(error as Error).message}` };
  }
}
