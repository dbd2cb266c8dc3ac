/**
 * Maturity through the gateway, with every service running on a simulated clock the test moves
 * past maturity (CASCADE_CLOCK_FILE, as local mode's demo): a settlement before maturity refused;
 * a partial settlement paid pro rata, the rest overdue, the payouts planned for the paid amounts
 * only; the remainder paid under another bank reference; and a tree nobody pays marked overdue by
 * the workflows service's job, by its own clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@cascade/testing';
import { CascadeProblem, newVoucherId, type CascadeClient } from '@cascade/sdk/client';
import { addMonthsShanghai, Stack, type TestParty } from './stack.ts';

let stack: Stack;
type P = TestParty & { client: CascadeClient };
let core: P, tier1: P, tier2: P;
let payableId: string;
const day = 86_400_000;

beforeAll(async () => {
  stack = await Stack.start({ services: true, clock: true });
  await stack.gateway();
  [core, tier1, tier2] = [await stack.register(['core']), await stack.register(['supplier']), await stack.register(['supplier'])];
  for (const p of [core, tier1, tier2]) await stack.seenByServices(p.partyId);
  payableId = await stack.confirmPayable(core.partyId, tier1.partyId, '5000.00');
}, 240_000);
afterAll(async () => {
  await stack?.stop();
});

/** A tree of 1,000.00: 600.00 held by tier 1, 400.00 by tier 2, both accepted. */
async function tree(): Promise<{ rootId: string; kept: string; piece: string }> {
  const [rootId, kept, piece] = [newVoucherId(), newVoucherId(), newVoucherId()];
  await core.client.command('voucher.issue', core.partyId, { voucherId: rootId, holder: tier1.partyId, amount: '1000.00', maturityDate: addMonthsShanghai(3), backing: [{ payableId, amount: '1000.00' }] }, [core.signer]);
  await tier1.client.command('voucher.accept', tier1.partyId, { voucherId: rootId }, [tier1.signer]);
  await tier1.client.command('voucher.transfer', tier1.partyId, { voucherId: rootId, pieces: [{ childId: piece, recipient: tier2.partyId, amount: '400.00' }], remainder: { childId: kept, amount: '600.00' } }, [tier1.signer]);
  await tier2.client.command('voucher.accept', tier2.partyId, { voucherId: piece }, [tier2.signer]);
  return { rootId, kept, piece };
}

describe('maturity, on a simulated clock', () => {
  it('a partial settlement pays pro rata and leaves the rest overdue; the rest paid later settles the tree; an unpaid tree is marked overdue by the job', async () => {
    const paid = await tree();
    const unpaid = await tree();
    const settle = (rootId: string, paymentReference: string, paidAmount: string) => core.client.command('voucher.settle', core.partyId, { rootId, paymentReference, paidAmount }, [core.signer]);
    const refusedEarly = await settle(paid.rootId, 'BANK-EARLY', '1000.00').then(
      () => undefined,
      (e: unknown) => e as CascadeProblem,
    );
    expect(refusedEarly?.code).toBe('settlementBeforeMaturity');

    // Past maturity (three months and more), by every process's clock.
    await stack.moveClock(100 * day);
    await settle(paid.rootId, 'BANK-PART-1', '500.00');
    const leaf = async (id: string) => (await core.client.getVoucherTree(paid.rootId)).nodes.find((n) => n.voucherId === id)!;
    // Pro rata: 300.00 of tier 1's 600.00 and 200.00 of tier 2's 400.00; the rest overdue.
    expect(await leaf(paid.kept)).toMatchObject({ status: 'overdue', outstanding: '300.00' });
    expect(await leaf(paid.piece)).toMatchObject({ status: 'overdue', outstanding: '200.00' });
    // The payouts planned are the amounts paid (waiting for bank accounts nobody registered here).
    const blocked = await eventually(async () => {
      const b = (await core.client.listPaymentFiles()).blocked.map((b) => b.entry).filter((e) => e.rootId === paid.rootId);
      return b.length === 2 ? b : undefined;
    }, 30_000, 'the partial payouts planned');
    expect(blocked!.map((e) => [e.creditor, e.amount]).sort()).toEqual([[tier1.partyId, '300.00'], [tier2.partyId, '200.00']].sort());

    await settle(paid.rootId, 'BANK-PART-2', '500.00');
    expect(await leaf(paid.kept)).toMatchObject({ status: 'settled', outstanding: '0.00' });
    expect(await leaf(paid.piece)).toMatchObject({ status: 'settled', outstanding: '0.00' });
    // The same bank reference cannot settle twice.
    const again = await settle(unpaid.rootId, 'BANK-PART-2', '1.00').then(
      () => undefined,
      (e: unknown) => e as CascadeProblem,
    );
    expect(again?.code).toBe('paymentReferenceAlreadyUsed');

    // Nobody pays the other tree: the workflows service's overdue job marks it by its own clock.
    const overdue = await eventually(async () => {
      const nodes = (await core.client.getVoucherTree(unpaid.rootId)).nodes.filter((n) => n.voucherId === unpaid.kept || n.voucherId === unpaid.piece);
      return nodes.every((n) => n.status === 'overdue') ? nodes : undefined;
    }, 60_000, 'the unpaid tree overdue');
    expect(overdue!.map((n) => n.outstanding).sort()).toEqual(['400.00', '600.00']);
  });
});
