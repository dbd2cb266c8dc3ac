import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ed25519PublicKeyFromSeedNoble, ed25519SignNoble, ed25519VerifyNoble } from '../src/ed25519-noble.ts';
import { ed25519PrivateKeyObject, ed25519PublicKeyFromSeedNode, ed25519SignNode, ed25519VerifyNode } from '../src/ed25519-node.ts';
import { hex, loadVectors, toHex, type Ed25519Vectors } from './vectors.ts';

const { vectors } = loadVectors<Ed25519Vectors>('ed25519-rfc8032.json');

describe('Ed25519 RFC 8032 vectors', () => {
  it.each(vectors.map((v) => [v.id, v] as const))('%s: node:crypto and noble give byte-exact keys and signatures and verify', (_id, v) => {
    const seed = hex(v.secret_key);
    const message = hex(v.message_hex);
    expect(toHex(ed25519PublicKeyFromSeedNode(seed))).toBe(v.public_key);
    expect(toHex(ed25519PublicKeyFromSeedNoble(seed))).toBe(v.public_key);
    expect(toHex(ed25519SignNode(ed25519PrivateKeyObject(seed), message))).toBe(v.signature);
    expect(toHex(ed25519SignNoble(seed, message))).toBe(v.signature);
    expect(ed25519VerifyNode(hex(v.public_key), message, hex(v.signature))).toBe(true);
    expect(ed25519VerifyNoble(hex(v.public_key), message, hex(v.signature))).toBe(true);
  });
});

describe('Ed25519 cross-implementation agreement', () => {
  it('noble-signed verifies on node:crypto and the reverse, on random keys and messages (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), (seed, message) => {
        const pub = ed25519PublicKeyFromSeedNoble(seed);
        expect(toHex(ed25519PublicKeyFromSeedNode(seed))).toBe(toHex(pub));
        const nobleSig = ed25519SignNoble(seed, message);
        const nodeSig = ed25519SignNode(ed25519PrivateKeyObject(seed), message);
        expect(toHex(nodeSig)).toBe(toHex(nobleSig)); // Ed25519 is deterministic
        expect(ed25519VerifyNode(pub, message, nobleSig)).toBe(true);
        expect(ed25519VerifyNoble(pub, message, nodeSig)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('any single-bit flip of message or signature is refused by both (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 1, maxLength: 100 }), fc.nat(), fc.boolean(), (seed, message, bitSeed, flipSignature) => {
        const pub = ed25519PublicKeyFromSeedNoble(seed);
        const sig = ed25519SignNoble(seed, message);
        const target = flipSignature ? sig.slice() : message.slice();
        const bit = bitSeed % (target.length * 8);
        target[bit >> 3] = target[bit >> 3]! ^ (1 << (bit & 7));
        const [m, s] = flipSignature ? [message, target] : [target, sig];
        expect(ed25519VerifyNode(pub, m, s)).toBe(false);
        expect(ed25519VerifyNoble(pub, m, s)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('both refuse S >= L (non-canonical S) and wrong lengths', () => {
    const v = vectors[0]!;
    const sig = hex(v.signature);
    // S + L: same value mod L, different bytes. L = 2^252 + 27742317777372353535851937790883648493.
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const sLe = BigInt('0x' + Buffer.from(sig.subarray(32)).reverse().toString('hex'));
    const bumped = Buffer.from((sLe + L).toString(16).padStart(64, '0'), 'hex').reverse();
    const malleated = new Uint8Array([...sig.subarray(0, 32), ...bumped]);
    const pub = hex(v.public_key);
    expect(ed25519VerifyNode(pub, new Uint8Array(0), malleated)).toBe(false);
    expect(ed25519VerifyNoble(pub, new Uint8Array(0), malleated)).toBe(false);
    expect(ed25519VerifyNode(pub, new Uint8Array(0), sig.subarray(0, 63))).toBe(false);
    expect(ed25519VerifyNoble(pub.subarray(0, 31), new Uint8Array(0), sig)).toBe(false);
  });
});

describe('Ed25519 edge cases where OpenSSL alone would differ from noble', () => {
  const P = 2n ** 255n - 19n;
  const le = (value: bigint): Uint8Array => {
    const out = new Uint8Array(32);
    for (let i = 0; i < 32; i++) out[i] = Number((value >> BigInt(8 * i)) & 0xffn);
    return out;
  };
  const identity = le(1n);
  // Order-2 point (0, -1) and a non-canonical spelling of the identity (y = p + 1).
  const orderTwo = le(P - 1n);
  const nonCanonicalIdentity = le(P + 1n);
  const trivialSignature = (r: Uint8Array): Uint8Array => new Uint8Array([...r, ...new Uint8Array(32)]);
  const message = new TextEncoder().encode('any message at all');

  it.each([
    ['the identity key', identity],
    ['an order-2 key', orderTwo],
    ['a non-canonical identity key', nonCanonicalIdentity],
  ])('both paths refuse a trivial signature under %s (it would verify on raw OpenSSL)', (_name, key) => {
    for (const r of [identity, orderTwo, nonCanonicalIdentity]) {
      expect(ed25519VerifyNode(key, message, trivialSignature(r))).toBe(false);
      expect(ed25519VerifyNoble(key, message, trivialSignature(r))).toBe(false);
    }
  });

  it('both paths agree on random 64-byte signatures and random keys (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.uint8Array({ maxLength: 40 }), (key, sig, m) => {
        expect(ed25519VerifyNode(key, m, sig)).toBe(ed25519VerifyNoble(key, m, sig));
      }),
      { numRuns: 200 },
    );
  });
});
