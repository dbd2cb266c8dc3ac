import { describe, expect, it } from 'vitest';
import { base64DecodeStrict, canonicalBytes, ed25519VerifyNoble, hexDecodeStrict, hexEncode, keyIdOf } from '@cascade/crypto/browser';
import type { Command } from '../contract/commands.ts';
import { signCommand, signCommandAsync, signerFromRawKey, type AsyncSigner } from './signing.ts';

const command: Command<'voucher.accept'> = { type: 'voucher.accept', chain: 'test', actor: 'A', nonce: 'n-1', createdAt: '2026-12-04T00:00:00.000Z', payload: { voucherId: 'v' } };

describe('signing with async signers', () => {
  it('signs with a WebCrypto Ed25519 key exactly as the synchronous signer of the same seed does', async () => {
    const seed = globalThis.crypto.getRandomValues(new Uint8Array(32));
    const sync = signerFromRawKey('ed25519', seed);
    // The same seed as a WebCrypto key, imported from PKCS#8 (RFC 8410 prefix + seed).
    const pkcs8 = new Uint8Array([...hexDecodeStrict('302e020100300506032b657004220420')!, ...seed]);
    const key = await globalThis.crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
    const webCrypto: AsyncSigner = { keyId: sync.keyId, alg: 'ed25519', publicKeyHex: sync.publicKeyHex, sign: async (m) => new Uint8Array(await globalThis.crypto.subtle.sign('Ed25519', key, m)) };
    const signed = await signCommandAsync(command, [webCrypto]);
    // Ed25519 is deterministic: both give the same bytes, and they verify.
    expect(signed).toEqual(signCommand(command, [sync]));
    expect(ed25519VerifyNoble(hexDecodeStrict(sync.publicKeyHex)!, canonicalBytes(command), base64DecodeStrict(signed.signatures[0]!.sig)!)).toBe(true);
  });

  it('takes signers of both kinds together, in order', async () => {
    const a = signerFromRawKey('sm2', globalThis.crypto.getRandomValues(new Uint8Array(32)));
    const b = signerFromRawKey('ed25519', globalThis.crypto.getRandomValues(new Uint8Array(32)));
    const later: AsyncSigner = { ...b, sign: async (m) => b.sign(m) };
    const signed = await signCommandAsync(command, [a, later]);
    expect(signed.signatures.map((s) => s.keyId)).toEqual([a.keyId, b.keyId]);
    expect(b.keyId).toBe(keyIdOf('ed25519', hexDecodeStrict(b.publicKeyHex)!));
  });

  it('keeps a copy of the raw key, so the caller may zero its buffer', () => {
    const seed = globalThis.crypto.getRandomValues(new Uint8Array(32));
    const signer = signerFromRawKey('ed25519', seed);
    const before = hexEncode(signer.sign(canonicalBytes(command)));
    seed.fill(0);
    expect(hexEncode(signer.sign(canonicalBytes(command)))).toBe(before);
  });
});
