import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import {
  KeyFormatError,
  UnsupportedAlgorithmError,
  exportPrivateKey,
  exportPublicKey,
  generateKeyPair,
  importPrivateKey,
  importPublicKey,
  keyIdOf,
  signMessage,
  verifySignature,
  type SignatureAlg,
} from '../src/index.ts';
import { ascii, hex, loadVectors, toHex, type Ed25519Vectors, type Sm2Vectors } from './vectors.ts';

const ALGS: SignatureAlg[] = ['ed25519', 'sm2'];

describe('keys', () => {
  it('key id is alg: + first 16 bytes of SHA-256 of the raw public key', () => {
    const raw = hex(loadVectors<Ed25519Vectors>('ed25519-rfc8032.json').vectors[0]!.public_key);
    const digest = createHash('sha256').update(raw).digest('hex');
    expect(keyIdOf('ed25519', raw)).toBe(`ed25519:${digest.slice(0, 32)}`);
    expect(keyIdOf('sm2', raw)).toBe(`sm2:${digest.slice(0, 32)}`);
  });

  for (const alg of ALGS) {
    it(`${alg}: generated keys round-trip through PEM, JWK, raw and hex with the same key id`, () => {
      const { privateKey, publicKey } = generateKeyPair(alg);
      expect(publicKey.keyId).toMatch(new RegExp(`^${alg}:[0-9a-f]{32}$`));
      for (const format of ['pem', 'hex'] as const) {
        expect(importPrivateKey(format === 'pem' ? { format, pem: exportPrivateKey(privateKey, format) } : { format, alg, hex: exportPrivateKey(privateKey, format) }).keyId).toBe(publicKey.keyId);
        expect(importPublicKey(format === 'pem' ? { format, pem: exportPublicKey(publicKey, format) } : { format, alg, hex: exportPublicKey(publicKey, format) }).keyId).toBe(publicKey.keyId);
      }
      expect(importPrivateKey({ format: 'jwk', jwk: exportPrivateKey(privateKey, 'jwk') }).keyId).toBe(publicKey.keyId);
      expect(importPublicKey({ format: 'jwk', jwk: exportPublicKey(publicKey, 'jwk') }).keyId).toBe(publicKey.keyId);
      expect(importPrivateKey({ format: 'raw', alg, bytes: exportPrivateKey(privateKey, 'raw') }).keyId).toBe(publicKey.keyId);
      expect(toHex(exportPublicKey(privateKey, 'raw'))).toBe(toHex(publicKey.raw));
    });

    it(`${alg}: OpenSSL reads our PEM files and we read OpenSSL's`, () => {
      const { privateKey, publicKey } = generateKeyPair(alg);
      expect(() => createPrivateKey(exportPrivateKey(privateKey, 'pem'))).not.toThrow();
      expect(() => createPublicKey(exportPublicKey(publicKey, 'pem'))).not.toThrow();
      const openssl = alg === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'SM2' });
      const imported = importPrivateKey({ format: 'pem', pem: openssl.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string });
      const importedPublic = importPublicKey({ format: 'pem', pem: openssl.publicKey.export({ format: 'pem', type: 'spki' }) as string });
      expect(imported.keyId).toBe(importedPublic.keyId);
      const message = ascii('hello');
      expect(verifySignature(alg, importedPublic.raw, message, Buffer.from(signMessage(imported, message)).toString('base64'))).toBe(true);
    });

    it(`${alg}: a private key never shows its bytes in JSON, inspect, String or errors`, () => {
      const { privateKey } = generateKeyPair(alg);
      const secretHex = exportPrivateKey(privateKey, 'hex');
      const secretB64 = Buffer.from(secretHex, 'hex').toString('base64');
      const secretB64Url = exportPrivateKey(privateKey, 'jwk').d!;
      const renderings = [
        JSON.stringify(privateKey),
        JSON.stringify({ key: privateKey }),
        inspect(privateKey, { showHidden: true, depth: 10 }),
        String(privateKey),
        `${privateKey}`,
        Object.keys(privateKey).join(','),
        JSON.stringify(Object.getOwnPropertyNames(privateKey).map((name) => (privateKey as unknown as Record<string, unknown>)[name])),
      ];
      for (const text of renderings) {
        expect(text).not.toContain(secretHex);
        expect(text).not.toContain(secretB64.slice(0, 20));
        expect(text).not.toContain(secretB64Url.slice(0, 20));
      }
      expect(JSON.parse(JSON.stringify(privateKey))).toEqual({ alg, keyId: privateKey.keyId, private: true });
    });
  }

  it('imports the SM2 Annex A key from raw hex and derives its public key', () => {
    const v = loadVectors<Sm2Vectors>('sm2-sign.json').vectors[0]!;
    const key = importPrivateKey({ format: 'hex', alg: 'sm2', hex: v.private_key_d! });
    expect(toHex(key.publicKey.raw)).toBe(v.public_key_uncompressed);
  });

  it('errors for bad key material do not echo the material', () => {
    const secretLooking = 'ab'.repeat(31);
    try {
      importPrivateKey({ format: 'hex', alg: 'sm2', hex: secretLooking });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KeyFormatError);
      expect(String((error as Error).message)).not.toContain(secretLooking);
    }
  });

  it.each([
    ['an SM2 scalar of zero', () => importPrivateKey({ format: 'hex', alg: 'sm2', hex: '00'.repeat(32) })],
    ['an SM2 scalar of n-1', () => importPrivateKey({ format: 'hex', alg: 'sm2', hex: 'fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54122' })],
    ['an Ed25519 seed of 31 bytes', () => importPrivateKey({ format: 'raw', alg: 'ed25519', bytes: new Uint8Array(31) })],
    ['an SM2 public key off the curve', () => importPublicKey({ format: 'hex', alg: 'sm2', hex: '04' + '11'.repeat(64) })],
    ['an SM2 compressed public key', () => importPublicKey({ format: 'hex', alg: 'sm2', hex: '02' + '11'.repeat(32) })],
    ['a PEM of the wrong kind', () => importPublicKey({ format: 'pem', pem: exportPrivateKey(generateKeyPair('ed25519').privateKey, 'pem') })],
    ['a P-256 key', () => importPublicKey({ format: 'pem', pem: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }) as string })],
    ['a JWK with a mismatched public part', () => {
      const jwk = exportPrivateKey(generateKeyPair('ed25519').privateKey, 'jwk');
      return importPrivateKey({ format: 'jwk', jwk: { ...jwk, x: exportPublicKey(generateKeyPair('ed25519').publicKey, 'jwk').x } });
    }],
    ['a JWK of another curve', () => importPublicKey({ format: 'jwk', jwk: { kty: 'EC', crv: 'P-256', x: '', y: '' } as never })],
  ])('refuses %s with KeyFormatError', (_name, fn) => {
    expect(fn).toThrow(KeyFormatError);
  });

  it('refuses an unknown algorithm with UnsupportedAlgorithmError', () => {
    expect(() => generateKeyPair('rsa' as SignatureAlg)).toThrow(UnsupportedAlgorithmError);
  });
});

describe('keys: Ed25519 weak public keys', () => {
  it('refuses the identity and small-order public keys at import', () => {
    const identity = '01' + '00'.repeat(31);
    expect(() => importPublicKey({ format: 'hex', alg: 'ed25519', hex: identity })).toThrow(KeyFormatError);
    expect(() => importPublicKey({ format: 'hex', alg: 'ed25519', hex: 'ec' + 'ff'.repeat(30) + '7f' })).toThrow(KeyFormatError);
  });
});
