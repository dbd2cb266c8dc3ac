/**
 * The registry hard stop through the gateway, with the ledger, workflows (its registry simulator
 * on, as in local mode), invoices and risk running as processes: a clean financing is approved
 * once its search is answered and is then registered; a receivable a factor registered elsewhere
 * is refused at approval with registry-hit — the command never reaches the ledger (no result for
 * its nonce, the voucher still pending financing) — and the bank reads the hit.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@cascade/testing';
import { CascadeProblem, newVoucherId, signCommand, type CascadeClient } from '@cascade/sdk/client';
import { RegistrySimulator } from '../../workflows/src/registry-simulator.ts';
import { addMonthsShanghai, Stack, type TestParty } from './stack.ts';

let stack: Stack;
type P = TestParty & { client: CascadeClient };
let core: P, supplier: P, bank: P;

beforeAll(async () => {
  stack = await Stack.start({ services: true });
  await stack.gateway();
  [core, supplier, bank] = [await stack.register(['core']), await stack.register(['supplier']), await stack.register(['funder'])];
  for (const p of [core, supplier, bank]) await stack.seenByServices(p.partyId);
}, 240_000);
afterAll(async () => {
  await stack?.stop();
});

async function requestedFinancing(payableId: string): Promise<string> {
  const voucherId = newVoucherId();
  await core.client.command('voucher.issue', core.partyId, { voucherId, holder: supplier.partyId, amount: '100.00', maturityDate: addMonthsShanghai(3), backing: [{ payableId, amount: '100.00' }] }, [core.signer]);
  await supplier.client.command('voucher.accept', supplier.partyId, { voucherId }, [supplier.signer]);
  return voucherId;
}

const request = (voucherId: string) => supplier.client.command('financing.request', supplier.partyId, { voucherId, funder: bank.partyId, productId: 'P1', maxAnnualRate: '0.05', maxFees: '1.00' }, [supplier.signer]);

describe('the registry hard stop at approval', () => {
  it('approves a clean financing and registers it; refuses one registered elsewhere before the ledger sees it', async () => {
    const payableId = await stack.confirmPayable(core.partyId, supplier.partyId, '200.00');
    const clean = await requestedFinancing(payableId);
    await request(clean);
    // The approval waits for the search under way (GATEWAY_REGISTRY_WAIT_MS), or is told to retry.
    const approved = await eventually(
      () => bank.client.command('financing.approve', bank.partyId, { voucherId: clean, annualRate: '0.03', fees: '0.00' }, [bank.signer]).catch((e: unknown) => {
        if (e instanceof CascadeProblem && e.code === 'registrySearchPending') return undefined;
        throw e;
      }),
      30_000,
      'the clean financing approved',
    );
    expect(approved!.status).toBe('accepted');
    const registered = await eventually(async () => {
      const r = await bank.client.getFinancingRegistry(clean);
      return r.registryStatus === 'registered' ? r : undefined;
    }, 30_000, 'the financing registered');
    expect(registered!).toMatchObject({ state: 'funded', holder: supplier.partyId, funder: bank.partyId, search: { state: 'done', activeHits: [] }, registration: { state: 'done' } });

    // A factor registered the transfer of the next voucher's receivable outside the platform.
    const hit = await requestedFinancing(payableId);
    const simulator = new RegistrySimulator({ directory: path.join(path.dirname(stack.dev.genesisFile), 'registry-exchange'), now: () => new Date() });
    const prior = await simulator.seed({
      kind: 'transfer',
      registeredAt: new Date(Date.now() - 86_400_000).toISOString(),
      expiresOn: addMonthsShanghai(6),
      grantor: { name: `party ${supplier.partyId}`, uscc: supplier.partyId },
      securedParty: { name: '某保理有限公司', uscc: core.partyId },
      amount: '100.00',
      collateralDescription: `数字债权凭证 ${hit}`,
      status: 'active',
      collateral: { voucherId: hit, rootVoucherId: hit, invoiceNumbers: [] },
    });
    await request(hit);
    await eventually(async () => ((await bank.client.getFinancingRegistry(hit).catch(() => undefined))?.search.state === 'done' ? true : undefined), 30_000, 'the search answered');
    const approve = await bank.client.buildCommand('financing.approve', bank.partyId, { voucherId: hit, annualRate: '0.03', fees: '0.00' });
    const refused = await bank.client.submit(signCommand(approve, [bank.signer]) as never).then(
      () => undefined,
      (e: unknown) => e as CascadeProblem,
    );
    expect(refused?.status).toBe(409);
    expect(refused?.problem.type).toBe('urn:cascade:problem:registry-hit');
    expect((refused?.problem as unknown as { registrations: { registrationNumber: string }[] }).registrations.map((r) => r.registrationNumber)).toEqual([prior.registrationNumber]);
    // Nothing reached the ledger: no result for the nonce, the voucher still waits for the bank.
    expect((await stack.ledgerGet(bank.partyId, `/v1/results/${bank.partyId}/${approve.nonce}`)).status).toBe(404);
    expect(((await stack.ledgerGet(bank.partyId, `/v1/vouchers/${hit}`)).body as { status: string }).status).toBe('pending_financing');
    // The bank is shown the hit.
    expect((await bank.client.getFinancingRegistry(hit)).search.activeHits.map((h) => h.registrationNumber)).toEqual([prior.registrationNumber]);
  });
});
