import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sm3 } from '../src/sm3.ts';
import {
  SM2P256V1,
  SM2P256V1_PARAMS,
  makeSm2Curve,
  sm2ComputeZ,
  sm2DecodeSignature,
  sm2GeneratePrivateScalar,
  sm2PublicKeyFromPrivate,
  sm2Sign,
  sm2SignWithNonce,
  sm2Verify,
  type Sm2Curve,
  type Sm2CurveParams,
} from '../src/sm2-pure.ts';
import { sm2OpenSslSigningKey, sm2SignOpenSsl, sm2VerifyOpenSsl } from '../src/sm2-openssl.ts';
import { sm2Backend, sm2OpenSslSelfTest, sm2VerifyMessage } from '../src/sm2.ts';
import { bigIntToBytes } from '../src/bytes.ts';
import { ascii, hex, loadVectors, toHex, type Sm2Vectors } from './vectors.ts';

const data = loadVectors<Sm2Vectors>('sm2-sign.json');
const big = (h: string): bigint => BigInt(`0x${h}`);

function curveOf(name: string): Sm2Curve {
  if (name === 'sm2p256v1') return SM2P256V1;
  const c = data.curves[name]!;
  const params: Sm2CurveParams = { name, p: big(c['p']!), a: big(c['a']!), b: big(c['b']!), n: big(c['n']!), h: big(c['h']!), Gx: big(c['Gx']!), Gy: big(c['Gy']!) };
  return makeSm2Curve(params);
}

/** Both verify paths on the production curve; the pure one alone on other curves. */
function verifiers(curve: Sm2Curve): [string, (pub: Uint8Array, msg: Uint8Array, sig: Uint8Array, id: Uint8Array) => boolean][] {
  const pure: [string, (pub: Uint8Array, msg: Uint8Array, sig: Uint8Array, id: Uint8Array) => boolean] = ['pure', (pub, msg, sig, id) => sm2Verify(pub, msg, sig, { curve, userId: id })];
  if (curve !== SM2P256V1) return [pure];
  return [pure, ['openssl', (pub, msg, sig, id) => sm2VerifyOpenSsl(pub, msg, sig, id)], ['selected', (pub, msg, sig, id) => sm2VerifyMessage(pub, msg, sig, id)]];
}

const n = SM2P256V1_PARAMS.n;
const annexA = data.vectors.find((v) => v.id === 'gmt0003.5-annexA-sm2p256v1')!;

describe('SM2 fast path selection', () => {
  it('passes its self-test on this Node and is selected', () => {
    expect(sm2OpenSslSelfTest()).toEqual({ ok: true, failures: [] });
    expect(sm2Backend()).toBe('openssl');
  });

  it('sm2p256v1 parameters match the vector file', () => {
    const c = data.curves['sm2p256v1']!;
    for (const key of ['p', 'a', 'b', 'n', 'Gx', 'Gy'] as const) expect(SM2P256V1_PARAMS[key]).toBe(big(c[key]!));
  });
});

describe('SM2 full vectors', () => {
  for (const v of data.vectors) {
    const curve = curveOf(v.curve);
    const pub = hex(v.public_key_uncompressed);
    const id = hex(v.user_id_hex);
    const message = hex(v.message_hex);

    it(`${v.id}: Z_A and e match, with pure SM3 and OpenSSL SM3`, () => {
      expect(toHex(sm2ComputeZ(curve, pub, id))).toBe(v.z_a);
      expect(toHex(sm2ComputeZ(curve, pub, id, sm3))).toBe(v.z_a);
      expect(toHex(sm3(hex(v.z_a), message))).toBe(v.e);
    });

    if (v.private_key_d && v.k) {
      it(`${v.id}: recomputes P, (x1, y1) and r, s from d and k`, () => {
        const d = big(v.private_key_d!);
        expect(toHex(sm2PublicKeyFromPrivate(curve, d))).toBe(v.public_key_uncompressed);
        const point = curve.Point.BASE.multiply(big(v.k!)).toAffine();
        expect(toHex(bigIntToBytes(point.x, 32))).toBe(v.x1);
        expect(toHex(bigIntToBytes(point.y, 32))).toBe(v.y1);
        const signature = sm2SignWithNonce(curve, d, big(v.e), big(v.k!));
        expect(signature).toEqual({ r: big(v.r), s: big(v.s) });
      });
    }

    for (const [name, verify] of verifiers(curve)) {
      it(`${v.id}: ${name} verify accepts the raw r||s signature and refuses its DER form`, () => {
        expect(verify(pub, message, hex(v.signature_raw_r_s), id)).toBe(true);
        expect(verify(pub, message, hex(v.signature_der), id)).toBe(false);
      });
    }
  }
});

describe('SM2 Z-only vector', () => {
  for (const v of data.z_only) {
    it(`${v.id}: Z_A matches`, () => {
      expect(toHex(sm2ComputeZ(curveOf(v.curve), hex(v.public_key_uncompressed), hex(v.user_id_hex)))).toBe(v.z_a);
    });
  }
});

