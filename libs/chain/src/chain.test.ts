import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  auditPath,
  disclosedForm,
  operationLeaf,
  sealedForm,
  buildProof,
  genesisPrevHash,
  leafHash,
  merkleRoot,
  nodeHash,
  rootFromPath,
  sealBlock,
  verifyChain,
  verifyProof,
  type SealedBlock,
  type SignatureCheck,
  type Signer,
} from './index.ts';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const signer: Signer = (m) => ({ keyId: 'k', alg: 'ed25519', sig: sign(null, m, privateKey).toString('base64') });
const check: SignatureCheck = (m, s) => verify(null, m, publicKey, Buffer.from(s.sig, 'base64'));
const wrongKeyCheck: SignatureCheck = (m, s) => verify(null, m, other.publicKey, Buffer.from(s.sig, 'base64'));

const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash('sha256', Buffer.from(`op-${i}`)));

describe('merkle', () => {
  it('root of two leaves is the node hash of both; of three splits 2 + 1 (no duplication)', () => {
    const l = leaves(3);
    expect(merkleRoot('sha256', l.slice(0, 2))).toEqual(nodeHash('sha256', l[0]!, l[1]!));
    expect(merkleRoot('sha256', l)).toEqual(nodeHash('sha256', nodeHash('sha256', l[0]!, l[1]!), l[2]!));
  });

  it('every audit path of trees of 1..40 leaves leads back to the root, for sha256 and sm3', () => {
    for (const alg of ['sha256', 'sm3'] as const) {
      for (let n = 1; n <= 40; n++) {
        const l = Array.from({ length: n }, (_, i) => leafHash(alg, Buffer.from(`op-${i}`)));
        const root = merkleRoot(alg, l);
        for (let i = 0; i < n; i++) expect(rootFromPath(alg, l[i]!, i, n, auditPath(alg, l, i))).toEqual(root);
      }
    }
  });

  it('a path does not verify for another leaf, another index or a wrong size', () => {
    const l = leaves(7);
    const root = merkleRoot('sha256', l);
    const path = auditPath('sha256', l, 3);
    expect(rootFromPath('sha256', l[4]!, 3, 7, path)).not.toEqual(root);
    expect(rootFromPath('sha256', l[3]!, 2, 7, path)).not.toEqual(root);
    expect(rootFromPath('sha256', l[3]!, 3, 9, path)).not.toEqual(root);
  });
});

function chainOf(sizes: number[]): { blocks: SealedBlock[]; records: Map<number, { seq: string; record: { seq: string; body: string } }[]> } {
  const blocks: SealedBlock[] = [];
  const records = new Map<number, { seq: string; record: { seq: string; body: string } }[]>();
  let seq = 1;
  let prevHash = genesisPrevHash('sha256');
  sizes.forEach((size, height) => {
    const recs = Array.from({ length: size }, () => {
      const s = String(seq++);
      return { seq: s, record: { seq: s, body: `amount ${s}.00` } };
    });
    const block = sealBlock(
      { chainId: 'c', height, prevHash, time: new Date(0), hashAlg: 'sha256', firstSeq: recs[0]!.seq, lastSeq: recs.at(-1)!.seq, records: recs.map((r) => r.record) },
      signer,
    );
    records.set(height, recs);
    blocks.push(block);
    prevHash = block.hash;
  });
  return { blocks, records };
}

async function verifyAll(blocks: SealedBlock[], records: Map<number, { seq: string; record: unknown }[]>, checkSig = check) {
  return verifyChain({ blocks, recordsOf: async (b) => records.get(b.header.height) ?? [], checkSignature: checkSig, chainId: 'c' });
}

