/**
 * Key pairs for Ed25519 and SM2: generate, import, export, sign.
 *
 * Formats: PEM (SPKI for public, PKCS#8 for private), JWK (Ed25519: kty "OKP" crv "Ed25519";
 * SM2: kty "EC" crv "SM2"), raw bytes and hex of the raw bytes. Raw public keys are the 32-byte
 * Ed25519 key and the 65-byte SM2 04‖x‖y; raw private keys are the 32-byte Ed25519 seed and the
 * 32-byte SM2 scalar d.
 *
 * Private key bytes live in a module-private WeakMap, not on the PrivateKey object, so
 * JSON.stringify, util.inspect, structured logging and error messages cannot reach them; only
 * `exportPrivateKey` and signing do.
 */
import { inspect } from 'node:util';
import { randomBytes } from 'node:crypto';
import { PRIVATE_KEY_LENGTH_BYTES, PUBLIC_KEY_LENGTH_BYTES, isSignatureAlg, type SignatureAlg } from './algorithms.ts';
import {
  base64DecodeStrict,
  base64UrlDecodeStrict,
  base64UrlEncode,
  bigIntToBytes,
  bytesEqual,
  bytesToBigInt,
  concatBytes,
  hexDecodeStrict,
  hexEncode,
} from './bytes.ts';
import {
  DER_TAG_BIT_STRING,
  DER_TAG_CONTEXT_0,
  DER_TAG_CONTEXT_1,
  DER_TAG_INTEGER,
  DER_TAG_OCTET_STRING,
  DER_TAG_OID,
  DER_TAG_SEQUENCE,
  OID_EC_PUBLIC_KEY,
  OID_ED25519,
  OID_SM2P256V1,
  derReadAll,
  derReadExactly,
  oidEquals,
  type DerElement,
} from './der.ts';
import { KeyFormatError, UnsupportedAlgorithmError } from './errors.ts';
import { ed25519PrivateKeyObject, ed25519PublicKeyFromSeedNode, ed25519SignNode } from './ed25519-node.ts';
import { ed25519IsAcceptablePublicKey } from './ed25519-noble.ts';
import { keyIdOf } from './key-id.ts';
import { SM2P256V1, sm2DecodePublicKey, sm2GeneratePrivateScalar, sm2IsValidPrivateScalar, sm2PublicKeyFromPrivate } from './sm2-pure.ts';
import { sm2MakeSigner } from './sm2.ts';
import { pemEncode, pkcs8Der, spkiDer } from './key-files.ts';

export interface PublicKey {
  readonly alg: SignatureAlg;
  /** Ed25519: 32 bytes. SM2: 65 bytes 04‖x‖y. */
  readonly raw: Uint8Array;
  /** See key-id.ts. */
  readonly keyId: string;
}

/** JSON Web Key as this package reads and writes it (RFC 7517/8037; SM2 by analogy with RFC 7518 EC keys). */
export type Jwk =
  | { kty: 'OKP'; crv: 'Ed25519'; x: string; d?: string; kid?: string }
  | { kty: 'EC'; crv: 'SM2'; x: string; y: string; d?: string; kid?: string };

export type KeyInput =
  | { format: 'pem'; pem: string }
  | { format: 'jwk'; jwk: Jwk }
  | { format: 'raw'; alg: SignatureAlg; bytes: Uint8Array }
  | { format: 'hex'; alg: SignatureAlg; hex: string };

export type KeyOutputFormat = 'pem' | 'jwk' | 'raw' | 'hex';

/** Largest PEM text accepted; real keys are a few hundred characters. */
export const KEY_PEM_LENGTH_MAX_CHARS = 16_384;

interface Secret {
  raw: Uint8Array;
  sign: (message: Uint8Array) => Uint8Array;
}

const secrets = new WeakMap<PrivateKey, Secret>();

/** A private key. Its bytes are not a property: see the module comment. */
export class PrivateKey {
  readonly alg: SignatureAlg;
  readonly publicKey: PublicKey;
  readonly keyId: string;

  private constructor(publicKey: PublicKey) {
    this.alg = publicKey.alg;
    this.publicKey = publicKey;
    this.keyId = publicKey.keyId;
    Object.freeze(this);
  }

  /** @internal Builds a key after the caller has validated `raw` and derived `publicRaw`. */
  static fromValidated(alg: SignatureAlg, raw: Uint8Array, publicRaw: Uint8Array): PrivateKey {
    const key = new PrivateKey(makePublicKey(alg, publicRaw));
    const rawCopy = raw.slice();
    const sign = alg === 'ed25519' ? bindEd25519Signer(rawCopy) : sm2MakeSigner(rawCopy, publicRaw);
    secrets.set(key, { raw: rawCopy, sign });
    return key;
  }

