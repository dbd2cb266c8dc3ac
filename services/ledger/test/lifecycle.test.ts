/**
 * The ledger end to end through its Kafka intake, against real PostgreSQL and the test broker:
 * the voucher lifecycle of DESIGN §1 from issue to settlement, with results on ledger.results,
 * postings that balance, and an inclusion proof that verifies offline.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyProof, type InclusionProof } from '@cascade/chain';
import { importPublicKey, verifySignature } from '@cascade/crypto';
import { balanceTotals, operationById, proofOf, treeOf } from '../src/data-access/reads.ts';
import { TestLedger, type TestParty } from './support.ts';

let ledger: TestLedger;
let core: TestParty, a: TestParty, b: TestParty, bank: TestParty;

beforeAll(async () => {
  ledger = await TestLedger.start();
  [core, a, b, bank] = [await ledger.register(['core']), await ledger.register(['supplier']), await ledger.register(['supplier'], 'sm2'), await ledger.register(['funder'])];
});
afterAll(() => ledger?.stop());

describe('ledger lifecycle through Kafka', () => {
  const rootId = randomUUID();
  const toB = randomUUID();
  const keptByA = randomUUID();

  it('issues against a confirmed payable and the supplier accepts', async () => {
    const payableId = await ledger.confirmPayable(core, a, '1000.00');
    const issued = await ledger.mustRun('voucher.issue', core, { voucherId: rootId, holder: a.partyId, amount: '1000.00', maturityDate: '2026-06-30', backing: [{ payableId, amount: '1000.00' }] });
    expect(issued.events?.[0]?.type).toBe('VoucherIssued');
    await ledger.mustRun('voucher.accept', a, { voucherId: rootId });
    const [root] = await treeOf(ledger.pool, rootId);
    expect(root).toMatchObject({ status: 'active', holder: a.partyId, tier: 1 });
  });

  it('splits to a tier-2 supplier signing with SM2, who accepts', async () => {
    await ledger.mustRun('voucher.transfer', a, { voucherId: rootId, pieces: [{ childId: toB, recipient: b.partyId, amount: '300.00' }], remainder: { childId: keptByA, amount: '700.00' } });
    await ledger.mustRun('voucher.accept', b, { voucherId: toB });
    const tree = await treeOf(ledger.pool, rootId);
    const byId = new Map(tree.map((v) => [v.voucherId, v]));
    expect(byId.get(rootId)?.status).toBe('consumed');
    expect(byId.get(toB)).toMatchObject({ status: 'active', holder: b.partyId, tier: 2, amount: '300.00' });
    expect(byId.get(keptByA)).toMatchObject({ status: 'active', holder: a.partyId, amount: '700.00' });
  });

  it('finances at the bank: interest ACT/360 half-up and net disbursement', async () => {
    await ledger.mustRun('financing.request', b, { voucherId: toB, funder: bank.partyId, productId: 'PRODUCT-1', maxAnnualRate: '0.2', maxFees: '1000.00' });
    const approved = await ledger.mustRun('financing.approve', bank, { voucherId: toB, annualRate: '0.0365', fees: '1.00' });
    const financed = approved.events?.find((e) => e.type === 'VoucherFinanced');
    // 2026-03-02 (Shanghai) to 2026-06-30 is 120 days: 300.00 × 0.0365 × 120 / 360 = 3.65.
    expect(financed?.data).toMatchObject({ terms: { days: 120, interest: '3.65', fees: '1.00', net: '295.35', seller: b.partyId, funder: bank.partyId } });
  });

  it('settles at maturity: each holder is paid exactly its leaves, and postings sum to zero', async () => {
    ledger.clock.advanceDays(120);
    const settled = await ledger.mustRun('voucher.settle', core, { rootId, paymentReference: 'PAY-1', paidAmount: '1000.00' });
    const data = settled.events?.find((e) => e.type === 'VoucherSettled')?.data as { payouts: { holder: string; amount: string }[] };
    const paid = new Map<string, string>();
    for (const p of data.payouts) paid.set(p.holder, p.amount);
    expect(Object.fromEntries(paid)).toEqual({ [a.partyId]: '700.00', [bank.partyId]: '300.00' });
    for (const t of await balanceTotals(ledger.pool)) expect(t.total, t.currency).toBe('0.00');
  });

  it('an operation proof verifies offline with the ledger public key, and not with another', async () => {
    const issuedOp = (await ledger.pool.query<{ op_id: string }>(`SELECT op_id FROM operations WHERE type = 'voucher.issue' LIMIT 1`)).rows[0]!.op_id;
    const proof = (await proofOf(ledger.pool, (await operationById(ledger.pool, issuedOp))!)) as InclusionProof;
    const ledgerKey = importPublicKey({ format: 'hex', alg: 'ed25519', hex: ledger.dev.genesis.ledgerKey.publicKey });
    const check = (key: typeof ledgerKey) => (m: Uint8Array, s: { sig: string }) => verifySignature('ed25519', key.raw, m, s.sig);
    expect(verifyProof(proof, check(ledgerKey))).toEqual({ ok: true });
    const other = importPublicKey({ format: 'hex', alg: 'ed25519', hex: ledger.dev.genesis.operator.publicKeys[0]!.publicKey });
    expect(verifyProof(proof, check(other)).ok).toBe(false);
  });
});
