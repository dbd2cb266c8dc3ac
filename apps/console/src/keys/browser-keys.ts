/**
 * Signing keys made and kept in the browser. Ed25519 through WebCrypto
 * (`crypto.subtle.generateKey({name: 'Ed25519'})`): once its file is backed up, the key is kept in
 * IndexedDB as a **non-extractable** CryptoKey — the page can sign with it and nothing can read
 * its bytes out again, not even the page. SM2, which WebCrypto does not offer, through
 * `@cascade/crypto`'s pure code (via the SDK's signer): its 32 key bytes are kept encrypted under a
 * passphrase (PBKDF2-SHA-256, `pbkdf2Iterations`, a random salt → an AES-256-GCM key; the key id is
 * the GCM additional data, so a ciphertext cannot be passed off as another key's). Where WebCrypto
 * has no Ed25519, an Ed25519 key takes the SM2 path (pure code, passphrase).
 *
 * The key file offered for download is PKCS#8 PEM encoded by `@cascade/crypto`'s `pkcs8Der`, the
 * function `cascade keys new` writes its files with; `keys/pem.ts` reads it back. WebCrypto, IndexedDB
 * and this module need a secure context (https, or localhost): elsewhere the page offers key files only.
 */
import { signerFromRawKey, type AnySigner, type AsyncSigner, type PublicKeyInput } from '@cascade/sdk/client';
import { hexEncode, keyIdOf, pemEncode, pkcs8Der, spkiDer } from '@cascade/crypto/browser';
import { pkcs8DerFromPem, rawPrivateKeyFromDer } from './pem.ts';

export type KeyAlg = 'ed25519' | 'sm2';

/** OWASP's figure for PBKDF2-HMAC-SHA-256 (2023): a guessed passphrase costs this many hashes. */
export const pbkdf2Iterations = 600_000;
export const passphraseCharsMin = 8;
const saltBytes = 16;
const ivBytes = 12;

/** A key as IndexedDB keeps it: the public half in the clear, the private half as said above. */
export type StoredKey = {
  keyId: string;
  alg: KeyAlg;
  publicKeyHex: string;
  label: string;
  /** The party it was last used to sign in as (filled in on a successful sign-in). */
  partyId: string | null;
  createdAt: string;
} & ({ kind: 'webcrypto'; privateKey: CryptoKey } | { kind: 'encrypted'; salt: Uint8Array; iv: Uint8Array; ciphertext: Uint8Array; iterations: number });

/** A key just made, before it is stored: its public facts, its key file, and how to keep it. */
export interface NewKey {
  alg: KeyAlg;
  publicKey: PublicKeyInput;
  spkiPem: string;
  /** The PKCS#8 PEM to download (secret). */
  keyFilePem: string;
  signer: AnySigner;
  /** Makes the record to store; for a passphrase key, encrypts it first. */
  toStored(label: string, passphrase: string | null): Promise<StoredKey>;
  /** True when the key is kept by WebCrypto (no passphrase needed). */
  webCrypto: boolean;
}

export function secureContext(): boolean {
  return typeof globalThis.crypto?.subtle !== 'undefined' && typeof indexedDB !== 'undefined';
}

/** Whether this browser's WebCrypto makes Ed25519 keys (Chromium 137+, Firefox 129+, Safari 17+). */
export async function webCryptoEd25519(): Promise<boolean> {
  if (!secureContext()) return false;
  try {
    await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
    return true;
  } catch {
    return false;
  }
}

function webCryptoSigner(privateKey: CryptoKey, publicKeyHex: string): AsyncSigner {
  return {
    keyId: keyIdOf('ed25519', hexToBytes(publicKeyHex)),
    alg: 'ed25519',
    publicKeyHex,
    sign: async (message) => new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, message as BufferSource)),
  };
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function publicFacts(alg: KeyAlg, raw: Uint8Array): { publicKey: PublicKeyInput; spkiPem: string } {
  return { publicKey: { keyId: keyIdOf(alg, raw), alg, publicKey: hexEncode(raw) }, spkiPem: pemEncode(spkiDer(alg, raw), 'PUBLIC KEY') };
}

