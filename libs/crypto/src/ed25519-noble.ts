/**
 * Ed25519 (RFC 8032) on @noble/curves, for runtimes without node:crypto (the browser SDK).
 * Verification is strict RFC 8032 / FIPS 186-5 (zip215: false), matching OpenSSL: non-canonical
 * point encodings and S ≥ L are refused, so both paths accept exactly the same signatures.
 */
import { ed25519 } from '@noble/curves/ed25519.js';

export const ED25519_PUBLIC_KEY_LENGTH_BYTES = 32;
export const ED25519_PRIVATE_KEY_LENGTH_BYTES = 32;
export const ED25519_SIGNATURE_LENGTH_BYTES = 64;

export function ed25519PublicKeyFromSeedNoble(seed: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(seed);
}

export function ed25519SignNoble(seed: Uint8Array, message: Uint8Array): Uint8Array {
  return ed25519.sign(message, seed);
}

/** Never throws on malformed input: returns false. */
export function ed25519VerifyNoble(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH_BYTES || signature.length !== ED25519_SIGNATURE_LENGTH_BYTES) return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
