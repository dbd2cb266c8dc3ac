/**
 * Financing registration (中登网) through the workflows service, against a real ledger (in
 * process, through Kafka), real PostgreSQL and real Redis (BullMQ), with the registry simulator
 * answering FileExchangeRegistry's files: a financing request is searched (clean), registered when
 * funded, released when paid off; a receivable with a registration in force elsewhere is a hit,
 * and the gateway's check, asking the real workflows API, stops the approval before the ledger
 * sees it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '@cascade/errors';
import { uuidv7 } from '@cascade/ids';
import { FileExchangeRegistry } from '@cascade/payments';
import { eventually } from '@cascade/testing';
import type { TestParty } from '../../ledger/test/support.ts';
import { checkRegistryBeforeApproval } from '../../gateway/src/edge/registry-check.ts';
import { Upstreams } from '../../gateway/src/edge/upstream.ts';
import { workflowsRegistryLookup, type RegistryLookup } from '../../risk/src/application/registry.ts';
import { RegistrySimulator } from '../src/registry-simulator.ts';
import { startHarness, type Harness } from './harness.ts';

const exchange = mkdtempSync(path.join(os.tmpdir(), 'cascade-zdw-'));

let h: Harness;
let simulator: RegistrySimulator;
let upstreams: Upstreams;
let riskLookup: RegistryLookup;
let core: TestParty, a: TestParty, bank: TestParty, stranger: TestParty;

beforeAll(async () => {
  h = await startHarness({
    name: 'wfregistry',
    extraDeps: (clock) => ({ registry: new FileExchangeRegistry({ directory: exchange, now: clock, responseWaitMs: 5_000, pollIntervalMs: 50 }) }),
  });
  const ledger = h.ledger;
  [core, a, bank, stranger] = [await ledger.register(['core']), await ledger.register(['supplier']), await ledger.register(['funder']), await ledger.register(['funder'])];
  simulator = new RegistrySimulator({ directory: exchange, now: () => h.ledger.clock.now, pollMs: 50 });
  await simulator.start();
  upstreams = new Upstreams({ urls: { workflows: h.url, ledger: h.url, invoices: h.url, risk: h.url }, key: h.internalKey, timeoutMs: 5_000 });
  riskLookup = workflowsRegistryLookup({ url: h.url, key: h.internalKey });
}, 240_000);

afterAll(async () => {
  await simulator?.stop();
  await h?.stop();
});

const voucherStatus = async (id: string) => (await h.ledger.pool.query<{ status: string }>('SELECT status FROM vouchers WHERE voucher_id = $1', [id])).rows[0]?.status;

interface RecordView {
  financingId: string;
  state: string;
  registryStatus: string;
  search: { state: string; searchReportNumber: string | null; hits: { registrationNumber: string; status: string }[]; activeHits: { registrationNumber: string }[] };
  registration: { state: string; registrationNumber: string | null; expiresOn: string | null };
  release: { state: string; releasedAt: string | null };
}

async function recordOf(voucherId: string, party: TestParty = bank): Promise<{ status: number; body: RecordView }> {
  const res = await h.app.inject({ method: 'GET', url: `/v1/financings/${voucherId}/registry`, headers: h.as(party) });
  return { status: res.statusCode, body: res.json() as RecordView };
}

/** Ticks until `ready` holds of the voucher's record (the ticker is driven by the test). */
async function recordWhen(voucherId: string, ready: (r: RecordView) => boolean, what: string): Promise<RecordView> {
  return (await eventually(
    async () => {
      await h.work.tickNow();
      const r = await recordOf(voucherId);
      return r.status === 200 && ready(r.body) ? r.body : undefined;
    },
    30_000,
    what,
  ))!;
}

