/**
 * Merkle trees in the shape of RFC 6962 §2.1 (Certificate Transparency): leaves and inner nodes
 * are hashed with different prefixes (0x00, 0x01), so a leaf can never pass for an inner node,
 * and a tree of n leaves splits at the largest power of two below n, so no leaf is duplicated to
 * fill the tree (the duplication of Bitcoin's tree lets two different lists share a root).
 */
import { createHash } from 'node:crypto';
import { rootFromPathWith } from './proof-check.ts';

export type HashAlg = 'sha256' | 'sm3';
export const hashAlgs: readonly HashAlg[] = ['sha256', 'sm3'];

export function digest(alg: HashAlg, ...parts: Uint8Array[]): Buffer {
  const h = createHash(alg);
  for (const p of parts) h.update(p);
  return h.digest();
}

const leafPrefix = Buffer.from([0x00]);
const nodePrefix = Buffer.from([0x01]);

export function leafHash(alg: HashAlg, data: Uint8Array): Buffer {
  return digest(alg, leafPrefix, data);
}

export function nodeHash(alg: HashAlg, left: Uint8Array, right: Uint8Array): Buffer {
  return digest(alg, nodePrefix, left, right);
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Root over already-hashed leaves. An empty tree's root is the hash of nothing. */
export function merkleRoot(alg: HashAlg, leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return digest(alg);
  return subtreeRoot(alg, leaves, 0, leaves.length);
}

function subtreeRoot(alg: HashAlg, leaves: Buffer[], from: number, to: number): Buffer {
  const n = to - from;
  if (n === 1) return leaves[from]!;
  const k = largestPowerOfTwoBelow(n);
  return nodeHash(alg, subtreeRoot(alg, leaves, from, from + k), subtreeRoot(alg, leaves, from + k, to));
}

/** The audit path of leaf `index` (RFC 6962 §2.1.1), bottom-up. */
export function auditPath(alg: HashAlg, leaves: Buffer[], index: number): Buffer[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) throw new RangeError(`leaf ${index} outside 0..${leaves.length - 1}`);
  const path: Buffer[] = [];
  collectPath(alg, leaves, 0, leaves.length, index, path);
  return path;
}

function collectPath(alg: HashAlg, leaves: Buffer[], from: number, to: number, index: number, path: Buffer[]): void {
  const n = to - from;
  if (n === 1) return;
  const k = largestPowerOfTwoBelow(n);
  if (index - from < k) {
    collectPath(alg, leaves, from, from + k, index, path);
    path.push(subtreeRoot(alg, leaves, from + k, to));
  } else {
    collectPath(alg, leaves, from + k, to, index, path);
    path.push(subtreeRoot(alg, leaves, from, from + k));
  }
}

/** Recomputes the root from a leaf hash and its audit path (RFC 9162 §2.1.3.2; proof-check.ts, shared with the browser). */
export function rootFromPath(alg: HashAlg, leaf: Buffer, index: number, size: number, path: Buffer[]): Buffer | null {
  const r = rootFromPathWith(digest, alg, leaf, index, size, path);
  return r ? Buffer.from(r.buffer, r.byteOffset, r.byteLength) : null;
}
