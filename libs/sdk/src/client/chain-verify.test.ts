/**
 * The browser's header-chain check against blocks sealed by `@cascade/chain` (the ledger's own
 * sealing, on node:crypto) and signed by `@cascade/crypto` in Node, for both hash and signature
 * algorithms: an intact chain verifies, and each kind of tampering is named at its height.
 */
import { describe, expect, it } from 'vitest';
import { genesisPrevHash, sealBlock, type HashAlg, type SealedBlock } from '@cascade/chain';
import { exportPublicKey, generateKeyPair, signMessage, type SignatureAlg } from '@cascade/crypto';
import { HeaderChainVerifier, headerHashHex, type SealedBlockView } from './chain-verify.ts';

function chainOf(alg: SignatureAlg, hashAlg: HashAlg, length: number) {
  const key = generateKeyPair(alg).privateKey;
  const sign = (message: Uint8Array) => ({ keyId: key.keyId, alg, sig: Buffer.from(signMessage(key, message)).toString('base64') });
  const blocks: SealedBlock[] = [];
  let prevHash = genesisPrevHash(hashAlg);
  for (let height = 0; height < length; height++) {
    const block = sealBlock({ chainId: 'test-chain', height, prevHash, time: new Date(Date.UTC(2026, 0, 1, 0, 0, height)), hashAlg, firstSeq: String(height * 2 + 1), lastSeq: String(height * 2 + 2), records: [{ seq: height * 2 + 1 }, { seq: height * 2 + 2 }], stateDigest: 'ab'.repeat(32) }, sign);
    blocks.push(block);
    prevHash = block.hash;
  }
  const chain = { chainId: 'test-chain', ledgerKey: { keyId: key.keyId, alg, publicKey: exportPublicKey(key, 'hex') } };
  return { blocks: blocks as unknown as SealedBlockView[], chain, sign };
}

function firstProblem(verifier: HeaderChainVerifier, blocks: SealedBlockView[]) {
  for (const b of blocks) {
    const problem = verifier.check(b);
    if (problem) return problem;
  }
  return null;
}

describe('HeaderChainVerifier', () => {
  for (const [alg, hashAlg] of [['ed25519', 'sha256'], ['sm2', 'sm3'], ['sm2', 'sha256']] as const) {
    it(`verifies an intact chain sealed by @cascade/chain (${alg}, ${hashAlg}) and hashes headers as it does`, () => {
      const { blocks, chain } = chainOf(alg, hashAlg, 4);
      expect(blocks.map((b) => headerHashHex(b.header))).toEqual(blocks.map((b) => b.hash));
      const verifier = new HeaderChainVerifier(chain);
      expect(firstProblem(verifier, blocks)).toBeNull();
      expect([verifier.verified, verifier.head?.hash]).toEqual([4, blocks[3]!.hash]);
    });
  }

  it('names the first block that was altered, re-linked, skipped, signed by another key or belongs to another chain', () => {
    const { blocks, chain, sign } = chainOf('ed25519', 'sha256', 4);
    const tampered = (i: number, change: (b: SealedBlockView) => SealedBlockView) => blocks.map((b, j) => (j === i ? change(structuredClone(b)) : b));
    const check = (list: SealedBlockView[]) => firstProblem(new HeaderChainVerifier(chain), list);

    expect(check(tampered(2, (b) => ({ ...b, header: { ...b.header, count: 3 } })))).toEqual({ height: 2, code: 'headerAltered', reason: 'header altered: its hash does not match' });
    expect(check(blocks.filter((_, i) => i !== 1))).toEqual({ height: 2, code: 'heightNotNext', reason: 'expected height 1' });
    expect(check(tampered(0, (b) => ({ ...b, signature: { ...b.signature, sig: blocks[1]!.signature.sig } })))).toEqual({ height: 0, code: 'signatureInvalid', reason: "the signature is not the ledger key's" });
    // Re-sealed with a valid signature but a forged predecessor: the link breaks.
    const forged = sealBlock({ chainId: 'test-chain', height: 1, prevHash: genesisPrevHash('sha256'), time: new Date(0), hashAlg: 'sha256', firstSeq: '3', lastSeq: '4', records: [{ seq: 3 }, { seq: 4 }] }, sign) as unknown as SealedBlockView;
    expect(check(tampered(1, () => forged))).toEqual({ height: 1, code: 'prevHashMismatch', reason: 'prevHash does not match the previous block' });
    const other = generateKeyPair('ed25519').privateKey;
    expect(firstProblem(new HeaderChainVerifier({ ...chain, ledgerKey: { keyId: other.keyId, alg: 'ed25519', publicKey: exportPublicKey(other, 'hex') } }), blocks)).toEqual({ height: 0, code: 'signatureInvalid', reason: "the signature is not the ledger key's" });
    // A chain signed by another key that is published under the ledger key's id (a familiar id, a
    // different key): every signature verifies under the key given, and it is still refused.
    const impostorChain = chainOf('ed25519', 'sha256', 2);
    const impostor = { chainId: 'test-chain', ledgerKey: { ...impostorChain.chain.ledgerKey, keyId: chain.ledgerKey.keyId } };
    const relabelled = impostorChain.blocks.map((b) => ({ ...b, signature: { ...b.signature, keyId: chain.ledgerKey.keyId } }));
    expect(firstProblem(new HeaderChainVerifier(impostorChain.chain), impostorChain.blocks)).toBeNull();
    expect(firstProblem(new HeaderChainVerifier(impostor), relabelled)).toMatchObject({ height: 0, code: 'signatureInvalid' });
    expect(firstProblem(new HeaderChainVerifier({ ...chain, chainId: 'another' }), blocks)).toEqual({ height: 0, code: 'otherChain', reason: 'the block belongs to chain test-chain, not another' });
  });
});
