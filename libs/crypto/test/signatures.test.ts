import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalBytes, generateKeyPair, signCommand, verifyCommandSignature, verifySignature, type SignatureAlg } from '../src/index.ts';
import { ascii, hex, loadVectors, type Sm2Vectors } from './vectors.ts';

const ALGS: SignatureAlg[] = ['ed25519', 'sm2'];

function sampleCommand(): Record<string, unknown> {
  return { type: 'voucher.transfer', actor: 'party-1', nonce: 'n-1', createdAt: '2026-11-23T20:00:00Z', payload: { amount: '100.00', to: 'party-2' } };
}

describe('signCommand / verifySignature', () => {
  for (const alg of ALGS) {
    const { privateKey, publicKey } = generateKeyPair(alg);

    it(`${alg}: a signed command verifies over its canonical bytes, whatever the key order`, () => {
      const command = sampleCommand();
      const signature = signCommand(command, privateKey);
      expect(signature).toEqual({ keyId: publicKey.keyId, alg, sig: expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/) });
      const reordered = { payload: { to: 'party-2', amount: '100.00' }, createdAt: command['createdAt'], nonce: 'n-1', actor: 'party-1', type: 'voucher.transfer' };
      expect(verifySignature(alg, publicKey.raw, canonicalBytes(reordered), signature.sig)).toBe(true);
      expect(verifyCommandSignature(reordered, signature, publicKey)).toBe(true);
    });

    it(`${alg}: a tampered command, a wrong key or a mismatched key id is refused`, () => {
      const signature = signCommand(sampleCommand(), privateKey);
      const tampered = { ...sampleCommand(), payload: { amount: '100.01', to: 'party-2' } };
      expect(verifyCommandSignature(tampered, signature, publicKey)).toBe(false);
      const other = generateKeyPair(alg).publicKey;
      expect(verifySignature(alg, other.raw, canonicalBytes(sampleCommand()), signature.sig)).toBe(false);
      expect(verifyCommandSignature(sampleCommand(), { ...signature, keyId: other.keyId }, publicKey)).toBe(false);
      expect(verifyCommandSignature(sampleCommand(), signature, other)).toBe(false);
    });

    it(`${alg}: malformed signatures return false, never throw`, () => {
      const message = canonicalBytes(sampleCommand());
      const { sig } = signCommand(sampleCommand(), privateKey);
      const bytes = Buffer.from(sig, 'base64');
      const malformed: unknown[] = [
        '',
        sig.slice(0, -4),
        sig + 'AAAA',
        sig.replace(/==$/, ''), // unpadded
        sig.slice(0, 85) + (sig[85] === 'B' ? 'C' : 'B') + '==', // non-zero padding bits: a second spelling
        ` ${sig.slice(1)}`,
        sig.replace(/.$/, '?'),
        Buffer.from(bytes).toString('base64url'),
        Buffer.concat([Buffer.from([0x30, 0x44, 0x02, 0x20]), bytes.subarray(0, 32), Buffer.from([0x02, 0x20]), bytes.subarray(32)]).toString('base64'), // DER
        Buffer.alloc(64).toString('base64'),
        null,
        undefined,
        42,
      ];
      for (const bad of malformed) expect(verifySignature(alg, publicKey.raw, message, bad as string)).toBe(false);
      expect(verifySignature(alg, publicKey.raw.subarray(1), message, sig)).toBe(false);
      expect(verifySignature('rsa' as SignatureAlg, publicKey.raw, message, sig)).toBe(false);
      expect(verifySignature(alg, null as unknown as Uint8Array, message, sig)).toBe(false);
      expect(verifySignature(alg, publicKey.raw, 'text' as unknown as Uint8Array, sig)).toBe(false);
    });

    it(`${alg}: sign then verify holds, and any single-bit flip of message or signature fails (property)`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), fc.boolean(), (message, bitSeed, flipSignature) => {
          const { sig } = signCommand({ data: Buffer.from(message).toString('hex') }, privateKey);
          const signed = canonicalBytes({ data: Buffer.from(message).toString('hex') });
          expect(verifySignature(alg, publicKey.raw, signed, sig)).toBe(true);
          const target = flipSignature ? new Uint8Array(Buffer.from(sig, 'base64')) : signed.slice();
          const bit = bitSeed % (target.length * 8);
          target[bit >> 3] = target[bit >> 3]! ^ (1 << (bit & 7));
          const [m, s] = flipSignature ? [signed, Buffer.from(target).toString('base64')] : [target, sig];
          expect(verifySignature(alg, publicKey.raw, m, s)).toBe(false);
        }),
        { numRuns: 50 },
      );
    });
  }

  it('sm2: verifies the Annex A signature as base64 raw r||s, refuses n-s, modified-message, empty-ID and ECDSA variants', () => {
    const data = loadVectors<Sm2Vectors>('sm2-sign.json');
    const v = data.vectors[0]!;
    const b64 = (h: string): string => Buffer.from(h, 'hex').toString('base64');
    expect(verifySignature('sm2', hex(v.public_key_uncompressed), hex(v.message_hex), b64(v.signature_raw_r_s))).toBe(true);
    expect(verifySignature('sm2', hex(v.public_key_uncompressed), hex(v.message_hex), b64(v.signature_der))).toBe(false);
    // The wrong-ID vector is valid under the default ID (it is the Annex A signature); its refusal is tested in sm2.test.ts.
    for (const variant of data.negative_and_variant_vectors.filter((x) => x.id !== 'neg-annexA-wrong-id')) {
      expect(verifySignature('sm2', hex(variant.public_key_uncompressed), ascii(variant.message_ascii), b64(variant.r + variant.s))).toBe(false);
    }
  });

  it('refuses to sign a command that is not plain JSON', () => {
    const { privateKey } = generateKeyPair('ed25519');
    expect(() => signCommand({ createdAt: new Date() }, privateKey)).toThrow(/not a plain JSON object/);
  });
});