  toJSON(): { alg: SignatureAlg; keyId: string; private: true } {
    return { alg: this.alg, keyId: this.keyId, private: true };
  }

  toString(): string {
    return `PrivateKey(${this.keyId})`;
  }

  [inspect.custom](): string {
    return `PrivateKey { alg: '${this.alg}', keyId: '${this.keyId}' }`;
  }
}

function bindEd25519Signer(seed: Uint8Array): (message: Uint8Array) => Uint8Array {
  const keyObject = ed25519PrivateKeyObject(seed);
  return (message) => ed25519SignNode(keyObject, message);
}

function makePublicKey(alg: SignatureAlg, raw: Uint8Array): PublicKey {
  return Object.freeze({ alg, raw: raw.slice(), keyId: keyIdOf(alg, raw) });
}

function assertAlg(alg: unknown): asserts alg is SignatureAlg {
  if (!isSignatureAlg(alg)) throw new UnsupportedAlgorithmError(alg);
}

function privateFromRaw(alg: SignatureAlg, raw: Uint8Array): PrivateKey {
  if (raw.length !== PRIVATE_KEY_LENGTH_BYTES[alg]) throw new KeyFormatError(`${alg} private key must be ${PRIVATE_KEY_LENGTH_BYTES[alg]} bytes`);
  if (alg === 'ed25519') return PrivateKey.fromValidated(alg, raw, ed25519PublicKeyFromSeedNode(raw));
  const d = bytesToBigInt(raw);
  if (!sm2IsValidPrivateScalar(SM2P256V1, d)) throw new KeyFormatError('sm2 private key must be a scalar in [1, n-2]');
  return PrivateKey.fromValidated(alg, raw, sm2PublicKeyFromPrivate(SM2P256V1, d));
}

function publicFromRaw(alg: SignatureAlg, raw: Uint8Array): PublicKey {
  if (raw.length !== PUBLIC_KEY_LENGTH_BYTES[alg]) throw new KeyFormatError(`${alg} public key must be ${PUBLIC_KEY_LENGTH_BYTES[alg]} bytes`);
  if (alg === 'sm2' && !sm2DecodePublicKey(SM2P256V1, raw)) throw new KeyFormatError('sm2 public key must be 04||x||y of a point on sm2p256v1');
  if (alg === 'ed25519' && !ed25519IsAcceptablePublicKey(raw)) throw new KeyFormatError('ed25519 public key must be a canonical encoding of a point of large order');
  return makePublicKey(alg, raw);
}

export function generateKeyPair(alg: SignatureAlg): { privateKey: PrivateKey; publicKey: PublicKey } {
  assertAlg(alg);
  const raw = alg === 'ed25519' ? new Uint8Array(randomBytes(PRIVATE_KEY_LENGTH_BYTES.ed25519)) : bigIntToBytes(sm2GeneratePrivateScalar(SM2P256V1), 32);
  const privateKey = privateFromRaw(alg, raw);
  raw.fill(0);
  return { privateKey, publicKey: privateKey.publicKey };
}

// ---------- PEM and DER ----------

function pemDecode(pem: string, label: 'PRIVATE KEY' | 'PUBLIC KEY'): Uint8Array {
  if (pem.length > KEY_PEM_LENGTH_MAX_CHARS) throw new KeyFormatError('PEM text too long');
  const match = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  if (!match) throw new KeyFormatError(`expected a PEM block "${label}"`);
  const der = base64DecodeStrict(match[1]!.replace(/\s+/g, ''));
  if (!der) throw new KeyFormatError(`PEM "${label}" body is not valid base64`);
  return der;
}

/** Which algorithm an AlgorithmIdentifier names; throws for anything else. */
function algOfIdentifier(algorithmIdentifier: DerElement): SignatureAlg {
  const parts = algorithmIdentifier.tag === DER_TAG_SEQUENCE ? derReadAll(algorithmIdentifier.content) : undefined;
  const [oid, parameter] = parts ?? [];
  if (oid?.tag === DER_TAG_OID && oidEquals(oid.content, OID_ED25519) && parts!.length === 1) return 'ed25519';
  if (oid?.tag === DER_TAG_OID && oidEquals(oid.content, OID_EC_PUBLIC_KEY) && parameter?.tag === DER_TAG_OID && oidEquals(parameter.content, OID_SM2P256V1) && parts!.length === 2) return 'sm2';
  throw new KeyFormatError('key algorithm must be Ed25519 (1.3.101.112) or EC on sm2p256v1 (1.2.156.10197.1.301)');
}

