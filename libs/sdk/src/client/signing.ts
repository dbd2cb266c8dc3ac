/**
 * Signing commands, with nothing Node-only: canonical bytes (RFC 8785), Ed25519 and SM2 (with
 * SM3 and the default ID) from `@cascade/crypto/browser`, so the same code signs in a browser and
 * in Node. A signer holds a raw private key: a 32-byte Ed25519 seed or a 32-byte SM2 scalar.
 */
import {
  SM2P256V1,
  base64Encode,
  canonicalBytes,
  ed25519PublicKeyFromSeedNoble,
  ed25519SignNoble,
  hexDecodeStrict,
  hexEncode,
  keyIdOf,
  sm2PublicKeyFromPrivate,
  sm2Sign,
} from '@cascade/crypto/browser';
import type { AnyCommandType, Command, PublicKeyInput, Signature, SignatureAlg, SignedCommand } from '../contract/commands.ts';

export interface Signer {
  readonly keyId: string;
  readonly alg: SignatureAlg;
  /** Lower-case hex of the raw public key, as `party.register` and `key.add` take it. */
  readonly publicKeyHex: string;
  sign(message: Uint8Array): Uint8Array;
}

/**
 * A signer whose signature comes asynchronously: a WebCrypto CryptoKey (`crypto.subtle.sign` is
 * async; the console keeps such keys non-extractable in IndexedDB), a hardware token. The client's
 * `login`, `command` and `confirmPayable` take either kind; `signCommand` stays synchronous for
 * `Signer`s (Node callers and the CLI), `signCommandAsync` takes both.
 */
export interface AsyncSigner {
  readonly keyId: string;
  readonly alg: SignatureAlg;
  readonly publicKeyHex: string;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

export type AnySigner = Signer | AsyncSigner;

/** A signer from a raw private key (32 bytes for both algorithms), as bytes or hex; it keeps a copy of the bytes. */
export function signerFromRawKey(alg: SignatureAlg, raw: Uint8Array | string): Signer {
  // A copy: the caller may zero its buffer once the signer is made.
  const bytes = typeof raw === 'string' ? hexDecodeStrict(raw) : raw.slice();
  if (!bytes || bytes.length !== 32) throw new Error(`a raw ${alg} private key is 32 bytes`);
  if (alg === 'ed25519') {
    const publicKey = ed25519PublicKeyFromSeedNoble(bytes);
    return { keyId: keyIdOf(alg, publicKey), alg, publicKeyHex: hexEncode(publicKey), sign: (message) => ed25519SignNoble(bytes, message) };
  }
  const d = BigInt(`0x${hexEncode(bytes)}`);
  const publicKey = sm2PublicKeyFromPrivate(SM2P256V1, d);
  return { keyId: keyIdOf(alg, publicKey), alg, publicKeyHex: hexEncode(publicKey), sign: (message) => sm2Sign(d, message, { publicKey }) };
}

/** A fresh signer: 32 random bytes from the platform's CSPRNG (Web Crypto, in Node and browsers). */
export function generateSigner(alg: SignatureAlg): Signer {
  for (;;) {
    const raw = globalThis.crypto.getRandomValues(new Uint8Array(32));
    try {
      return signerFromRawKey(alg, raw);
    } catch {
      // An SM2 scalar outside [1, n-2] (odds about 2^-32): draw again.
    }
  }
}

export function publicKeyOf(signer: AnySigner): PublicKeyInput {
  return { keyId: signer.keyId, alg: signer.alg, publicKey: signer.publicKeyHex };
}

export function signBytes(message: Uint8Array, signers: readonly Signer[]): Signature[] {
  return signers.map((s) => ({ keyId: s.keyId, alg: s.alg, sig: base64Encode(s.sign(message)) }));
}

/** Like signBytes, for signers of either kind (each signature awaited in turn). */
export async function signBytesAsync(message: Uint8Array, signers: readonly AnySigner[]): Promise<Signature[]> {
  const out: Signature[] = [];
  for (const s of signers) out.push({ keyId: s.keyId, alg: s.alg, sig: base64Encode(await s.sign(message)) });
  return out;
}

/** Signs the canonical bytes of `command` with every signer, of either kind. */
export async function signCommandAsync<T extends AnyCommandType>(command: Command<T>, signers: readonly AnySigner[]): Promise<SignedCommand<T>> {
  return { command, signatures: await signBytesAsync(canonicalBytes(command), signers) };
}

/** Signs the canonical bytes of `command` with every signer. */
export function signCommand<T extends AnyCommandType>(command: Command<T>, signers: readonly Signer[]): SignedCommand<T> {
  return { command, signatures: signBytes(canonicalBytes(command), signers) };
}

/**
 * A random (version 4) UUID from getRandomValues: `crypto.randomUUID` exists only in secure
 * contexts (https, localhost), and a page served over plain http must still be able to sign.
 */
function uuid4(): string {
  const b = globalThis.crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = hexEncode(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A nonce: a random UUID (unique per actor is all the ledger asks). */
export function newNonce(): string {
  return uuid4();
}

/** A client-chosen voucher id (a random, version 4 UUID: the ledger keeps version 8 for its own). */
export function newVoucherId(): string {
  return uuid4();
}
