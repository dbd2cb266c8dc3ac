/**
 * Reads the key files `cascade keys new` writes (PKCS#8 private keys, SPKI public keys; Ed25519
 * or SM2) in the browser, so the private key goes from the file straight into an SDK signer and
 * is never sent anywhere. A minimal DER reader: definite lengths only, bounded input.
 */
import { signerFromRawKey, type Signer, type PublicKeyInput } from '@cascade/sdk/client';
import { base64DecodeStrict, hexDecodeStrict, hexEncode, keyIdOf } from '@cascade/crypto/browser';

const pemLengthMaxChars = 8_192;
const oidEd25519 = '2b6570';
const oidEcPublicKey = '2a8648ce3d0201';
const oidSm2 = '2a811ccf5501822d';

interface Der {
  tag: number;
  content: Uint8Array;
  end: number;
}

function read(bytes: Uint8Array, offset: number): Der {
  const tag = bytes[offset];
  let length = bytes[offset + 1];
  if (tag === undefined || length === undefined) throw new Error('truncated DER');
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count < 1 || count > 2) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = (length << 8) | (bytes[start + i] ?? 0);
    start += count;
  }
  const end = start + length;
  if (end > bytes.length) throw new Error('truncated DER');
  return { tag, content: bytes.subarray(start, end), end };
}

function children(content: Uint8Array): Der[] {
  const out: Der[] = [];
  for (let offset = 0; offset < content.length; ) {
    const element = read(content, offset);
    out.push(element);
    offset = element.end;
  }
  return out;
}

function pemBody(pem: string, label: string): Uint8Array {
  if (pem.length > pemLengthMaxChars) throw new Error('key file too long');
  const match = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  if (!match) throw new Error(`expected a PEM block "${label}"`);
  const der = base64DecodeStrict(match[1]!.replace(/\s+/g, ''));
  if (!der) throw new Error('PEM body is not base64');
  return der;
}

function algOf(identifier: Der): 'ed25519' | 'sm2' {
  const [oid, parameter] = children(identifier.content);
  if (oid && hexEncode(oid.content) === oidEd25519) return 'ed25519';
  if (oid && hexEncode(oid.content) === oidEcPublicKey && parameter && hexEncode(parameter.content) === oidSm2) return 'sm2';
  throw new Error('the key must be Ed25519 or SM2');
}

/** The algorithm and raw 32 private key bytes of a PKCS#8 DER private key (secret: zero it after use). */
export function rawPrivateKeyFromDer(der: Uint8Array): { alg: 'ed25519' | 'sm2'; raw: Uint8Array } {
  const [, identifier, privateKey] = children(read(der, 0).content);
  if (!identifier || !privateKey) throw new Error('malformed PKCS#8 key');
  const alg = algOf(identifier);
  const inner = read(privateKey.content, 0);
  const raw = alg === 'ed25519' ? inner.content : children(inner.content)[1]?.content;
  if (!raw || raw.length !== 32) throw new Error('malformed private key');
  return { alg, raw: raw.slice() };
}

/** The DER bytes of a PKCS#8 PEM private key file. */
export function pkcs8DerFromPem(pem: string): Uint8Array {
  return pemBody(pem, 'PRIVATE KEY');
}

/** A signer from the text of a PKCS#8 PEM private key file. */
export function signerFromPem(pem: string): Signer {
  const { alg, raw } = rawPrivateKeyFromDer(pkcs8DerFromPem(pem));
  const signer = signerFromRawKey(alg, raw);
  raw.fill(0);
  return signer;
}

/** A public key as `party.register` takes it, from an SPKI PEM or from `alg:hex`. */
export function publicKeyFromText(text: string, algIfHex: 'ed25519' | 'sm2'): PublicKeyInput {
  const trimmed = text.trim();
  let alg: 'ed25519' | 'sm2';
  let raw: Uint8Array | undefined;
  if (trimmed.startsWith('-----BEGIN')) {
    const [identifier, bits] = children(read(pemBody(trimmed, 'PUBLIC KEY'), 0).content);
    if (!identifier || !bits) throw new Error('malformed public key');
    alg = algOf(identifier);
    raw = bits.content.subarray(1);
  } else {
    alg = algIfHex;
    raw = hexDecodeStrict(trimmed.toLowerCase()) ?? undefined;
  }
  if (!raw || raw.length !== (alg === 'ed25519' ? 32 : 65)) throw new Error('the public key has the wrong length');
  return { keyId: keyIdOf(alg, raw), alg, publicKey: hexEncode(raw) };
}