describe('SM2 negative and variant vectors', () => {
  for (const v of data.negative_and_variant_vectors) {
    const pub = hex(v.public_key_uncompressed);
    const sig = hex(v.r + v.s);
    const message = ascii(v.message_ascii);
    const id = v.user_id_ascii !== undefined && v.user_id_ascii !== '' ? ascii(v.user_id_ascii) : ascii('1234567812345678');
    for (const [name, verify] of verifiers(SM2P256V1)) {
      it(`${v.id}: ${name} verify refuses it as standard SM2 (default or stated ID)`, () => {
        expect(verify(pub, message, sig, id)).toBe(false);
      });
    }
  }

  it('variant-empty-id: Z_A matches and the signature is valid only under the empty ID', () => {
    const v = data.negative_and_variant_vectors.find((x) => x.id === 'variant-empty-id-openssl3-default')!;
    const pub = hex(v.public_key_uncompressed);
    expect(toHex(sm2ComputeZ(SM2P256V1, pub, new Uint8Array(0)))).toBe(v.z_a);
    expect(sm2Verify(pub, ascii(v.message_ascii), hex(v.r + v.s), { userId: new Uint8Array(0) })).toBe(true);
    expect(sm2VerifyOpenSsl(pub, ascii(v.message_ascii), hex(v.r + v.s), new Uint8Array(0))).toBe(true);
  });

  it('the verify-only OpenSSL vector is refused under the default ID', () => {
    const v = data.vectors.find((x) => x.id === 'rustcrypto-sm2dsa-openssl-distid')!;
    expect(sm2VerifyMessage(hex(v.public_key_uncompressed), hex(v.message_hex), hex(v.signature_raw_r_s))).toBe(false);
  });
});

describe('SM2 signature range and encoding checks', () => {
  const pub = hex(annexA.public_key_uncompressed);
  const message = hex(annexA.message_hex);
  const r = annexA.r;
  const s = annexA.s;
  const h32 = (value: bigint): string => toHex(bigIntToBytes(value, 32));
  const cases: [string, string][] = [
    ['r = 0', h32(0n) + s],
    ['s = 0', r + h32(0n)],
    ['r = n', h32(n) + s],
    ['s = n', r + h32(n)],
    ['r > n', h32(n + 1n) + s],
    ['s = 2^256 - 1', r + 'ff'.repeat(32)],
    ['r + s = n', r + h32(n - big(r))],
    ['63 bytes', (r + s).slice(2)],
    ['65 bytes', r + s + '00'],
    ['empty', ''],
  ];
  for (const [name, verify] of verifiers(SM2P256V1)) {
    it.each(cases)(`${name} verify refuses %s`, (_case, sigHex) => {
      expect(verify(pub, message, hex(sigHex), ascii('1234567812345678'))).toBe(false);
    });

    it(`${name} verify refuses a wrong key, a key off the curve and a compressed key`, () => {
      const sig = hex(annexA.signature_raw_r_s);
      const other = sm2PublicKeyFromPrivate(SM2P256V1, 12345n);
      const offCurve = pub.slice();
      offCurve[64] = offCurve[64]! ^ 1;
      const id = ascii('1234567812345678');
      expect(verify(other, message, sig, id)).toBe(false);
      expect(verify(offCurve, message, sig, id)).toBe(false);
      expect(verify(pub.subarray(0, 33), message, sig, id)).toBe(false);
    });
  }

  it('decodeSignature rejects out-of-range scalars rather than reducing them', () => {
    expect(sm2DecodeSignature(SM2P256V1, hex(h32(n + 5n) + s))).toBeUndefined();
  });

  it('signing with a nonce that gives r + k = n is refused so another k is drawn', () => {
    // Choose e so that r = n - k for this k: e = n - k - x1 (mod n).
    const d = big(annexA.private_key_d!);
    const k = 7n;
    const x1 = SM2P256V1.Point.BASE.multiply(k).toAffine().x;
    const e = (((n - k - x1) % n) + n) % n;
    expect(sm2SignWithNonce(SM2P256V1, d, e, k)).toBeUndefined();
  });
});

describe('SM2 cross-implementation agreement', () => {
  it('pure-signed verifies on OpenSSL and OpenSSL-signed verifies on pure, for random keys and messages (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (message) => {
        const d = sm2GeneratePrivateScalar(SM2P256V1);
        const pub = sm2PublicKeyFromPrivate(SM2P256V1, d);
        const pureSig = sm2Sign(d, message, { publicKey: pub });
        const opensslSig = sm2SignOpenSsl(sm2OpenSslSigningKey(bigIntToBytes(d, 32), pub), message);
        expect(sm2VerifyOpenSsl(pub, message, pureSig)).toBe(true);
        expect(sm2Verify(pub, message, opensslSig)).toBe(true);
        expect(sm2Verify(pub, message, pureSig)).toBe(true);
        expect(sm2VerifyOpenSsl(pub, message, opensslSig)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('any single-bit flip of message or signature is refused by both paths (property)', () => {
    const d = sm2GeneratePrivateScalar(SM2P256V1);
    const pub = sm2PublicKeyFromPrivate(SM2P256V1, d);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), fc.nat(), fc.boolean(), (message, bitSeed, flipSignature) => {
        const sig = sm2Sign(d, message, { publicKey: pub, hash: sm3 });
        const target = flipSignature ? sig.slice() : message.slice();
        const bit = bitSeed % (target.length * 8);
        target[bit >> 3] = target[bit >> 3]! ^ (1 << (bit & 7));
        const [m, s] = flipSignature ? [message, target] : [target, sig];
        expect(sm2Verify(pub, m, s)).toBe(false);
        expect(sm2VerifyOpenSsl(pub, m, s)).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('never normalises s: a valid signature with s > n/2 stays as signed and verifies', () => {
    expect(big(annexA.s) > n / 2n).toBe(true);
    expect(sm2VerifyMessage(hex(annexA.public_key_uncompressed), hex(annexA.message_hex), hex(annexA.signature_raw_r_s))).toBe(true);
  });
});
