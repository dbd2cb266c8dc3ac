/**
 * What the ledger's events do to the invoices service, applied as its consumer applies them (one
 * transaction per batch, inbox, savepoints) on real PostgreSQL: issue, finance, settle and return
 * move each invoice's usage (filled in the confirmation's order) and emit InvoiceUsageChanged; a
 * refused fact releases its invoices; a redelivered event changes nothing; an event that fails is
 * parked with its reason and the others of its batch still apply.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetters } from '../src/data-access/dead-letters.ts';
import { applyLedgerEvents } from '../src/application/ledger-events.ts';
import { TestInvoices, type TestParty } from './support.ts';

let t: TestInvoices;
let core: TestParty, supplier: TestParty;

beforeAll(async () => {
  t = await TestInvoices.start();
  [core, supplier] = [await t.party(['core']), await t.party(['supplier'])];
});
afterAll(() => t?.stop());

/** A payable of 1500.00 resting on two verified invoices: 1000.00 from the first, 500.00 from the second. */
async function payable() {
  const a = (await t.trade(core, supplier)).invoice;
  const b = (await t.trade(core, supplier)).invoice;
  await t.verify([a.invoiceId, b.invoiceId]);
  const payableId = `P-${randomUUID()}`;
  const r = await t.confirm(core, { payableId, payee: supplier.partyId, amount: '1500.00', dueDate: '2026-06-30', invoices: [{ invoiceId: a.invoiceId, amount: '1000.00' }, { invoiceId: b.invoiceId, amount: '500.00' }] });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { a, b, payableId };
}

const usage = async (invoiceId: string) => (await t.mustCall(core, 'GET', `/v1/invoices/${invoiceId}`)).usage;
const at = '2026-03-02T02:00:00.000Z';
const voucher = (rootId: string, amount: string, backing: { payableId: string; amount: string }[]) => ({
  voucherId: rootId, rootId, parentId: null, issuer: core.partyId, holder: supplier.partyId, sender: core.partyId, amount, issueDate: '2026-03-02', maturityDate: '2026-06-30', tier: 1, backing,
  creditLineFunder: null, status: 'pending_acceptance', statusBeforeFreeze: null, frozenBy: null, freezeOrder: null, acceptanceDeadline: null, financingRequest: null, financing: null, outstanding: amount, returnOf: null, paymentReferences: [], createdAt: at,
});
const returned = (rootId: string, restoredBacking: { payableId: string; amount: string }[]) => ({ voucherId: rootId, rootId, recipient: supplier.partyId, owner: core.partyId, amount: '0.00', returnVoucherId: null, restoredBacking, creditLineRestored: null, at });

