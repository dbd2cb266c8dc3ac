/**
 * External verification (查验) from the provider's result files on real PostgreSQL: statuses
 * applied (verified, mismatch, void, reversed), bad lines refused with their line number, a later
 * check winning whatever the order of files, the same file applied once, a status known before
 * the invoice is registered, and an invoice voided after payables rest on it raising
 * InvoiceVoidedAfterUse — and backing nothing new.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyTaxRecords, fileSha256 } from '../src/application/verification.ts';
import { FileTaxVerificationSource } from '../src/data-access/tax-verification-file.ts';
import { invoicesVerificationImportCommand } from '../src/entry-points/cli/index.ts';
import { verificationInbox } from '../src/entry-points/jobs/verification-inbox.ts';
import { eventually } from '@cascade/testing';
import { TestInvoices, type TestParty } from './support.ts';

let t: TestInvoices;
let core: TestParty, supplier: TestParty;
const dir = mkdtempSync(path.join(os.tmpdir(), 'cascade-verify-'));

beforeAll(async () => {
  t = await TestInvoices.start();
  [core, supplier] = [await t.party(['core']), await t.party(['supplier'])];
});
afterAll(() => t?.stop());

const header = JSON.stringify({ format: 'cascade-tax-verification', version: 1, provider: 'test', generatedAt: '2026-03-01T00:00:00Z' });
function line(invoice: { code: string | null; number: string; amountExclTax: string; tax: string; total: string; issuedOn: string }, over: Record<string, unknown> = {}) {
  return JSON.stringify({ invoiceCode: invoice.code, invoiceNumber: invoice.number, status: 'normal', sellerUscc: supplier.partyId, buyerUscc: core.partyId, amountExclTax: invoice.amountExclTax, tax: invoice.tax, total: invoice.total, issuedOn: invoice.issuedOn, checkedAt: '2026-03-01T00:00:00Z', ...over });
}
function file(lines: string[]): string {
  const f = path.join(dir, `results-${randomUUID()}.jsonl`);
  writeFileSync(f, [header, ...lines].join('\n') + '\n');
  return f;
}
const apply = async (f: string) => applyTaxRecords(t.deps, new FileTaxVerificationSource(f), { sha256: await fileSha256(f) });
const register = async () => t.mustCall(supplier, 'POST', '/v1/invoices', t.invoiceBody(supplier.partyId, core.partyId));
const statusOf = async (id: string) => (await t.mustCall(core, 'GET', `/v1/invoices/${id}`)) as { verification: string; verificationDetails: string[] };

describe('verification result files', () => {
  it('applies each status and refuses bad lines with their line number', async () => {
    const [ok, off, voided, reversed, missing] = [await register(), await register(), await register(), await register(), await register()];
    const f = file([line(ok), line(off, { total: '999.00' }), line(voided, { status: 'void' }), 'not json', line(reversed, { status: 'reversed' }), line(missing, { status: 'notFound' }), JSON.stringify({ invoiceNumber: '1', status: 'normal', checkedAt: '2026-03-01T00:00:00Z' })]);
    const s = await apply(f);
    expect(s).toMatchObject({ records: 5, stored: 5, changed: 5, refused: 2, refusals: [{ line: 5, reason: 'not JSON' }, { line: 8, reason: expect.stringContaining('20 digits') }] });
    expect((await statusOf(ok.invoiceId)).verification).toBe('verified');
    expect(await statusOf(off.invoiceId)).toMatchObject({ verification: 'mismatch', verificationDetails: ['total: registered 1000.00, the tax authority has 999.00'] });
    expect((await statusOf(voided.invoiceId)).verification).toBe('void');
    expect((await statusOf(reversed.invoiceId)).verification).toBe('reversed');
    expect((await statusOf(missing.invoiceId)).verification).toBe('mismatch');
    const changed = (await t.outbox('InvoiceVerificationChanged')).filter((e) => e.envelope.data.invoiceId === voided.invoiceId);
    expect(changed.map((e) => [e.envelope.data.previousStatus, e.envelope.data.status])).toEqual([['unverified', 'void']]);
  });

  it('applies the same file once, and only a later check changes a status', async () => {
    const inv = await register();
    const later = file([line(inv, { status: 'void', checkedAt: '2026-03-02T00:00:00Z' })]);
    const earlier = file([line(inv, { checkedAt: '2026-03-01T00:00:00Z' })]);
    expect((await apply(later)).changed).toBe(1);
    expect(await apply(later)).toMatchObject({ alreadyApplied: true, changed: 0 });
    expect(await apply(earlier)).toMatchObject({ stored: 0, changed: 0 });
    expect((await statusOf(inv.invoiceId)).verification).toBe('void');
  });

  it('knows the status of an invoice registered after its result arrived', async () => {
    const body = t.invoiceBody(supplier.partyId, core.partyId);
    await apply(file([line({ ...body, code: body.code }, { status: 'reversed' })]));
    const inv = await t.mustCall(supplier, 'POST', '/v1/invoices', body);
    expect(inv.verification).toBe('reversed');
  });

  it('raises InvoiceVoidedAfterUse for an invoice voided while a payable rests on it, which then backs no new payable', async () => {
    const { invoice } = await t.trade(core, supplier);
    await apply(file([line(invoice)]));
    const payableId = `P-${randomUUID()}`;
    expect((await t.confirm(core, { payableId, payee: supplier.partyId, amount: '400.00', dueDate: '2026-06-30', invoices: [{ invoiceId: invoice.invoiceId, amount: '400.00' }] })).status).toBe(201);
    const s = await apply(file([line(invoice, { status: 'void', checkedAt: '2026-03-02T00:00:00Z' })]));
    expect(s.voidedAfterUse).toBe(1);
    const [event] = (await t.outbox('InvoiceVoidedAfterUse')).filter((e) => e.envelope.data.invoiceId === invoice.invoiceId);
    expect(event!.envelope.data).toMatchObject({ status: 'void', committed: '400.00', payables: [payableId] });
    const again = await t.confirm(core, { payableId: `P-${randomUUID()}`, payee: supplier.partyId, amount: '100.00', dueDate: '2026-06-30', invoices: [{ invoiceId: invoice.invoiceId, amount: '100.00' }] });
    expect(again.body.code).toBe('invoiceVoided');
  });

  it('refuses a file that is not a result file', async () => {
    const f = path.join(dir, 'other.jsonl');
    writeFileSync(f, '{"format":"something-else"}\n');
    await expect(apply(f)).rejects.toThrow(/is not a cascade-tax-verification version 1 file/);
  });
});

describe('where results arrive', () => {
  it('applies files dropped in the verification folder, each once', async () => {
    const inbox = mkdtempSync(path.join(os.tmpdir(), 'cascade-inbox-'));
    const inv = await register();
    writeFileSync(path.join(inbox, 'a.jsonl'), [header, line(inv)].join('\n'));
    const job = verificationInbox(t.deps, inbox, 1_000);
    await job.start();
    try {
      await eventually(async () => ((await statusOf(inv.invoiceId)).verification === 'verified' ? true : undefined), 10_000, 'the folder read');
    } finally {
      await job.stop();
    }
    expect((await t.pool.query('SELECT name FROM verification_files WHERE name = $1', ['a.jsonl'])).rowCount).toBe(1);
  });

  it('applies a file with the CLI and says what changed', async () => {
    const inv = await register();
    const out: string[] = [];
    const code = await invoicesVerificationImportCommand.run([file([line(inv)]), '--database', t.db.url], { out: (l) => void out.push(l), err: () => undefined });
    expect(code).toBe(0);
    expect(out[0]).toMatch(/1 records, 1 newer than known, 1 invoices changed status/);
  });
});
