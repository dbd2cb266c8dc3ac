/**
 * Ed25519 on node:crypto (OpenSSL): about ten times faster than @noble/curves for verify, so
 * it is the server path. Public KeyObjects are cached because importing one costs about as
 * much as a verify.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { ED25519_PUBLIC_KEY_LENGTH_BYTES, ED25519_SIGNATURE_LENGTH_BYTES, ed25519IsAcceptablePublicKey } from './ed25519-noble.ts';

/** RFC 8410 prefixes: SPKI and PKCS#8 for Ed25519 differ from the raw key only by these bytes. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
export const ED25519_KEY_CACHE_ENTRIES_MAX = 10_000;

/** Bounded cache evicting the oldest insertion (FIFO): cheaper on the hot path than LRU bookkeeping, and a re-import of an evicted key costs one verify. */
const publicKeyCache = new Map<string, KeyObject | null>();

function cachedPublicKey(publicKey: Uint8Array): KeyObject | null {
  const buffer = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength);
  const cacheKey = buffer.toString('hex');
  const hit = publicKeyCache.get(cacheKey);
  if (hit !== undefined) return hit;
  // Small-order and non-canonical keys are cached as null: OpenSSL would accept forgeries for them.
  let entry: KeyObject | null = null;
  if (ed25519IsAcceptablePublicKey(publicKey)) {
    try {
      entry = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, buffer]), format: 'der', type: 'spki' });
    } catch {
      entry = null;
    }
  }
  if (publicKeyCache.size >= ED25519_KEY_CACHE_ENTRIES_MAX) publicKeyCache.delete(publicKeyCache.keys().next().value!);
  publicKeyCache.set(cacheKey, entry);
  return entry;
}

export function ed25519PrivateKeyObject(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

export function ed25519PublicKeyFromSeedNode(seed: Uint8Array): Uint8Array {
  const spki = createPublicKey(ed25519PrivateKeyObject(seed)).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(ED25519_SPKI_PREFIX.length));
}

export function ed25519SignNode(key: KeyObject, message: Uint8Array): Uint8Array {
  // A Buffer is a Uint8Array; returning it as is saves a copy per signature.
  return sign(null, message, key);
}

/** Never throws on malformed input: returns false. */
export function ed25519VerifyNode(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH_BYTES || signature.length !== ED25519_SIGNATURE_LENGTH_BYTES) return false;
  const key = cachedPublicKey(publicKey);
  if (!key) return false;
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
