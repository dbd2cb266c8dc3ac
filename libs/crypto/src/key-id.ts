/**
 * Key id = `alg:` + hex of the first 16 bytes of SHA-256(raw public key), e.g.
 * `ed25519:3f1c…` (32 hex digits). Raw means the 32-byte Ed25519 key or the 65-byte 04‖x‖y SM2
 * key, so the id does not depend on PEM/JWK spelling. 128 bits keep ids collision-free for any
 * realistic number of keys while staying short in logs; the alg prefix stops one byte string
 * from naming keys of two algorithms. Browser-safe.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { hexEncode } from './bytes.ts';
import type { SignatureAlg } from './algorithms.ts';

export const KEY_ID_DIGEST_PREFIX_LENGTH_BYTES = 16;

export function keyIdOf(alg: SignatureAlg, publicKeyRaw: Uint8Array): string {
  return `${alg}:${hexEncode(sha256(publicKeyRaw).subarray(0, KEY_ID_DIGEST_PREFIX_LENGTH_BYTES))}`;
}
