/** The console's pure parts: amounts as strings and cents, and key files read as `cascade keys new` writes them. */
import { describe, expect, it } from 'vitest';
import { exportPrivateKey, exportPublicKey, generateKeyPair } from '@cascade/crypto';
import { publicKeyFromText, signerFromPem } from '../src/keys/pem.ts';
import { formatAmount, fromCents, isAmount, remainderOf, toCents } from '../src/shared/money.ts';

describe('amounts', () => {
  it.each([
    ['0.01', '0.01'],
    ['999.00', '999.00'],
    ['1000.00', '1,000.00'],
    ['1000000.00', '1,000,000.00'],
    ['9007199254740993.99', '9,007,199,254,740,993.99'],
  ])('formats %s as %s, exactly, beyond a double', (amount, shown) => expect(formatAmount(amount)).toBe(shown));

  it('computes a split remainder on cents and refuses what is not an amount or exceeds the parent', () => {
    expect(remainderOf('1000000.00', '300000.01')).toBe('699999.99');
    expect(remainderOf('9007199254740993.99', '0.01')).toBe('9007199254740993.98');
    expect(remainderOf('100.00', '100.01')).toBeNull();
    expect(remainderOf('100.00', '1.5')).toBeNull();
    expect(isAmount('01.00')).toBe(false);
    expect(fromCents(toCents('0.05'))).toBe('0.05');
  });
});

describe('key files', () => {
  it.each(['ed25519', 'sm2'] as const)('makes a %s signer from a PKCS#8 PEM with the key id the platform registers', (alg) => {
    const key = generateKeyPair(alg).privateKey;
    expect(signerFromPem(exportPrivateKey(key, 'pem')).keyId).toBe(key.keyId);
    expect(publicKeyFromText(exportPublicKey(key, 'pem'), 'ed25519')).toEqual({ keyId: key.keyId, alg, publicKey: exportPublicKey(key, 'hex') });
    expect(publicKeyFromText(exportPublicKey(key, 'hex'), alg).keyId).toBe(key.keyId);
  });

  it('refuses a file that is not a private key', () => {
    expect(() => signerFromPem('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')).toThrow(/PRIVATE KEY/);
  });
});
