/**
 * The key files' encodings, browser-safe: SPKI for public keys and PKCS#8 for private keys
 * (Ed25519 per RFC 8410; SM2 as an RFC 5915 ECPrivateKey on sm2p256v1 with its public key), and
 * their PEM text. `cascade keys new` writes its files with these, and the web console writes the
 * key file it offers for download with the same functions, so the two files are alike byte for byte.
 */
import { base64Encode } from './bytes.ts';
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
  derEncode,
} from './der.ts';
import type { SignatureAlg } from './algorithms.ts';

const SM2_ALGORITHM_IDENTIFIER = derEncode(DER_TAG_SEQUENCE, derEncode(DER_TAG_OID, OID_EC_PUBLIC_KEY), derEncode(DER_TAG_OID, OID_SM2P256V1));
const ED25519_ALGORITHM_IDENTIFIER = derEncode(DER_TAG_SEQUENCE, derEncode(DER_TAG_OID, OID_ED25519));

/** SubjectPublicKeyInfo naming the sm2p256v1 curve (so OpenSSL types it SM2). */
export function sm2SpkiDer(publicKey: Uint8Array): Uint8Array {
  return derEncode(DER_TAG_SEQUENCE, SM2_ALGORITHM_IDENTIFIER, derEncode(DER_TAG_BIT_STRING, new Uint8Array([0]), publicKey));
}

/** PKCS#8 wrapping an RFC 5915 ECPrivateKey with the curve and public key. */
export function sm2Pkcs8Der(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  const ecPrivateKey = derEncode(
    DER_TAG_SEQUENCE,
    derEncode(DER_TAG_INTEGER, new Uint8Array([1])),
    derEncode(DER_TAG_OCTET_STRING, privateKey),
    derEncode(DER_TAG_CONTEXT_0, derEncode(DER_TAG_OID, OID_SM2P256V1)),
    derEncode(DER_TAG_CONTEXT_1, derEncode(DER_TAG_BIT_STRING, new Uint8Array([0]), publicKey)),
  );
  return derEncode(DER_TAG_SEQUENCE, derEncode(DER_TAG_INTEGER, new Uint8Array([0])), SM2_ALGORITHM_IDENTIFIER, derEncode(DER_TAG_OCTET_STRING, ecPrivateKey));
}

/** The SPKI DER of a raw public key (32 bytes Ed25519, 65 bytes uncompressed SM2). */
export function spkiDer(alg: SignatureAlg, publicKey: Uint8Array): Uint8Array {
  if (alg === 'sm2') return sm2SpkiDer(publicKey);
  return derEncode(DER_TAG_SEQUENCE, ED25519_ALGORITHM_IDENTIFIER, derEncode(DER_TAG_BIT_STRING, new Uint8Array([0]), publicKey));
}

/** The PKCS#8 DER of a raw private key (an Ed25519 seed or an SM2 scalar, 32 bytes); SM2 carries its public key. */
export function pkcs8Der(alg: SignatureAlg, privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  if (alg === 'sm2') return sm2Pkcs8Der(privateKey, publicKey);
  return derEncode(DER_TAG_SEQUENCE, derEncode(DER_TAG_INTEGER, new Uint8Array([0])), ED25519_ALGORITHM_IDENTIFIER, derEncode(DER_TAG_OCTET_STRING, derEncode(DER_TAG_OCTET_STRING, privateKey)));
}

/** PEM text: base64 in lines of 64, with its label. */
export function pemEncode(der: Uint8Array, label: 'PRIVATE KEY' | 'PUBLIC KEY'): string {
  const body = base64Encode(der).replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}
