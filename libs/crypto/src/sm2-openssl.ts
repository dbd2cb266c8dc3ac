/**
 * SM2 on Node's OpenSSL: about ten times faster than the pure path, but only if fed correctly.
 *
 * Node has no API to set the SM2 user ID. `crypto.sign/verify` on an SM2-type key hash with
 * an EMPTY ID, and a key from `generateKeyPairSync('ec', {namedCurve: 'SM2'})` signs plain
 * ECDSA. What does give standard signatures: import the key from SPKI/PKCS#8 DER naming the
 * sm2p256v1 curve (so OpenSSL types it SM2), compute Z_A ourselves, and use the streaming
 * `createSign/createVerify('sm3')` on Z_A‖M — those hash the data as given and then run the
 * raw SM2 equations on the digest. Because that rests on OpenSSL internals, sm2.ts self-tests
 * this module against published vectors and the pure path before using it.
 */
import { createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';
import { derSignatureToRaw, rawSignatureToDer } from './der.ts';
import { sm2Pkcs8Der, sm2SpkiDer } from './key-files.ts';
import { sm3 } from './sm3.ts';
import { SM2P256V1, SM2_DEFAULT_USER_ID, sm2ComputeZ, sm2DecodePublicKey } from './sm2-pure.ts';

const SM2_SCALAR_LENGTH_BYTES = 32;
/** Public keys whose KeyObject and default-ID Z_A stay cached; a ledger sees a bounded set of signers. */
export const SM2_KEY_CACHE_ENTRIES_MAX = 10_000;

interface CachedPublicKey {
  keyObject: KeyObject;
  zDefault: Uint8Array;
}

/** Bounded cache evicting the oldest insertion (FIFO): cheaper on the hot path than LRU bookkeeping, and a re-import of an evicted key costs one verify. */
const publicKeyCache = new Map<string, CachedPublicKey | null>();

/** KeyObject and default-ID Z_A for a public key, or null when the key is not a valid point. */
function cachedPublicKey(publicKey: Uint8Array): CachedPublicKey | null {
  const cacheKey = hexEncodeFast(publicKey);
  const hit = publicKeyCache.get(cacheKey);
  if (hit !== undefined) return hit;
  let entry: CachedPublicKey | null = null;
  // Validate the point ourselves; OpenSSL would too, but this keeps both paths refusing the same keys.
  if (sm2DecodePublicKey(SM2P256V1, publicKey)) {
    try {
      const keyObject = createPublicKey({ key: Buffer.from(sm2SpkiDer(publicKey)), format: 'der', type: 'spki' });
      entry = { keyObject, zDefault: sm2ComputeZ(SM2P256V1, publicKey, SM2_DEFAULT_USER_ID, sm3) };
    } catch {
      entry = null;
    }
  }
  if (publicKeyCache.size >= SM2_KEY_CACHE_ENTRIES_MAX) publicKeyCache.delete(publicKeyCache.keys().next().value!);
  publicKeyCache.set(cacheKey, entry);
  return entry;
}

function hexEncodeFast(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Verifies raw r‖s (already range-checked by the caller) with OpenSSL.
 * Returns false for invalid keys or signatures; never throws.
 */
export function sm2VerifyOpenSsl(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, userId?: Uint8Array): boolean {
  const cached = cachedPublicKey(publicKey);
  if (!cached) return false;
  const z = userId === undefined ? cached.zDefault : sm2ComputeZ(SM2P256V1, publicKey, userId, sm3);
  try {
    const verifier = createVerify('sm3');
    verifier.update(z);
    verifier.update(message);
    return verifier.verify(cached.keyObject, rawSignatureToDer(signature));
  } catch {
    return false;
  }
}

/** An imported private key for the OpenSSL path, with the Z_A of its public key precomputed. */
export interface Sm2OpenSslSigningKey {
  keyObject: KeyObject;
  publicKey: Uint8Array;
}

export function sm2OpenSslSigningKey(privateKey: Uint8Array, publicKey: Uint8Array): Sm2OpenSslSigningKey {
  const keyObject = createPrivateKey({ key: Buffer.from(sm2Pkcs8Der(privateKey, publicKey)), format: 'der', type: 'pkcs8' });
  return { keyObject, publicKey };
}

/** Signs with OpenSSL and returns raw r‖s. OpenSSL redraws k when r = 0 or r + k = n, as the standard requires. */
export function sm2SignOpenSsl(key: Sm2OpenSslSigningKey, message: Uint8Array, userId?: Uint8Array): Uint8Array {
  const z = sm2ComputeZ(SM2P256V1, key.publicKey, userId ?? SM2_DEFAULT_USER_ID, sm3);
  const signer = createSign('sm3');
  signer.update(z);
  signer.update(message);
  const raw = derSignatureToRaw(new Uint8Array(signer.sign(key.keyObject)), SM2_SCALAR_LENGTH_BYTES);
  if (!raw) throw new Error('OpenSSL returned a malformed SM2 signature');
  return raw;
}

export function sm2OpenSslCacheSize(): number {
  return publicKeyCache.size;
}

