import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { exportPublicKey, generateKeyPair, signMessage } from '@cascade/crypto';
import { buildProof, sealBlock, verifyProof as verifyProofNode, type HashAlg, type InclusionProof } from './index.ts';
import { ledgerKeyCheck, verifyProof } from './browser.ts';

/** A block of `n` records (one of them with a hidden part) sealed under a fresh key of `alg`. */
function proofOf(hashAlg: HashAlg, keyAlg: 'ed25519' | 'sm2', n = 5, index = 2): { proof: InclusionProof; ledgerKey: { alg: string; publicKey: string } } {
  const key = generateKeyPair(keyAlg).privateKey;
  const records = Array.from({ length: n }, (_, i) => ({ seq: i + 1, opId: `op-${i}`, body: { amount: `${i}00.00` }, ...(i === index ? { partSalts: { '/body/amount': 'ab'.repeat(16) } } : {}) }));
  const block = sealBlock({ chainId: 'c', height: 7, prevHash: '0'.repeat(64), time: new Date(0), hashAlg, firstSeq: '1', lastSeq: String(n), records }, (m) => ({ keyId: key.publicKey.keyId, alg: keyAlg, sig: Buffer.from(signMessage(key, m)).toString('base64') }));
  return { proof: buildProof(block, records, index), ledgerKey: { alg: keyAlg, publicKey: exportPublicKey(key, 'hex') } };
}

describe('proof verification in the browser entry', () => {
  for (const [hashAlg, keyAlg] of [['sha256', 'ed25519'], ['sm3', 'sm2']] as const) {
    it(`agrees with the Node entry on a ${hashAlg} block signed with ${keyAlg}, intact and tampered`, () => {
      const { proof, ledgerKey } = proofOf(hashAlg, keyAlg);
      const check = ledgerKeyCheck(ledgerKey);
      const cases: [string, InclusionProof, RegExp | null][] = [
        ['intact', proof, null],
        ['record changed', { ...proof, record: { ...(proof.record as object), body: { amount: '99999.00' } } }, /not included/],
        ['root changed', { ...proof, block: { ...proof.block, header: { ...proof.block.header, merkleRoot: 'f'.repeat(64) } } }, /block hash does not match/],
        ['header changed', { ...proof, block: { ...proof.block, header: { ...proof.block.header, height: 8 } } }, /block hash does not match/],
        ['path changed', { ...proof, auditPath: proof.auditPath.map((h, i) => (i === 0 ? `${h.slice(0, -1)}${h.endsWith('0') ? '1' : '0'}` : h)) }, /not included/],
        ['path not hex', { ...proof, auditPath: ['zz'] }, /audit path/],
        ['no block', { ...proof, block: undefined } as unknown as InclusionProof, /no sealed block/],
      ];
      for (const [name, p, reason] of cases) {
        const verdict = verifyProof(p, check);
        if (reason) expect(verdict, name).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
        else expect(verdict, name).toEqual({ ok: true });
        // The CLI's verdict (node:crypto hashes, the same steps) is the same.
        if (p.block) expect(verifyProofNode(p, check), name).toEqual(verdict);
      }
    });
  }

  it('refuses a block signed by another key, or a key of another algorithm', () => {
    const { proof, ledgerKey } = proofOf('sha256', 'ed25519');
    const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
    expect(verifyProof(proof, ledgerKeyCheck({ alg: 'ed25519', publicKey: other }))).toMatchObject({ ok: false, reason: expect.stringMatching(/signature/) });
    expect(verifyProof(proof, ledgerKeyCheck({ alg: 'sm2', publicKey: ledgerKey.publicKey }))).toMatchObject({ ok: false, reason: expect.stringMatching(/signature/) });
  });
});