/** Makes a key: Ed25519 in WebCrypto where it can, else (and for SM2) 32 random bytes for the pure code. */
export async function createKey(alg: KeyAlg): Promise<NewKey> {
  if (alg === 'ed25519' && (await webCryptoEd25519())) {
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    // The seed out of WebCrypto's PKCS#8, encoded again as the CLI encodes it (the same bytes, by construction).
    const seed = rawPrivateKeyFromDer(new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey))).raw;
    const keyFilePem = pemEncode(pkcs8Der('ed25519', seed, raw), 'PRIVATE KEY');
    seed.fill(0);
    const facts = publicFacts(alg, raw);
    return {
      alg,
      ...facts,
      keyFilePem,
      signer: webCryptoSigner(pair.privateKey, facts.publicKey.publicKey),
      webCrypto: true,
      toStored: async (label) => {
        // Imported again as non-extractable: what is stored can sign, and can never be read out.
        const kept = await crypto.subtle.importKey('pkcs8', pkcs8DerFromPem(keyFilePem) as BufferSource, { name: 'Ed25519' }, false, ['sign']);
        return { keyId: facts.publicKey.keyId, alg, publicKeyHex: facts.publicKey.publicKey, label, partyId: null, createdAt: new Date().toISOString(), kind: 'webcrypto', privateKey: kept };
      },
    };
  }
  let raw: Uint8Array;
  let signer: AnySigner;
  for (;;) {
    raw = crypto.getRandomValues(new Uint8Array(32));
    try {
      signer = signerFromRawKey(alg, raw);
      break;
    } catch {
      // An SM2 scalar outside [1, n-2] (odds about 2^-32): draw again.
    }
  }
  const publicRaw = hexToBytes(signer.publicKeyHex);
  const facts = publicFacts(alg, publicRaw);
  const keyFilePem = pemEncode(pkcs8Der(alg, raw, publicRaw), 'PRIVATE KEY');
  const secret = raw.slice();
  raw.fill(0);
  return {
    alg,
    ...facts,
    keyFilePem,
    signer,
    webCrypto: false,
    toStored: async (label, passphrase) => {
      if (!passphrase || passphrase.length < passphraseCharsMin) throw new Error(`passphrase shorter than ${passphraseCharsMin} characters`);
      const salt = crypto.getRandomValues(new Uint8Array(saltBytes));
      const iv = crypto.getRandomValues(new Uint8Array(ivBytes));
      const key = await passphraseKey(passphrase, salt, pbkdf2Iterations);
      const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: iv as BufferSource, additionalData: new TextEncoder().encode(facts.publicKey.keyId) }, key, secret as BufferSource));
      return { keyId: facts.publicKey.keyId, alg, publicKeyHex: facts.publicKey.publicKey, label, partyId: null, createdAt: new Date().toISOString(), kind: 'encrypted', salt, iv, ciphertext, iterations: pbkdf2Iterations };
    },
  };
}

async function passphraseKey(passphrase: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations }, material, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** A signer from a stored key: at once for a WebCrypto key, with its passphrase for the others. */
export async function signerOfStored(stored: StoredKey, passphrase: string | null): Promise<AnySigner> {
  if (stored.kind === 'webcrypto') return webCryptoSigner(stored.privateKey, stored.publicKeyHex);
  if (!passphrase) throw new Error('this key needs its passphrase');
  const key = await passphraseKey(passphrase, stored.salt, stored.iterations);
  let raw: Uint8Array;
  try {
    raw = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: stored.iv as BufferSource, additionalData: new TextEncoder().encode(stored.keyId) }, key, stored.ciphertext as BufferSource));
  } catch {
    throw new WrongPassphrase();
  }
  const signer = signerFromRawKey(stored.alg, raw);
  raw.fill(0);
  if (signer.keyId !== stored.keyId) throw new Error('the stored key does not match its key id');
  return signer;
}

export class WrongPassphrase extends Error {
  override readonly name = 'WrongPassphrase';
  constructor() {
    super('wrong passphrase');
  }
}

// ---- IndexedDB: one object store of StoredKey records by key id

const dbName = 'cascade-console';
const storeName = 'keys';
/** Keys one browser keeps at most (a person's few identities, not a key server). */
export const storedKeysMax = 50;

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(dbName, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(storeName, { keyPath: 'keyId' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(storeName, mode);
      const request = act(tx.objectStore(storeName));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export async function listStoredKeys(): Promise<StoredKey[]> {
  if (!secureContext()) return [];
  const all = await run('readonly', (s) => s.getAll() as IDBRequest<StoredKey[]>);
  return all.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function storeKey(key: StoredKey): Promise<void> {
  if ((await listStoredKeys()).length >= storedKeysMax) throw new Error(`this browser keeps at most ${storedKeysMax} keys; delete one first`);
  await run('readwrite', (s) => s.put(key));
}

export async function rememberParty(keyId: string, partyId: string): Promise<void> {
  const key = (await listStoredKeys()).find((k) => k.keyId === keyId);
  if (key && key.partyId !== partyId) await run('readwrite', (s) => s.put({ ...key, partyId }));
}

export async function deleteStoredKey(keyId: string): Promise<void> {
  await run('readwrite', (s) => s.delete(keyId));
}