function spkiDecode(der: Uint8Array): PublicKey {
  const seq = derReadExactly(der, DER_TAG_SEQUENCE);
  const parts = seq && derReadAll(seq.content);
  if (!parts || parts.length !== 2 || parts[1]!.tag !== DER_TAG_BIT_STRING || parts[1]!.content[0] !== 0) throw new KeyFormatError('malformed SubjectPublicKeyInfo');
  return publicFromRaw(algOfIdentifier(parts[0]!), parts[1]!.content.subarray(1));
}

function spkiEncode(key: PublicKey): Uint8Array {
  return spkiDer(key.alg, key.raw);
}

function pkcs8Decode(der: Uint8Array): PrivateKey {
  const seq = derReadExactly(der, DER_TAG_SEQUENCE);
  const parts = seq && derReadAll(seq.content);
  if (!parts || parts.length < 3 || parts[0]!.tag !== DER_TAG_INTEGER || parts[2]!.tag !== DER_TAG_OCTET_STRING) throw new KeyFormatError('malformed PKCS#8 PrivateKeyInfo');
  const alg = algOfIdentifier(parts[1]!);
  if (alg === 'ed25519') {
    const seed = derReadExactly(parts[2]!.content, DER_TAG_OCTET_STRING);
    if (!seed) throw new KeyFormatError('malformed Ed25519 private key');
    return privateFromRaw(alg, seed.content);
  }
  // RFC 5915 ECPrivateKey: version 1, d, optional [0] curve, optional [1] public key.
  const ec = derReadExactly(parts[2]!.content, DER_TAG_SEQUENCE);
  const fields = ec && derReadAll(ec.content);
  const d = fields?.[1];
  if (!fields || fields[0]?.tag !== DER_TAG_INTEGER || d?.tag !== DER_TAG_OCTET_STRING) throw new KeyFormatError('malformed SM2 ECPrivateKey');
  const key = privateFromRaw('sm2', d.content);
  for (const field of fields.slice(2)) {
    if (field.tag === DER_TAG_CONTEXT_0) {
      const curve = derReadExactly(field.content, DER_TAG_OID);
      if (!curve || !oidEquals(curve.content, OID_SM2P256V1)) throw new KeyFormatError('SM2 private key names a curve other than sm2p256v1');
    } else if (field.tag === DER_TAG_CONTEXT_1) {
      const bits = derReadExactly(field.content, DER_TAG_BIT_STRING);
      if (!bits || !bytesEqual(bits.content.subarray(1), key.publicKey.raw)) throw new KeyFormatError('SM2 private key carries a public key that does not match it');
    }
  }
  return key;
}

function pkcs8Encode(key: PrivateKey): Uint8Array {
  return pkcs8Der(key.alg, secretOf(key).raw, key.publicKey.raw);
}

// ---------- JWK ----------

function jwkField(jwk: Record<string, unknown>, name: string, lengthBytes: number): Uint8Array {
  const value = jwk[name];
  const bytes = typeof value === 'string' ? base64UrlDecodeStrict(value) : undefined;
  if (!bytes || bytes.length !== lengthBytes) throw new KeyFormatError(`JWK member "${name}" must be ${lengthBytes} bytes of base64url`);
  return bytes;
}

function jwkAlg(jwk: Jwk): SignatureAlg {
  if (jwk?.kty === 'OKP' && jwk.crv === 'Ed25519') return 'ed25519';
  if (jwk?.kty === 'EC' && jwk.crv === 'SM2') return 'sm2';
  throw new KeyFormatError('JWK must be kty "OKP" crv "Ed25519" or kty "EC" crv "SM2"');
}

function jwkPublicRaw(jwk: Jwk, alg: SignatureAlg): Uint8Array {
  const fields = jwk as unknown as Record<string, unknown>;
  if (alg === 'ed25519') return jwkField(fields, 'x', 32);
  return concatBytes(new Uint8Array([4]), jwkField(fields, 'x', 32), jwkField(fields, 'y', 32));
}