describe('usage from the ledger', () => {
  it('counts an issue over the invoices in order, then a financed piece, then a settlement', async () => {
    const { a, b, payableId } = await payable();
    const rootId = randomUUID();
    const backing = [{ payableId, amount: '1200.00' }];
    await t.ledgerEvents({ type: 'VoucherIssued', key: rootId, data: { voucher: voucher(rootId, '1200.00', backing), consumedBacking: backing, creditLineUsed: null } });
    expect(await usage(a.invoiceId)).toMatchObject({ committed: '1000.00', used: '1000.00' });
    expect(await usage(b.invoiceId)).toMatchObject({ committed: '500.00', used: '200.00', remaining: '500.00' });
    const changed = (await t.outbox('InvoiceUsageChanged')).filter((e) => e.envelope.data.cause === 'voucherIssued' && e.envelope.data.payableId === payableId);
    expect(changed.map((e) => [e.envelope.data.invoiceId, e.envelope.data.used])).toEqual([[a.invoiceId, '1000.00'], [b.invoiceId, '200.00']].sort((x, y) => (x[0]! < y[0]! ? -1 : 1)));

    await t.ledgerEvents({ type: 'VoucherFinanced', key: rootId, data: { voucherId: randomUUID(), rootId, amount: '300.00', terms: { funder: 'bank', seller: supplier.partyId, productId: 'X', annualRate: '0.04', days: 100, interest: '3.33', fees: '0.00', net: '296.67', financedOn: '2026-03-02' }, at } });
    expect(await usage(a.invoiceId)).toMatchObject({ financed: '300.00' });
    expect(await usage(b.invoiceId)).toMatchObject({ financed: '0.00' });

    // A settlement published in parts counts once (every part repeats paidAmount).
    const settled = (index: number) => ({ rootId, issuer: core.partyId, paymentReference: 'PAY-1', paidAmount: '1200.00', payouts: [], holderTotals: [], creditLineRestored: null, at, part: { index, count: 2 } });
    await t.ledgerEvents({ type: 'VoucherSettled', key: rootId, data: settled(1) }, { type: 'VoucherSettled', key: rootId, data: settled(2) });
    expect(await usage(a.invoiceId)).toMatchObject({ settled: '1000.00' });
    expect(await usage(b.invoiceId)).toMatchObject({ settled: '200.00' });
    expect((await t.mustCall(core, 'GET', `/v1/payables/${payableId}`)).usage).toEqual({ issued: '1200.00', financed: '300.00', settled: '1200.00' });
  });

  it('gives the value back when the root is rejected, and the payable can back a new issue', async () => {
    const { a, b, payableId } = await payable();
    const rootId = randomUUID();
    const backing = [{ payableId, amount: '1500.00' }];
    await t.ledgerEvents({ type: 'VoucherIssued', key: rootId, data: { voucher: voucher(rootId, '1500.00', backing), consumedBacking: backing, creditLineUsed: null } });
    expect(await usage(b.invoiceId)).toMatchObject({ used: '500.00' });
    await t.ledgerEvents({ type: 'VoucherRejected', key: rootId, data: { ...returned(rootId, backing), reason: 'wrong amount' } });
    expect(await usage(a.invoiceId)).toMatchObject({ used: '0.00', committed: '1000.00' });
    expect(await usage(b.invoiceId)).toMatchObject({ used: '0.00' });
    // A revoked transfer of a child returns nothing to the payables (its restoredBacking is empty).
    await t.ledgerEvents({ type: 'TransferRevoked', key: rootId, data: { ...returned(rootId, []), voucherId: randomUUID() } });
    expect(await usage(a.invoiceId)).toMatchObject({ used: '0.00' });
  });

  it('releases the invoices of a payable the ledger refused, marks it refused and publishes PayableRefused', async () => {
    const { a, payableId } = await payable();
    await t.ledgerEvents({ type: 'CommandDecided', key: `invoices-service:${payableId}`, data: { submissionId: randomUUID(), actor: 'invoices-service', nonce: payableId, status: 'refused', problem: { type: 'urn:cascade:problem:counterparty-lacks-role', title: 't', status: 422, code: 'counterpartyLacksRole', detail: 'creditor lacks role' } } });
    const p = await t.mustCall(core, 'GET', `/v1/payables/${payableId}`);
    expect(p).toMatchObject({ status: 'refused', refusal: { code: 'counterpartyLacksRole', detail: 'creditor lacks role' } });
    expect(await usage(a.invoiceId)).toMatchObject({ committed: '0.00', remaining: '1000.00' });
    expect((await t.outbox('PayableRefused')).find((e) => e.envelope.data.payableId === payableId)?.envelope.data).toMatchObject({ code: 'counterpartyLacksRole', debtor: core.partyId });
    // The released invoice backs a new payable.
    expect((await t.confirm(core, { payableId: `P-${randomUUID()}`, payee: supplier.partyId, amount: '1000.00', dueDate: '2026-06-30', invoices: [{ invoiceId: a.invoiceId, amount: '1000.00' }] })).status).toBe(201);
  });

  it('marks a payable recorded when the ledger records it', async () => {
    const { payableId } = await payable();
    await t.ledgerEvents({ type: 'PayableRecorded', key: core.partyId, data: { payableId, debtor: core.partyId, creditor: supplier.partyId, amount: '1500.00', invoices: [], at } });
    expect((await t.mustCall(core, 'GET', `/v1/payables/${payableId}`)).status).toBe('recorded');
  });
});

describe('consumer robustness', () => {
  it('applies a redelivered event once (inbox)', async () => {
    const { a, payableId } = await payable();
    const rootId = randomUUID();
    const backing = [{ payableId, amount: '100.00' }];
    const [event] = await t.ledgerEvents({ type: 'VoucherIssued', key: rootId, data: { voucher: voucher(rootId, '100.00', backing), consumedBacking: backing, creditLineUsed: null } });
    await applyLedgerEvents(t.deps, [event!, event!]);
    expect(await usage(a.invoiceId)).toMatchObject({ used: '100.00' });
  });

  it('parks an event that fails when applied, and applies the rest of its batch', async () => {
    const { a, payableId } = await payable();
    const rootId = randomUUID();
    const backing = [{ payableId, amount: '50.00' }];
    // An amount a schema let through but money refuses (no two decimals): the apply throws.
    await t.ledgerEvents(
      { type: 'VoucherIssued', key: rootId, data: { voucher: voucher(randomUUID(), '1.00', [{ payableId, amount: '1' }]), consumedBacking: [{ payableId, amount: '1' }], creditLineUsed: null } },
      { type: 'VoucherIssued', key: rootId, data: { voucher: voucher(rootId, '50.00', backing), consumedBacking: backing, creditLineUsed: null } },
    );
    expect(await usage(a.invoiceId)).toMatchObject({ used: '50.00' });
    const parked = await deadLetters(t.pool);
    expect(parked.at(-1)).toMatchObject({ reason: 'handlerFailed', detail: expect.stringContaining('MoneyError') });
  });

  it('never takes an invoice beyond its total, even when the ledger says more was issued', async () => {
    const { a, b, payableId } = await payable();
    const rootId = randomUUID();
    const backing = [{ payableId, amount: '9000.00' }];
    await t.ledgerEvents({ type: 'VoucherIssued', key: rootId, data: { voucher: voucher(rootId, '9000.00', backing), consumedBacking: backing, creditLineUsed: null } });
    expect(await usage(a.invoiceId)).toMatchObject({ used: '1000.00' });
    expect(await usage(b.invoiceId)).toMatchObject({ used: '500.00' });
  });

  it('learns parties and keys from the ledger, once each', async () => {
    const p = await t.party(['supplier']);
    const { rows } = await t.pool.query('SELECT roles FROM parties WHERE party_id = $1', [p.partyId]);
    expect(rows).toEqual([{ roles: ['supplier'] }]);
    expect((await t.pool.query('SELECT 1 FROM party_keys WHERE party_id = $1', [p.partyId])).rowCount).toBe(1);
  });
});
