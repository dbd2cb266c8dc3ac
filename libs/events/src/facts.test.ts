import { describe, expect, it } from 'vitest';
import { exportPublicKey, generateKeyPair } from '@cascade/crypto';
import { signFact, verifyFact } from './facts.ts';

const key = generateKeyPair('ed25519').privateKey;
const pub = { keyId: key.keyId, alg: key.alg, publicKey: Buffer.from(exportPublicKey(key, 'hex'), 'hex') };
const fact = { payableId: 'AP-1', debtor: 'D', creditor: 'C', amount: '10.00', invoices: ['INV-1'] };

describe('signed facts', () => {
  it('verify under the stating service key, on the chain and type they were signed for', () => {
    const signed = signFact('chain-a', 'PayableConfirmed', fact, key);
    expect(verifyFact('chain-a', 'PayableConfirmed', signed, pub)).toBe(true);
    expect(verifyFact('chain-b', 'PayableConfirmed', signed, pub)).toBe(false);
    expect(verifyFact('chain-a', 'InvoiceRegistered', signed, pub)).toBe(false);
  });

  it('refuse a changed field, a missing signature and another key', () => {
    const signed = signFact('chain-a', 'PayableConfirmed', fact, key);
    expect(verifyFact('chain-a', 'PayableConfirmed', { ...signed, amount: '11.00' }, pub)).toBe(false);
    expect(verifyFact('chain-a', 'PayableConfirmed', fact, pub)).toBe(false);
    const other = generateKeyPair('ed25519').privateKey;
    expect(verifyFact('chain-a', 'PayableConfirmed', signFact('chain-a', 'PayableConfirmed', fact, other), pub)).toBe(false);
  });

  it('refuse what cannot be canonicalised rather than throw', () => {
    const signed = signFact('chain-a', 'PayableConfirmed', fact, key);
    expect(verifyFact('chain-a', 'PayableConfirmed', { ...signed, invoices: ['INV-\ud800'] }, pub)).toBe(false);
  });
});