function jwkOfPublic(key: PublicKey): Jwk {
  if (key.alg === 'ed25519') return { kty: 'OKP', crv: 'Ed25519', x: base64UrlEncode(key.raw), kid: key.keyId };
  return { kty: 'EC', crv: 'SM2', x: base64UrlEncode(key.raw.subarray(1, 33)), y: base64UrlEncode(key.raw.subarray(33)), kid: key.keyId };
}

// ---------- public API ----------

function rawOfInput(input: Extract<KeyInput, { format: 'raw' | 'hex' }>): Uint8Array {
  assertAlg(input.alg);
  if (input.format === 'raw') return input.bytes;
  const bytes = typeof input.hex === 'string' ? hexDecodeStrict(input.hex.trim()) : undefined;
  if (!bytes) throw new KeyFormatError('key hex must be an even number of hex digits');
  return bytes;
}

/** Imports a private key; throws KeyFormatError / UnsupportedAlgorithmError (never with key bytes in the message). */
export function importPrivateKey(input: KeyInput): PrivateKey {
  switch (input.format) {
    case 'pem':
      return pkcs8Decode(pemDecode(input.pem, 'PRIVATE KEY'));
    case 'jwk': {
      const alg = jwkAlg(input.jwk);
      const key = privateFromRaw(alg, jwkField(input.jwk as unknown as Record<string, unknown>, 'd', 32));
      if (!bytesEqual(jwkPublicRaw(input.jwk, alg), key.publicKey.raw)) throw new KeyFormatError('JWK public members do not match its private key');
      return key;
    }
    case 'raw':
    case 'hex':
      return privateFromRaw(input.alg, rawOfInput(input));
    default:
      throw new KeyFormatError('unknown key format');
  }
}

/** Imports a public key (SM2 keys are checked to be on the curve). Throws KeyFormatError / UnsupportedAlgorithmError. */
export function importPublicKey(input: KeyInput): PublicKey {
  switch (input.format) {
    case 'pem':
      return spkiDecode(pemDecode(input.pem, 'PUBLIC KEY'));
    case 'jwk': {
      const alg = jwkAlg(input.jwk);
      return publicFromRaw(alg, jwkPublicRaw(input.jwk, alg));
    }
    case 'raw':
    case 'hex':
      return publicFromRaw(input.alg, rawOfInput(input));
    default:
      throw new KeyFormatError('unknown key format');
  }
}

export function exportPublicKey(key: PublicKey | PrivateKey, format: 'pem' | 'hex'): string;
export function exportPublicKey(key: PublicKey | PrivateKey, format: 'jwk'): Jwk;
export function exportPublicKey(key: PublicKey | PrivateKey, format: 'raw'): Uint8Array;
export function exportPublicKey(key: PublicKey | PrivateKey, format: KeyOutputFormat): string | Jwk | Uint8Array {
  const publicKey = key instanceof PrivateKey ? key.publicKey : key;
  switch (format) {
    case 'pem':
      return pemEncode(spkiEncode(publicKey), 'PUBLIC KEY');
    case 'jwk':
      return jwkOfPublic(publicKey);
    case 'raw':
      return publicKey.raw.slice();
    case 'hex':
      return hexEncode(publicKey.raw);
    default:
      throw new KeyFormatError('unknown key format');
  }
}

/** The only way private bytes leave this module; callers must treat the result as secret. */
export function exportPrivateKey(key: PrivateKey, format: 'pem' | 'hex'): string;
export function exportPrivateKey(key: PrivateKey, format: 'jwk'): Jwk;
export function exportPrivateKey(key: PrivateKey, format: 'raw'): Uint8Array;
export function exportPrivateKey(key: PrivateKey, format: KeyOutputFormat): string | Jwk | Uint8Array {
  const raw = secretOf(key).raw;
  switch (format) {
    case 'pem':
      return pemEncode(pkcs8Encode(key), 'PRIVATE KEY');
    case 'jwk':
      return { ...jwkOfPublic(key.publicKey), d: base64UrlEncode(raw) } as Jwk;
    case 'raw':
      return raw.slice();
    case 'hex':
      return hexEncode(raw);
    default:
      throw new KeyFormatError('unknown key format');
  }
}

function secretOf(key: PrivateKey): Secret {
  const secret = secrets.get(key);
  if (!secret) throw new KeyFormatError('not a PrivateKey created by @cascade/crypto');
  return secret;
}

/** Signs raw bytes; returns the 64-byte signature (Ed25519 R‖S, SM2 r‖s with the default user ID). */
export function signMessage(key: PrivateKey, message: Uint8Array): Uint8Array {
  return secretOf(key).sign(message);
}