describe('blocks and proofs', () => {
  it('a proof verifies offline with the ledger key and fails with another key or a changed record', () => {
    const { blocks, records } = chainOf([5]);
    const recs = records.get(0)!.map((r) => r.record);
    const proof = buildProof(blocks[0]!, recs, 2);
    expect(verifyProof(proof, check)).toEqual({ ok: true });
    expect(verifyProof(proof, wrongKeyCheck)).toMatchObject({ ok: false, reason: expect.stringMatching(/signature/) });
    const altered = { ...proof, record: { ...(proof.record as object), body: 'amount 9999.00' } };
    expect(verifyProof(altered, check)).toMatchObject({ ok: false, reason: expect.stringMatching(/not included/) });
  });

  it('an intact chain verifies', async () => {
    const { blocks, records } = chainOf([3, 1, 4]);
    expect(await verifyAll(blocks, records)).toBeNull();
  });

  it('names the height of an altered header', async () => {
    const { blocks, records } = chainOf([3, 1, 4]);
    blocks[1] = { ...blocks[1]!, header: { ...blocks[1]!.header, time: new Date(1).toISOString() } };
    expect(await verifyAll(blocks, records)).toMatchObject({ height: 1, reason: expect.stringMatching(/header altered/) });
  });

  it('names the seq of a deleted operation', async () => {
    const { blocks, records } = chainOf([3, 3]);
    records.get(1)!.splice(1, 1);
    expect(await verifyAll(blocks, records)).toMatchObject({ height: 1, seq: '6', reason: expect.stringMatching(/missing or out of order/) });
  });

  it('names the seq of swapped operations', async () => {
    const { blocks, records } = chainOf([4]);
    const recs = records.get(0)!;
    [recs[1], recs[2]] = [recs[2]!, recs[1]!];
    expect(await verifyAll(blocks, records)).toMatchObject({ height: 0, seq: '3' });
  });

  it('detects an altered amount inside an operation', async () => {
    const { blocks, records } = chainOf([2, 2]);
    records.get(1)![0]!.record.body = 'amount 1000000.00';
    expect(await verifyAll(blocks, records)).toMatchObject({ height: 1, reason: expect.stringMatching(/Merkle root mismatch/) });
  });

  it('detects a re-signed block that no longer links to its predecessor', async () => {
    const { blocks, records } = chainOf([2, 2]);
    const forged = sealBlock({ chainId: 'c', height: 1, prevHash: genesisPrevHash('sha256'), time: new Date(0), hashAlg: 'sha256', firstSeq: '3', lastSeq: '4', records: records.get(1)!.map((r) => r.record) }, signer);
    blocks[1] = forged;
    expect(await verifyAll(blocks, records)).toMatchObject({ height: 1, reason: expect.stringMatching(/prevHash/) });
  });
});

describe('hidden parts', () => {
  const record = {
    seq: 7,
    body: { type: 'voucher.transfer', payload: { pieces: [{ recipient: 'B', amount: '60.00' }, { recipient: 'C', amount: '40.00' }], remainder: null } },
    partSalts: { '/body/payload/pieces/0': 'aa'.repeat(16), '/body/payload/pieces/1': 'bb'.repeat(16) },
  };

  it('leave the leaf unchanged whichever parts a reader is shown', () => {
    for (const alg of ['sha256', 'sm3'] as const) {
      const leaf = operationLeaf(alg, record).toString('hex');
      expect(operationLeaf(alg, disclosedForm(alg, record, ['/body/payload/pieces/0'])).toString('hex')).toBe(leaf);
      expect(operationLeaf(alg, disclosedForm(alg, record, [])).toString('hex')).toBe(leaf);
      expect(operationLeaf(alg, sealedForm(alg, record)).toString('hex')).toBe(leaf);
    }
  });

  it('show a reader its own part with its salt and nothing of the others', () => {
    const shown = disclosedForm('sha256', record, ['/body/payload/pieces/1']) as typeof record;
    expect(shown.body.payload.pieces[1]).toEqual({ recipient: 'C', amount: '40.00' });
    expect(shown.partSalts).toEqual({ '/body/payload/pieces/1': 'bb'.repeat(16) });
    expect(JSON.stringify(shown)).not.toContain('"B"');
    expect(JSON.stringify(shown)).not.toContain('aa'.repeat(16));
  });

  it('change the leaf when a shown part, its salt or a hidden commitment is altered', () => {
    const leaf = operationLeaf('sha256', record).toString('hex');
    const shown = disclosedForm('sha256', record, ['/body/payload/pieces/0']) as typeof record;
    const amountChanged = structuredClone(shown);
    amountChanged.body.payload.pieces[0]!.amount = '61.00';
    const saltChanged = { ...shown, partSalts: { '/body/payload/pieces/0': 'cc'.repeat(16) } };
    const hiddenChanged = structuredClone(shown) as unknown as { body: { payload: { pieces: Record<string, string>[] } } };
    hiddenChanged.body.payload.pieces[1]!.$hidden = '00'.repeat(32);
    for (const changed of [amountChanged, saltChanged, hiddenChanged]) expect(operationLeaf('sha256', changed).toString('hex')).not.toBe(leaf);
  });
});
