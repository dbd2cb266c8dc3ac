/**
 * Trade records through the internal HTTP API on real PostgreSQL: each refusal answers its
 * problem type and status and writes nothing; duplicates are refused by the database; reads are
 * the caller's own (or the regulator's: all); the caller comes only from the internal token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInternalToken, internalIdentityHeader } from '@cascade/service';
import { randomBytes } from 'node:crypto';
import { TestInvoices, newUscc, type TestParty } from './support.ts';

let t: TestInvoices;
let core: TestParty, supplier: TestParty, other: TestParty, regulator: TestParty;

beforeAll(async () => {
  t = await TestInvoices.start();
  [core, supplier, other, regulator] = [await t.party(['core']), await t.party(['supplier']), await t.party(['supplier']), await t.party(['regulator'])];
});
afterAll(() => t?.stop());

const problem = (code: string) => `urn:cascade:problem:${code.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`;

async function refused(party: TestParty | string, url: string, body: unknown, code: string, status: number) {
  const before = await t.counts();
  const r = await t.call(party, 'POST', url, body);
  expect(r.body, JSON.stringify(r.body)).toMatchObject({ type: problem(code), code, status });
  expect(r.status).toBe(status);
  expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(await t.counts()).toEqual(before);
}

describe('internal identity', () => {
  it('refuses a request without the gateway token, or with a token for another service', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/v1/invoices' });
    expect(none.statusCode).toBe(401);
    const ledgerToken = signInternalToken(t.internalKey, { sub: core.partyId, aud: 'ledger' });
    const wrongAudience = await t.app.inject({ method: 'GET', url: '/v1/invoices', headers: { [internalIdentityHeader]: ledgerToken } });
    expect(wrongAudience.statusCode).toBe(401);
    const forged = await t.app.inject({ method: 'GET', url: '/v1/invoices', headers: { [internalIdentityHeader]: signInternalToken(randomBytes(32), { sub: regulator.partyId, aud: 'invoices' }) } });
    expect(forged.statusCode).toBe(401);
  });
});

describe('contracts', () => {
  it('records a contract and publishes ContractRecorded keyed by the buyer', async () => {
    const c = await t.mustCall(supplier, 'POST', '/v1/contracts', t.contractBody(core.partyId, supplier.partyId));
    expect(c).toMatchObject({ buyer: core.partyId, seller: supplier.partyId, amount: '1000.00', recordedBy: supplier.partyId });
    const events = (await t.outbox('ContractRecorded')).filter((e) => e.envelope.data.contractId === c.contractId);
    expect(events).toMatchObject([{ topic: 'invoices.events', key: core.partyId }]);
  });

  it.each([
    ['callerNotParty', 403, () => ({ who: other, body: t.contractBody(core.partyId, supplier.partyId) })],
    ['usccInvalid', 422, () => ({ who: supplier, body: t.contractBody(core.partyId.slice(0, 17) + (core.partyId.endsWith('A') ? 'B' : 'A'), supplier.partyId) })],
    ['partyUnknown', 422, () => ({ who: supplier, body: t.contractBody(newUscc(), supplier.partyId) })],
    ['dateInTheFuture', 422, () => ({ who: supplier, body: t.contractBody(core.partyId, supplier.partyId, { signedOn: '2026-03-03' }) })],
    ['validUntilBeforeSigning', 422, () => ({ who: supplier, body: t.contractBody(core.partyId, supplier.partyId, { validUntil: '2026-01-01' }) })],
    ['validationFailed', 400, () => ({ who: supplier, body: t.contractBody(core.partyId, supplier.partyId, { amount: '10.5' }) })],
  ] as const)('refuses with %s (%i), writing nothing', async (code, status, make) => {
    const { who, body } = make();
    await refused(who, '/v1/contracts', body, code, status);
  });

  it('refuses a second contract with the same number between the same parties (contractAlreadyRecorded)', async () => {
    const body = t.contractBody(core.partyId, supplier.partyId);
    await t.mustCall(supplier, 'POST', '/v1/contracts', body);
    await refused(core, '/v1/contracts', body, 'contractAlreadyRecorded', 409);
  });

  it('refuses a caller the ledger never registered (callerUnknown)', async () => {
    const stranger = newUscc();
    await refused(stranger, '/v1/contracts', t.contractBody(core.partyId, stranger), 'callerUnknown', 403);
  });
});

describe('invoices', () => {
  it('registers an invoice in the classic form and one in the fully digital form', async () => {
    const classic = await t.mustCall(supplier, 'POST', '/v1/invoices', t.invoiceBody(supplier.partyId, core.partyId));
    expect(classic).toMatchObject({ form: 'classic', verification: 'unverified', usage: { committed: '0.00', remaining: '1000.00' } });
    const digital = await t.mustCall(core, 'POST', '/v1/invoices', t.invoiceBody(supplier.partyId, core.partyId, { code: null, number: `2531200000${String(Date.now()).slice(-10)}` }));
    expect(digital).toMatchObject({ form: 'digital', code: null, recordedBy: core.partyId });
    expect((await t.outbox('InvoiceRegistered')).map((e) => e.envelope.data.invoiceId)).toEqual(expect.arrayContaining([classic.invoiceId, digital.invoiceId]));
  });

  it('refuses the same invoice registered again, by either party (invoiceAlreadyRegistered)', async () => {
    const body = t.invoiceBody(supplier.partyId, core.partyId);
    await t.mustCall(supplier, 'POST', '/v1/invoices', body);
    await refused(core, '/v1/invoices', { ...body, total: '2000.00', amountExclTax: '2000.00', tax: '0.00' }, 'invoiceAlreadyRegistered', 409);
  });

  it.each([
    ['callerNotParty', 403, () => ({ who: other, over: {} })],
    ['invoiceNumberMalformed', 422, () => ({ who: supplier, over: { number: '1234567' } })],
    ['usccInvalid', 422, () => ({ who: supplier, over: { buyer: core.partyId.slice(0, 17) + (core.partyId.endsWith('A') ? 'B' : 'A') } })],
    ['partyUnknown', 422, () => ({ who: supplier, over: { buyer: newUscc() } })],
    ['totalMustEqualAmountPlusTax', 422, () => ({ who: supplier, over: { total: '999.99' } })],
    ['dateMalformed', 422, () => ({ who: supplier, over: { issuedOn: '2026-02-30' } })],
    ['dateInTheFuture', 422, () => ({ who: supplier, over: { issuedOn: '2026-03-09' } })],
    ['contractUnknown', 422, () => ({ who: supplier, over: { contractId: '01950000-0000-7000-8000-00000000abcd' } })],
    ['validationFailed', 400, () => ({ who: supplier, over: { documentHash: 'not-hex' } })],
  ] as const)('refuses with %s (%i), writing nothing', async (code, status, make) => {
    const { who, over } = make();
    await refused(who, '/v1/invoices', t.invoiceBody(supplier.partyId, core.partyId, over), code, status);
  });

  it('refuses an invoice under a contract between other parties (contractNotBetweenParties)', async () => {
    const theirs = await t.mustCall(core, 'POST', '/v1/contracts', t.contractBody(core.partyId, other.partyId));
    await refused(core, '/v1/invoices', t.invoiceBody(supplier.partyId, core.partyId, { contractId: theirs.contractId }), 'contractNotBetweenParties', 422);
  });

  it('shows an invoice to its parties and the regulator only; absent and invisible answer the same 404', async () => {
    const inv = await t.mustCall(supplier, 'POST', '/v1/invoices', t.invoiceBody(supplier.partyId, core.partyId));
    expect((await t.call(core, 'GET', `/v1/invoices/${inv.invoiceId}`)).status).toBe(200);
    expect((await t.call(regulator, 'GET', `/v1/invoices/${inv.invoiceId}`)).status).toBe(200);
    const hidden = await t.call(other, 'GET', `/v1/invoices/${inv.invoiceId}`);
    const absent = await t.call(other, 'GET', '/v1/invoices/01950000-0000-7000-8000-00000000dddd');
    expect([hidden.status, absent.status]).toEqual([404, 404]);
    expect(hidden.body.type).toBe(absent.body.type);
  });

  it('lists the caller\'s invoices a page at a time; the regulator lists everyone\'s', async () => {
    const mine = await t.mustCall(other, 'GET', '/v1/invoices?limit=200');
    expect(mine.items).toEqual([]);
    const page1 = await t.mustCall(supplier, 'GET', '/v1/invoices?limit=2');
    expect(page1.items).toHaveLength(2);
    expect(page1.next).toBe(page1.items[1].invoiceId);
    const page2 = await t.mustCall(supplier, 'GET', `/v1/invoices?limit=200&after=${page1.next}`);
    expect(page2.items.every((i: { invoiceId: string }) => i.invoiceId > page1.next)).toBe(true);
    const all = await t.mustCall(regulator, 'GET', '/v1/invoices?limit=200');
    expect(all.items.length).toBe(page1.items.length + page2.items.length);
  });
});

describe('deliveries', () => {
  it('records a delivery and its receipt under a contract; refuses the date and goods rules and duplicates', async () => {
    const c = await t.mustCall(supplier, 'POST', '/v1/contracts', t.contractBody(core.partyId, supplier.partyId));
    const body = t.deliveryBody(c.contractId);
    const d = await t.mustCall(core, 'POST', '/v1/deliveries', body);
    expect(d).toMatchObject({ contractId: c.contractId, buyer: core.partyId, seller: supplier.partyId, receivedOn: '2026-01-22' });
    await refused(supplier, '/v1/deliveries', body, 'deliveryAlreadyRecorded', 409);
    await refused(supplier, '/v1/deliveries', t.deliveryBody(c.contractId, { shippedOn: '2026-01-04' }), 'deliveryBeforeContract', 422);
    await refused(supplier, '/v1/deliveries', t.deliveryBody(c.contractId, { receivedOn: '2026-01-19' }), 'receiptBeforeShipment', 422);
    await refused(supplier, '/v1/deliveries', t.deliveryBody(c.contractId, { lines: [{ item: 'copper', quantity: '1', unit: 't' }] }), 'deliveryLineNotInContract', 422);
    await refused(supplier, '/v1/deliveries', t.deliveryBody(c.contractId, { lines: [{ item: 'steel coil', quantity: '1.2345', unit: 't' }] }), 'quantityMalformed', 422);
    await refused(other, '/v1/deliveries', t.deliveryBody(c.contractId), 'contractUnknown', 422);
    expect((await t.call(other, 'GET', `/v1/deliveries/${d.deliveryId}`)).status).toBe(404);
    expect((await t.mustCall(supplier, 'GET', `/v1/deliveries?contractId=${c.contractId}`)).items.map((x: { deliveryId: string }) => x.deliveryId)).toEqual([d.deliveryId]);
  });
});

describe('payments', () => {
  it('records a payment of an invoice; refuses the order and parties rules and a reused bank reference', async () => {
    const inv = await t.mustCall(supplier, 'POST', '/v1/invoices', t.invoiceBody(supplier.partyId, core.partyId));
    const body = t.paymentBody(core.partyId, supplier.partyId, { invoiceId: inv.invoiceId });
    const p = await t.mustCall(core, 'POST', '/v1/payments', body);
    expect(p).toMatchObject({ payer: core.partyId, payee: supplier.partyId, invoiceId: inv.invoiceId });
    await refused(supplier, '/v1/payments', body, 'paymentAlreadyRecorded', 409);
    await refused(core, '/v1/payments', t.paymentBody(core.partyId, supplier.partyId, { invoiceId: inv.invoiceId, paidOn: '2026-01-31' }), 'paymentBeforeInvoice', 422);
    await refused(supplier, '/v1/payments', t.paymentBody(supplier.partyId, core.partyId, { invoiceId: inv.invoiceId }), 'invoiceNotBetweenParties', 422);
    await refused(core, '/v1/payments', t.paymentBody(core.partyId, core.partyId), 'partiesMustDiffer', 422);
    await refused(core, '/v1/payments', t.paymentBody(core.partyId, supplier.partyId, { amount: '0.00' }), 'amountMustBePositive', 422);
    await refused(core, '/v1/payments', t.paymentBody(core.partyId, supplier.partyId, { invoiceId: '01950000-0000-7000-8000-00000000eeee' }), 'invoiceUnknown', 422);
    expect((await t.call(other, 'GET', `/v1/payments/${p.paymentId}`)).status).toBe(404);
    expect((await t.call(regulator, 'GET', `/v1/payments/${p.paymentId}`)).status).toBe(200);
  });
});
