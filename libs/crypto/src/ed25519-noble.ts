/**
 * Ed25519 (RFC 8032) on @noble/curves, for runtimes without node:crypto (the browser SDK).
 * Verification is strict RFC 8032 / FIPS 186-5 (zip215: false), matching OpenSSL: non-canonical
 * point encodings and S ≥ L are refused, so both paths accept exactly the same signatures.
 */
import { ed25519 } from '@noble/curves/ed25519.js';

export const ED25519_PUBLIC_KEY_LENGTH_BYTES = 32;
export const ED25519_PRIVATE_KEY_LENGTH_BYTES = 32;
export const ED25519_SIGNATURE_LENGTH_BYTES = 64;

/**
 * True when the key is a canonical encoding of a point that is not of small order. OpenSSL
 * accepts the identity (and other small-order or non-canonical) keys, for which a trivial
 * signature verifies on every message; noble (zip215: false) refuses them. Checking keys
 * here, once per key, makes both paths refuse them.
 */
export function ed25519IsAcceptablePublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH_BYTES) return false;
  try {
    const point = ed25519.Point.fromBytes(publicKey, false);
    return !point.isSmallOrder() && bytesEqualConstant(point.toBytes(), publicKey);
  } catch {
    return false;
  }
}

function bytesEqualConstant(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function ed25519PublicKeyFromSeedNoble(seed: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(seed);
}

export function ed25519SignNoble(seed: Uint8Array, message: Uint8Array): Uint8Array {
  return ed25519.sign(message, seed);
}

/** Never throws on malformed input: returns false. */
export function ed25519VerifyNoble(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== ED25519_SIGNATURE_LENGTH_BYTES || !ed25519IsAcceptablePublicKey(publicKey)) return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
