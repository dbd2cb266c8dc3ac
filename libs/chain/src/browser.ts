/**
 * `@cascade/chain/browser`: inclusion-proof verification for runtimes without node:crypto (the web
 * console). The checks are proof-check.ts's — the ones `cascade verify-proof` runs — on
 * @noble/hashes' SHA-256 and @cascade/crypto's pure SM3; the block signature is checked against the
 * ledger key as `GET /v1/chain` names it (Ed25519 on @noble/curves, SM2 in TypeScript).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { base64DecodeStrict, ed25519VerifyNoble, hexDecodeStrict, sm2Verify, sm3 } from '@cascade/crypto/browser';
import { headerHashWith, verifyProofWith, type Digest } from './proof-check.ts';
import type { BlockHeader, InclusionProof, ProofVerdict, SignatureCheck } from './block.ts';

export type { BlockHeader, BlockSignature, InclusionProof, ProofVerdict, SealedBlock, SignatureCheck } from './block.ts';
export type { HashAlg } from './merkle.ts';

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const pureDigest: Digest = (alg, ...parts) => (alg === 'sha256' ? sha256(concat(parts)) : sm3(...parts));

/** The check of a block signature against a ledger key `{alg, publicKey: hex}`: its algorithm, then the signature. */
export function ledgerKeyCheck(ledgerKey: { alg: string; publicKey: string }): SignatureCheck {
  const raw = hexDecodeStrict(ledgerKey.publicKey);
  return (message, signature) => {
    const sig = base64DecodeStrict(signature.sig);
    if (!raw || !sig || signature.alg !== ledgerKey.alg) return false;
    try {
      if (ledgerKey.alg === 'ed25519') return ed25519VerifyNoble(raw, message, sig);
      if (ledgerKey.alg === 'sm2') return sm2Verify(raw, message, sig);
    } catch {
      return false;
    }
    return false;
  };
}

/** A block header's hash (hex), as the ledger seals it: its hash algorithm over its canonical bytes. */
export function headerHash(header: BlockHeader): string {
  return headerHashWith(pureDigest, header);
}

export function verifyProof(proof: InclusionProof, checkSignature: SignatureCheck): ProofVerdict {
  return verifyProofWith(pureDigest, proof, checkSignature);
}
