/**
 * The same invoice registered by 20 clients at once — the seller and the buyer alternating, on 20
 * connections — ends with exactly one registration: one 201, nineteen 409 invoiceAlreadyRegistered,
 * one row and one InvoiceRegistered event. The unique constraint on the invoice key decides, not
 * a check before the insert (there is none).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestInvoices, type TestParty } from './support.ts';

let t: TestInvoices;
let core: TestParty, supplier: TestParty;

beforeAll(async () => {
  t = await TestInvoices.start();
  [core, supplier] = [await t.party(['core']), await t.party(['supplier'])];
});
afterAll(() => t?.stop());

describe('concurrent registration of one invoice', () => {
  it.each([
    ['classic', {}],
    ['fully digital', { code: '', number: `2531200000${String(Date.now()).slice(-10)}` }],
  ])('lets exactly one of 20 concurrent registrations of a %s invoice win', async (_form, over) => {
    const body = t.invoiceBody(supplier.partyId, core.partyId, over);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => t.call(i % 2 === 0 ? supplier : core, 'POST', '/v1/invoices', body)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, ...Array(19).fill(409)]);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'invoiceAlreadyRegistered')).toBe(true);
    const key = answers.find((a) => a.status === 201)!.body.invoiceKey;
    expect((await t.pool.query('SELECT 1 FROM invoices WHERE invoice_key = $1', [key])).rowCount).toBe(1);
    expect((await t.outbox('InvoiceRegistered')).filter((e) => e.envelope.data.invoiceKey === key)).toHaveLength(1);
  });
});
