/**
 * The SDK end to end in Node against a running gateway (listening on a port) in front of the real
 * ledger process: onboarding, signed logins, a voucher issued, accepted, split to an SM2-signing
 * tier-2 supplier, financed; reads as each party sees them; a proof fetched and verified offline.
 * Every response is also checked against the OpenAPI document the gateway serves, and the SDK's
 * operation table against that document's paths.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyProof } from '@cascade/chain';
import { importPublicKey, verifySignature } from '@cascade/crypto';
import { operations, newVoucherId, CascadeProblem } from '@cascade/sdk/client';
import { addMonthsShanghai, Stack, type TestParty } from './stack.ts';
import type { CascadeClient } from '@cascade/sdk/client';

let stack: Stack;
type P = TestParty & { client: CascadeClient };
let core: P, tier1: P, tier2: P, bank: P, regulator: P;

beforeAll(async () => {
  stack = await Stack.start();
  await stack.gateway();
  [core, tier1, tier2, bank, regulator] = [await stack.register(['core']), await stack.register(['supplier']), await stack.register(['supplier'], 'sm2'), await stack.register(['funder']), await stack.register(['regulator'])];
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

describe('the SDK against a running gateway', () => {
  it('serves an OpenAPI 3.1 document that names every operation of the SDK at its path and method', async () => {
    const doc = (await (await fetch(`${stack.gateways[0]!.url}/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, { operationId: string }>> };
    expect(doc.openapi).toBe('3.1.0');
    const served = new Map<string, string>();
    for (const [path, methods] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(methods)) served.set(op.operationId, `${method.toUpperCase()} ${path}`);
    for (const [id, op] of Object.entries(operations)) expect(served.get(id), id).toBe(`${op.method} ${op.path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    expect([...served.keys()].sort()).toEqual(Object.keys(operations).sort());
    const docs = await fetch(`${stack.gateways[0]!.url}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger/i);
  });

  it('runs a voucher from issue to financing and shows each party what it may see', async () => {
    const payableId = await stack.confirmPayable(core.partyId, tier1.partyId, '1000000.00');
    const rootId = newVoucherId();
    const piece = newVoucherId();
    const kept = newVoucherId();
    const issued = await core.client.command('voucher.issue', core.partyId, { voucherId: rootId, holder: tier1.partyId, amount: '1000000.00', maturityDate: addMonthsShanghai(5), backing: [{ payableId, amount: '1000000.00' }] }, [core.signer]);
    expect(issued.status).toBe('accepted');
    await tier1.client.command('voucher.accept', tier1.partyId, { voucherId: rootId }, [tier1.signer]);
    await tier1.client.command('voucher.transfer', tier1.partyId, { voucherId: rootId, pieces: [{ childId: piece, recipient: tier2.partyId, amount: '300000.00' }], remainder: { childId: kept, amount: '700000.00' } }, [tier1.signer]);
    await tier2.client.command('voucher.accept', tier2.partyId, { voucherId: piece }, [tier2.signer]);
    await tier2.client.command('financing.request', tier2.partyId, { voucherId: piece, funder: bank.partyId, productId: 'DISCOUNT-90', maxAnnualRate: '0.05', maxFees: '300.00' }, [tier2.signer]);
    const approved = await bank.client.command('financing.approve', bank.partyId, { voucherId: piece, annualRate: '0.0365', fees: '150.00' }, [bank.signer]);
    const financed = (approved.events as { type: string; data: { terms: { net: string } } }[]).find((e) => e.type === 'VoucherFinanced');
    expect(financed?.data.terms.net).toMatch(/^\d+\.\d{2}$/);

    expect((await regulator.client.getVoucherTree(piece)).nodes).toHaveLength(3);
    expect((await core.client.getVoucherTree(piece)).nodes).toHaveLength(3);
    const seenByTier2 = await tier2.client.getVoucherTree(piece);
    expect(seenByTier2.nodes.map((n) => n.voucherId).sort()).toEqual([rootId, piece].sort());
    expect(seenByTier2.nodes.find((n) => n.voucherId === rootId)?.backing).toEqual([]);
    const err = await tier2.client.getVoucher(kept).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CascadeProblem);
    expect((err as CascadeProblem).status).toBe(404);
    const mine = await tier1.client.listVouchers({ role: 'holder' });
    expect(mine.items.map((v) => v.voucherId)).toContain(kept);
    // Lists filter and page: the issuer's whole tree, by status, one voucher a page.
    const issuedByCore = await core.client.listVouchers({ role: 'issuer' });
    expect(issuedByCore.items.map((v) => v.voucherId).sort()).toEqual([rootId, piece, kept].sort());
    expect((await core.client.listVouchers({ role: 'issuer', status: 'financed' })).items.map((v) => v.voucherId)).toEqual([piece]);
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 5; page++) {
      const p = await core.client.listVouchers({ role: 'issuer', limit: 1, ...(after ? { after } : {}) });
      seen.push(...p.items.map((v) => v.voucherId));
      if (!p.next) break;
      after = p.next;
    }
    expect(seen.sort()).toEqual([rootId, piece, kept].sort());
    expect((await tier2.client.listVouchers()).items.map((v) => v.voucherId)).toEqual([]); // tier-2 sold its piece to the bank
    expect((await bank.client.listVouchers({ role: 'holder' })).items.map((v) => v.voucherId)).toEqual([piece]);
    expect((await core.client.listRecordedPayables({ role: 'debtor' })).items.map((p) => p.payableId)).toContain(payableId);
    expect((await tier2.client.listRecordedPayables()).items).toEqual([]);
    const balances = await bank.client.getBalances(bank.partyId);
    expect(balances.balances.length).toBeGreaterThan(0);

    const proof = await tier1.client.getProof(issued.opId);
    const ledgerKey = importPublicKey({ format: 'hex', alg: stack.dev.genesis.ledgerKey.alg, hex: stack.dev.genesis.ledgerKey.publicKey });
    expect(verifyProof(proof as never, (m, s) => verifySignature(ledgerKey.alg, ledgerKey.raw, m, s.sig))).toEqual({ ok: true });
  });

  it('lists and revokes its tokens; a revoked token is refused at once', async () => {
    const party = await stack.register(['supplier']);
    const tokens = await party.client.listTokens();
    expect(tokens.items).toHaveLength(1);
    await party.client.revokeToken(tokens.items[0]!.tokenId);
    const refused = await party.client.listTokens().catch((e: unknown) => e);
    expect((refused as CascadeProblem).code).toBe('tokenInvalid');
  });
});