/** An accepted voucher of a's, issued by core on a payable backed by one invoice of its own. */
async function acceptedVoucher(invoice: string): Promise<string> {
  const payableId = `P-${uuidv7()}`;
  await h.ledger.publishFact({ payableId, debtor: core.partyId, creditor: a.partyId, amount: '100.00', invoices: [invoice] });
  await eventually(async () => ((await h.ledger.pool.query('SELECT 1 FROM payables WHERE payable_id = $1', [payableId])).rowCount ? true : undefined), 30_000, `payable ${payableId}`);
  const voucherId = randomUUID();
  await h.ledger.mustRun('voucher.issue', core, { voucherId, holder: a.partyId, amount: '100.00', maturityDate: '2026-06-30', backing: [{ payableId, amount: '100.00' }] });
  await h.ledger.mustRun('voucher.accept', a, { voucherId });
  return voucherId;
}

const requestFinancing = (voucherId: string) => h.ledger.mustRun('financing.request', a, { voucherId, funder: bank.partyId, productId: 'PRODUCT-1', maxAnnualRate: '0.2', maxFees: '10.00' });

describe('financing registration', () => {
  it('searches a requested financing (clean), registers it when funded and releases it when paid off', async () => {
    const invoice = `INV-${randomUUID().slice(0, 8)}`;
    const voucherId = await acceptedVoucher(invoice);
    await requestFinancing(voucherId);
    const searched = await recordWhen(voucherId, (r) => r.search.state === 'done', 'the search answered');
    expect(searched).toMatchObject({ state: 'requested', registryStatus: 'searched', search: { hits: [], activeHits: [] } });
    expect(searched.search.searchReportNumber).toMatch(/^SIM-S-/);
    expect(searched.financingId).toMatch(new RegExp(`^${voucherId}\\.20260302T\\d{9}Z$`));
    // The request the registry was sent names the receivable as the ledger knows it.
    const request = JSON.parse(readFileSync(path.join(exchange, 'outbox', `search-${searched.financingId}-1.json`), 'utf8')) as { template: string; body: { grantor: { uscc: string }; collateral: { obligor: { uscc: string; name: string }; amount: string; maturityDate: string; invoiceNumbers: string[] } } };
    expect(request.template).toBe('cascade-zdw-exchange/1');
    expect(request.body).toMatchObject({ grantor: { uscc: a.partyId }, collateral: { obligor: { uscc: core.partyId, name: `party ${core.partyId}` }, amount: '100.00', maturityDate: '2026-06-30', invoiceNumbers: [invoice] } });
    // The holder reads it too; a funder the request does not name does not.
    expect((await recordOf(voucherId, a)).status).toBe(200);
    expect((await recordOf(voucherId, stranger)).status).toBe(404);
    // The check at approval lets it through; risk reads a clean search.
    await checkRegistryBeforeApproval(upstreams, { voucherId, caller: bank.partyId, traceId: 'registry-test-clean', waitMs: 0 });
    expect(await riskLookup(voucherId, bank.partyId)).toEqual({ searched: true, activeRegistrations: [] });

    await h.ledger.mustRun('financing.approve', bank, { voucherId, annualRate: '0.0365', fees: '1.00' });
    const registered = await recordWhen(voucherId, (r) => r.registration.state === 'done', 'the registration answered');
    expect(registered).toMatchObject({ state: 'funded', registryStatus: 'registered' });
    expect(registered.registration.registrationNumber).toMatch(/^SIM-R-/);
    const registerRequest = JSON.parse(readFileSync(path.join(exchange, 'outbox', `register-${searched.financingId}-1.json`), 'utf8')) as { body: Record<string, unknown> };
    // Discounting is a transfer; 2 March to 30 June is 4 months, and one more.
    expect(registerRequest.body).toMatchObject({ kind: 'transfer', registrationType: '应收账款转让', securedParty: { uscc: bank.partyId }, financingDate: '2026-03-02', termMonths: 5 });
    expect((await simulator.registrations()).find((r) => r.registrationNumber === registered.registration.registrationNumber)?.status).toBe('active');

    h.ledger.clock.advanceDays(120);
    await h.ledger.mustRun('voucher.settle', core, { rootId: voucherId, paymentReference: `PAY-${randomUUID().slice(0, 8)}`, paidAmount: '100.00' });
    const released = await recordWhen(voucherId, (r) => r.release.state === 'done', 'the release answered');
    expect(released).toMatchObject({ state: 'paidOff', registryStatus: 'released' });
    expect((await simulator.registrations()).find((r) => r.registrationNumber === registered.registration.registrationNumber)?.status).toBe('released');
    // One request per step, whatever ran twice.
    expect(readdirSync(path.join(exchange, 'outbox')).filter((f) => f.includes(searched.financingId)).sort()).toEqual([`register-${searched.financingId}-1.json`, `release-${searched.financingId}-1.json`, `search-${searched.financingId}-1.json`]);
    h.ledger.clock.advanceDays(-120);
  });

  it('finds a registration in force elsewhere on the receivable, and the check stops the approval before the ledger', async () => {
    const invoice = `INV-${randomUUID().slice(0, 8)}`;
    const voucherId = await acceptedVoucher(invoice);
    // A factor registered a transfer of the same invoice outside the platform.
    const prior = await simulator.seed({
      kind: 'transfer',
      registeredAt: '2026-02-01T02:00:00.000Z',
      expiresOn: '2026-12-31',
      grantor: { name: `party ${a.partyId}`, uscc: a.partyId },
      securedParty: { name: '某保理有限公司', uscc: stranger.partyId },
      amount: '100.00',
      collateralDescription: `应收账款，发票 ${invoice}`,
      status: 'active',
      collateral: { invoiceNumbers: [invoice] },
    });
    await requestFinancing(voucherId);
    // Known to the workflows service, not searched yet (the ticker has not run): pending.
    await eventually(async () => ((await recordOf(voucherId)).status === 200 ? true : undefined), 30_000, 'the financing recorded');
    const pending = await checkRegistryBeforeApproval(upstreams, { voucherId, caller: bank.partyId, traceId: 'registry-test-pending', waitMs: 0 }).catch((e: unknown) => e);
    expect((pending as Problem).toDocument().type).toBe('urn:cascade:problem:registry-search-pending');
    expect(await riskLookup(voucherId, bank.partyId)).toEqual({ searched: false, activeRegistrations: [] });

    const searched = await recordWhen(voucherId, (r) => r.search.state === 'done', 'the search answered');
    expect(searched.search.activeHits.map((h) => h.registrationNumber)).toEqual([prior.registrationNumber]);
    const before = await h.ledger.snapshot();
    const refused = (await checkRegistryBeforeApproval(upstreams, { voucherId, caller: bank.partyId, traceId: 'registry-test-hit', waitMs: 0 }).catch((e: unknown) => e)) as Problem;
    const document = refused.toDocument() as unknown as { type: string; status: number; registrations: { registrationNumber: string }[] };
    expect(document.type).toBe('urn:cascade:problem:registry-hit');
    expect(document.status).toBe(409);
    expect(document.registrations.map((r) => r.registrationNumber)).toEqual([prior.registrationNumber]);
    expect(await h.ledger.snapshot()).toEqual(before);
    // Risk reads the same hit (its assessment declines with registryHit).
    expect(await riskLookup(voucherId, bank.partyId)).toEqual({ searched: true, activeRegistrations: [prior.registrationNumber] });
    expect(await voucherStatus(voucherId)).toBe('pending_financing');

    // Rejected by the bank: nothing is registered; a new request is a new financing, searched again.
    await h.ledger.mustRun('financing.reject', bank, { voucherId, reason: 'registered elsewhere' });
    await eventually(async () => ((await recordOf(voucherId)).body.state === 'rejected' ? true : undefined), 30_000, 'the financing rejected');
    const steps = await h.pool.query<{ operation: string }>('SELECT operation FROM registry_steps WHERE financing_id = $1', [searched.financingId]);
    expect(steps.rows.map((s) => s.operation)).toEqual(['search']);
  });
});
