/**
 * The scenario's unhappy paths through the gateway and the SDK, with the ledger, invoices, risk
 * and workflows running as processes: an offer rejected, a transfer revoked before it was
 * accepted, a freeze that blocks the holder's transfer with a readable refusal (and its lift), and
 * a financing the risk service refuses and the bank then rejects. Each ends in the state a person
 * would expect and the vouchers' amounts still add up. (Acceptance expiry, overdue, an endpoint
 * down for an hour: services/workflows/test/workflows.test.ts; a registry hit:
 * registry-e2e.test.ts; partial settlement and overdue: maturity-e2e.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@cascade/testing';
import { CascadeProblem, newVoucherId, type CascadeClient } from '@cascade/sdk/client';
import { addMonthsShanghai, Stack, type TestParty } from './stack.ts';

let stack: Stack;
type P = TestParty & { client: CascadeClient };
let core: P, tier1: P, tier2: P, bank: P, regulator: P;
let payableId: string;

beforeAll(async () => {
  stack = await Stack.start({ services: true });
  await stack.gateway();
  [core, tier1, tier2, bank, regulator] = [await stack.register(['core']), await stack.register(['supplier']), await stack.register(['supplier']), await stack.register(['funder']), await stack.register(['regulator'])];
  for (const p of [core, tier1, tier2, bank]) await stack.seenByServices(p.partyId);
  payableId = await stack.confirmPayable(core.partyId, tier1.partyId, '10000.00');
}, 240_000);
afterAll(async () => {
  await stack?.stop();
});

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => {
      if (e instanceof CascadeProblem) return e;
      throw e;
    },
  );

async function issued(amount: string): Promise<string> {
  const voucherId = newVoucherId();
  await core.client.command('voucher.issue', core.partyId, { voucherId, holder: tier1.partyId, amount, maturityDate: addMonthsShanghai(3), backing: [{ payableId, amount }] }, [core.signer]);
  return voucherId;
}

describe('the unhappy paths, through the gateway', () => {
  it('an offer rejected: the voucher is rejected, and the payable it used can back another', async () => {
    const voucherId = await issued('1000.00');
    await tier1.client.command('voucher.reject', tier1.partyId, { voucherId, reason: 'the goods were not delivered' }, [tier1.signer]);
    expect((await core.client.getVoucher(voucherId)).status).toBe('rejected');
    // Its 1,000.00 of the payable is free again: a voucher of the whole payable still issues.
    const again = await issued('10000.00');
    expect((await core.client.getVoucher(again)).status).toBe('pending_acceptance');
    await tier1.client.command('voucher.reject', tier1.partyId, { voucherId: again, reason: 'issued in error' }, [tier1.signer]);
  });

  it('a transfer revoked before it was accepted: the piece is revoked and its amount is the sender’s again', async () => {
    const voucherId = await issued('1000.00');
    await tier1.client.command('voucher.accept', tier1.partyId, { voucherId }, [tier1.signer]);
    const [piece, kept] = [newVoucherId(), newVoucherId()];
    await tier1.client.command('voucher.transfer', tier1.partyId, { voucherId, pieces: [{ childId: piece, recipient: tier2.partyId, amount: '400.00' }], remainder: { childId: kept, amount: '600.00' } }, [tier1.signer]);
    await tier1.client.command('voucher.revoke', tier1.partyId, { voucherId: piece }, [tier1.signer]);
    const tree = await core.client.getVoucherTree(voucherId);
    const status = (id: string) => tree.nodes.find((n) => n.voucherId === id)?.status;
    expect(status(piece)).toBe('revoked');
    // The recipient can no longer accept it.
    expect((await refusal(tier2.client.command('voucher.accept', tier2.partyId, { voucherId: piece }, [tier2.signer])))?.status).toBeGreaterThanOrEqual(400);
    // The live vouchers still add up to the root's amount: the revoked 400.00 went back to tier 1.
    const live = tree.nodes.filter((n) => ['active', 'pending_acceptance', 'pending_financing', 'financed', 'frozen'].includes(n.status));
    expect(live.reduce((fen, n) => fen + BigInt(n.amount.replace('.', '')), 0n)).toBe(100_000n);
  });

  it('a freeze blocks the holder’s transfer with a readable refusal, and after the lift the transfer goes through', async () => {
    const voucherId = await issued('1000.00');
    await tier1.client.command('voucher.accept', tier1.partyId, { voucherId }, [tier1.signer]);
    await regulator.client.command('voucher.freeze', regulator.partyId, { voucherId, reason: 'court order 2026-沪01-123' }, [regulator.signer]);
    const transfer = (childId: string, keep: string) => ({ voucherId, pieces: [{ childId, recipient: tier2.partyId, amount: '100.00' }], remainder: { childId: keep, amount: '900.00' } });
    const refused = await refusal(tier1.client.command('voucher.transfer', tier1.partyId, transfer(newVoucherId(), newVoucherId()), [tier1.signer]));
    expect(refused?.code).toBe('voucherFrozen');
    expect(refused?.problem.type).toBe('urn:cascade:problem:voucher-frozen');
    expect(refused?.problem.title).toBe('The voucher is frozen by a regulator.');
    expect(refused?.message).toBe(`voucherFrozen: voucher ${voucherId} is frozen`);
    expect((await tier1.client.getVoucher(voucherId)).status).toBe('frozen');
    await regulator.client.command('voucher.unfreeze', regulator.partyId, { voucherId, reason: 'order lifted' }, [regulator.signer]);
    const outcome = await tier1.client.command('voucher.transfer', tier1.partyId, transfer(newVoucherId(), newVoucherId()), [tier1.signer]);
    expect(outcome.status).toBe('accepted');
  });

  it('a financing the risk service refuses: the bank reads the hard rule and rejects, and the voucher is active again', async () => {
    const voucherId = await issued('1000.00');
    await tier1.client.command('voucher.accept', tier1.partyId, { voucherId }, [tier1.signer]);
    // The bank publishes no product with this id: the assessment's hard rule productUnknown.
    await tier1.client.command('financing.request', tier1.partyId, { voucherId, funder: bank.partyId, productId: 'NO-SUCH-PRODUCT', maxAnnualRate: '0.05', maxFees: '10.00' }, [tier1.signer]);
    const assessment = await eventually(async () => (await bank.client.listAssessments({ voucherId })).items[0], 60_000, 'the assessment');
    expect(assessment!.result.decision).toBe('reject');
    expect(assessment!.result.hardRules).toContain('productUnknown');
    await bank.client.command('financing.reject', bank.partyId, { voucherId, reason: `risk: ${assessment!.result.hardRules.join(', ')}` }, [bank.signer]);
    expect((await tier1.client.getVoucher(voucherId)).status).toBe('active');
    // Nothing was disbursed: no payment file names this voucher's financing.
    expect((await bank.client.listPaymentFiles()).files.flatMap((f) => f.entries).some((e) => e.voucherId === voucherId)).toBe(false);
  });
});
