/**
 * Payment files against a real ledger (through Kafka) and real PostgreSQL: a financing's
 * disbursement and a settlement's payouts become pain.001.001.09 files that validate against the
 * ISO XSD and carry the registered accounts and the amounts to the cent; an entry whose creditor
 * has no account waits, listed as blocked, until it registers one; an event seen twice plans
 * once; the seller sees its own entry in the funder's file (not the file); a file recorded but
 * lost before it reached the directory is written again byte for byte;
 * a camt.054 (one full, one partial, one unknown reference, and the issuer's payment its settlement
 * cited) and a bank CSV are matched, and a
 * second import of the same file changes nothing.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCamt054Debits } from '@cascade/payments';
import { eventually } from '@cascade/testing';
import { schemaErrors } from '../../../libs/payments/test/xsd.ts';
import type { TestParty } from '../../ledger/test/support.ts';
import { tickPaymentFiles, type PaymentsDeps } from '../src/application/payments.ts';
import { applyLedgerEvents } from '../src/application/workflows.ts';
import { paymentRoutes } from '../src/entry-points/http/payments.ts';
import { startWorkflowsHarness, type WorkflowsHarness } from './support.ts';

let h: WorkflowsHarness;
let payments: PaymentsDeps;
let filesDir: string;
let core: TestParty, a: TestParty, b: TestParty, c: TestParty, bank: TestParty, regulator: TestParty;

const accounts = {
  core: { account: { number: '0200001234567890123' }, agent: { bankCode: '102100099996', name: '中国工商银行总行清算中心' }, accountName: '核心企业集团有限公司' },
  a: { account: { number: '6222 0200 0000 0001' }, agent: { bankCode: '105100000017' }, accountName: 'Supplier A Co., Ltd.' },
  b: { account: { number: '6222020000000002' }, agent: { bankCode: '103100000026' }, accountName: 'Supplier B & Sons' },
  bank: { account: { iban: 'DE89370400440532013000' }, agent: { bic: 'COBADEFFXXX', name: 'Funder Bank' }, accountName: 'Funder Bank AG' },
  c: { account: { number: '6222020000000003' }, agent: { bankCode: '104100000004' }, accountName: 'Supplier C' },
};

const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === 'CdtTrfTxInf' || name === 'Ustrd' });
interface Transfer {
  PmtId: { EndToEndId: string };
  Amt: { InstdAmt: { '#text': string; '@_Ccy': string } };
  CdtrAcct: { Id: { Othr?: { Id: string }; IBAN?: string } };
  Cdtr: { Nm: string };
}
const pmtInf = (xml: string) => parser.parse(xml).Document.CstmrCdtTrfInitn.PmtInf as { DbtrAcct: { Id: { Othr?: { Id: string }; IBAN?: string } }; CtrlSum: string; CdtTrfTxInf: Transfer[] };

const entry = async (id: string) => (await h.pool.query<{ state: string; file_id: string | null; end_to_end_id: string; amount: string; notified_amount: string | null }>('SELECT state, file_id, end_to_end_id, amount::text, notified_amount::text FROM payment_entries WHERE id = $1', [id])).rows[0];
const entryCount = async () => (await h.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM payment_entries')).rows[0]!.n;
const fileCount = async () => (await h.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM payment_files')).rows[0]!.n;

/** A camt.054.001.08 notification of debits booked on `account` on 2026-06-30, one transaction each. */
const camt054 = (messageId: string, account: string, debits: { endToEndId?: string; amount: string; creditorAccount: string; reference: string }[]): string =>
  buildCamt054Debits({ messageId, account, bookedOn: '2026-06-30', debits: debits.map(({ reference, ...d }) => ({ ...d, bankReference: reference })) });

const rootId = randomUUID();
const toB = randomUUID();
const toC = randomUUID();

beforeAll(async () => {
  filesDir = await mkdtemp(join(tmpdir(), 'cascade-payment-files-'));
  h = await startWorkflowsHarness({
    startAt: new Date('2026-03-02T02:00:00.000Z'),
    routes: (app, deps) => {
      payments = { pool: deps.pool, clock: deps.clock, logger: deps.logger, filesDir };
      paymentRoutes(app, payments);
    },
  });
  [core, a, b, c, bank, regulator] = [await h.ledger.register(['core']), await h.ledger.register(['supplier']), await h.ledger.register(['supplier']), await h.ledger.register(['supplier']), await h.ledger.register(['funder']), await h.ledger.register(['regulator'])];
  await eventually(async () => ((await h.pool.query('SELECT 1 FROM parties WHERE party_id = $1', [regulator.partyId])).rowCount ? true : undefined), 30_000, 'the parties known to the workflows service');
}, 120_000);

afterAll(async () => {
  await h?.stop();
  if (filesDir) await rm(filesDir, { recursive: true, force: true });
});

describe('bank accounts', () => {
  it('are registered by each enterprise for itself, checked, and read back by it and the regulator only', async () => {
    for (const [party, body] of [[core, accounts.core], [a, accounts.a], [b, accounts.b], [bank, accounts.bank]] as const) {
      const res = await h.app.inject({ method: 'PUT', url: '/v1/bank-accounts/me', headers: h.as(party), payload: body });
      expect(res.statusCode, res.body).toBe(200);
    }
    const mine = await h.app.inject({ method: 'GET', url: '/v1/bank-accounts/me', headers: h.as(a) });
    expect(mine.json()).toMatchObject({ partyId: a.partyId, account: { number: '6222020000000001' }, agent: { bankCode: '105100000017' } });
    expect((await h.app.inject({ method: 'GET', url: `/v1/bank-accounts/${a.partyId}`, headers: h.as(b) })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: `/v1/bank-accounts/${a.partyId}`, headers: h.as(regulator) })).json()).toMatchObject({ partyId: a.partyId, accountName: 'Supplier A Co., Ltd.' });
    // The regulator reads; it has no settlement account of its own to register.
    expect((await h.app.inject({ method: 'PUT', url: '/v1/bank-accounts/me', headers: h.as(regulator), payload: accounts.c })).statusCode).toBe(403);
    const bad = await h.app.inject({ method: 'PUT', url: '/v1/bank-accounts/me', headers: h.as(c), payload: { ...accounts.bank, account: { iban: 'DE89370400440532013001' } } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ type: 'urn:cascade:problem:bank-account-invalid', reason: 'ibanMustBeWellFormed' });
    expect((await h.app.inject({ method: 'GET', url: '/v1/bank-accounts/me', headers: h.as(c) })).statusCode).toBe(404); // nothing stored
  });
});

describe('payment files', () => {
  let disbursementFile: string;
  let settlementFile: string;

  it('disburse a financing: the funder pays the seller its net proceeds, in one file that validates against pain.001.001.09', async () => {
    const payableId = await h.ledger.confirmPayable(core, a, '1000.00');
    await h.ledger.mustRun('voucher.issue', core, { voucherId: rootId, holder: a.partyId, amount: '1000.00', maturityDate: '2026-06-30', backing: [{ payableId, amount: '1000.00' }] });
    await h.ledger.mustRun('voucher.accept', a, { voucherId: rootId });
    await h.ledger.mustRun('voucher.transfer', a, { voucherId: rootId, pieces: [{ childId: toB, recipient: b.partyId, amount: '300.00' }, { childId: toC, recipient: c.partyId, amount: '100.00' }], remainder: { childId: randomUUID(), amount: '600.00' } });
    await h.ledger.mustRun('voucher.accept', b, { voucherId: toB });
    await h.ledger.mustRun('voucher.accept', c, { voucherId: toC });
    await h.ledger.mustRun('financing.request', b, { voucherId: toB, funder: bank.partyId, productId: 'PRODUCT-1', maxAnnualRate: '0.2', maxFees: '1000.00' });
    await h.ledger.mustRun('financing.approve', bank, { voucherId: toB, annualRate: '0.0365', fees: '1.00' });
    await eventually(async () => (await entry(`disburse:${toB}`)) ?? undefined, 30_000, 'the disbursement planned');

    const [id, ...more] = await tickPaymentFiles(payments);
    expect(more).toEqual([]);
    disbursementFile = id!;
    const list = (await h.app.inject({ method: 'GET', url: '/v1/payment-files', headers: h.as(bank) })).json() as { files: { id: string; fileName: string; sha256: string; controlSum: string; entries: { entryId: string; amount: string }[] }[] };
    const file = list.files.find((f) => f.id === id)!;
    expect(file.entries.map((e) => [e.entryId, e.amount])).toEqual([[`disburse:${toB}`, '295.35']]); // 300.00 − 3.65 interest (120 days ACT/360 at 3.65%) − 1.00 fees
    const xml = await readFile(join(filesDir, file.fileName), 'utf8');
    expect(await schemaErrors(xml, 'pain.001.001.09')).toEqual([]);
    expect(createHash('sha256').update(xml).digest('hex')).toBe(file.sha256);
    const doc = pmtInf(xml);
    expect(doc.DbtrAcct.Id.IBAN).toBe('DE89370400440532013000');
    expect(doc.CtrlSum).toBe('295.35');
    expect(doc.CdtTrfTxInf.map((t) => [t.CdtrAcct.Id.Othr?.Id, t.Cdtr.Nm, t.Amt.InstdAmt['#text'], t.Amt.InstdAmt['@_Ccy'], t.PmtId.EndToEndId])).toEqual([['6222020000000002', 'Supplier B & Sons', '295.35', 'CNY', (await entry(`disburse:${toB}`))!.end_to_end_id]]);
    // The XML served is the file's, to the byte; another party does not see it.
    const served = await h.app.inject({ method: 'GET', url: `/v1/payment-files/${id}`, headers: h.as(bank) });
    expect(served.headers['content-type']).toMatch(/^application\/xml/);
    expect(served.body).toBe(xml);
    expect((await h.app.inject({ method: 'GET', url: `/v1/payment-files/${id}`, headers: h.as(b) })).statusCode).toBe(404);
    // The seller sees no file of the funder's, but its own entry in it: what it is paid, and its state.
    const seller = (await h.app.inject({ method: 'GET', url: '/v1/payment-files', headers: h.as(b) })).json() as { files: unknown[]; incoming: { entryId: string; kind: string; debtor: string; amount: string; reference: string; state: string }[] };
    expect(seller.files).toEqual([]);
    expect(seller.incoming.map((e) => [e.entryId, e.kind, e.debtor, e.amount, e.reference, e.state])).toEqual([[`disburse:${toB}`, 'disbursement', bank.partyId, '295.35', 'PRODUCT-1', 'filed']]);
    expect(((await h.app.inject({ method: 'GET', url: '/v1/payment-files', headers: h.as(bank) })).json() as { incoming: unknown[] }).incoming).toEqual([]);
  });

  it('settle a tree: the issuer pays each holder its amount in one file; a holder with no account waits, listed as blocked', async () => {
    h.ledger.clock.advanceDays(120);
    await h.ledger.mustRun('voucher.settle', core, { rootId, paymentReference: 'PAY-1', paidAmount: '1000.00' });
    const payout = (p: TestParty) => `payout:${rootId}:PAY-1:${p.partyId}`;
    await eventually(async () => ((await entry(payout(c))) ? true : undefined), 30_000, 'the payouts planned');
    const [id, ...more] = await tickPaymentFiles(payments);
    expect(more).toEqual([]);
    settlementFile = id!;
    const list = (await h.app.inject({ method: 'GET', url: '/v1/payment-files', headers: h.as(core) })).json() as { files: { id: string; fileName: string; debtor: string; controlSum: string }[]; blocked: { entry: { entryId: string; amount: string }; blocked: string; missing: string[] }[] };
    expect(list.files.map((f) => [f.id, f.debtor, f.controlSum])).toEqual([[id, core.partyId, '900.00']]); // the bank's disbursement file is not the issuer's
    expect(list.blocked).toEqual([{ entry: expect.objectContaining({ entryId: payout(c), amount: '100.00', state: 'planned' }), blocked: 'no bank account', missing: ['creditor'] }]);
    const xml = await readFile(join(filesDir, list.files[0]!.fileName), 'utf8');
    expect(await schemaErrors(xml, 'pain.001.001.09')).toEqual([]);
    const doc = pmtInf(xml);
    expect(doc.DbtrAcct.Id.Othr?.Id).toBe('0200001234567890123');
    const byAccount = Object.fromEntries(doc.CdtTrfTxInf.map((t) => [t.CdtrAcct.Id.Othr?.Id ?? t.CdtrAcct.Id.IBAN, t.Amt.InstdAmt['#text']]));
    expect(byAccount).toEqual({ '6222020000000001': '600.00', DE89370400440532013000: '300.00' }); // the funder holds b's financed piece
    // c sees the payout it waits for; the regulator sees every file.
    expect(((await h.app.inject({ method: 'GET', url: '/v1/payment-files', headers: h.as(c) })).json() as { blocked: unknown[] }).blocked).toHaveLength(1);
    const all = (await h.app.inject({ method: 'GET', url: '/v1/payment-files', headers: h.as(regulator) })).json() as { files: { debtor: string }[]; blocked: unknown[] };
    expect(all.files.map((f) => f.debtor).sort()).toEqual([bank.partyId, core.partyId].sort());
    expect(all.blocked).toHaveLength(1);
  });

  it('plan an event seen twice once, and write a file lost before it reached the directory again, byte for byte', async () => {
    const { rows: [outbox] } = await h.ledger.pool.query<{ envelope: { id: string; occurredAt: string; data: Record<string, unknown> } }>(
      `SELECT envelope::jsonb AS envelope FROM outbox WHERE envelope::jsonb->>'type' = 'VoucherSettled' AND envelope::jsonb->'data'->>'rootId' = $1`,
      [rootId],
    );
    const settled = outbox!.envelope;
    const entriesBefore = await entryCount();
    // The same event again, and the same facts under another envelope id: nothing new.
    for (const eventId of [settled.id, randomUUID()]) await applyLedgerEvents(h.deps, [{ id: eventId, type: 'VoucherSettled', occurredAt: settled.occurredAt, data: settled.data }]);
    expect(await entryCount()).toBe(entriesBefore);
    expect(await tickPaymentFiles(payments)).toEqual([]);

    const { rows } = await h.pool.query<{ file_name: string; sha256: string }>('SELECT file_name, sha256 FROM payment_files WHERE id = $1', [settlementFile]);
    const path = join(filesDir, rows[0]!.file_name);
    const original = await readFile(path, 'utf8');
    // The process stopped after the file was recorded and before it was in the directory, with
    // half of it written under its temporary name.
    await rm(path);
    await writeFile(join(filesDir, `.${rows[0]!.file_name}.99999.tmp`), original.slice(0, 100));
    await h.pool.query('UPDATE payment_files SET written_at = NULL WHERE id = $1', [settlementFile]);
    expect(await tickPaymentFiles(payments)).toEqual([]);
    expect(await readFile(path, 'utf8')).toBe(original);
    expect(createHash('sha256').update(original).digest('hex')).toBe(rows[0]!.sha256);
    expect((await readdir(filesDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await fileCount()).toBe(2);
  });

  it('pay a blocked entry once its creditor registers an account, in a file of its own', async () => {
    expect((await h.app.inject({ method: 'PUT', url: '/v1/bank-accounts/me', headers: h.as(c), payload: accounts.c })).statusCode).toBe(200);
    const [id] = await tickPaymentFiles(payments);
    expect(id).toBeDefined();
    expect(id).not.toBe(settlementFile);
    expect((await entry(`payout:${rootId}:PAY-1:${c.partyId}`))).toMatchObject({ state: 'filed', file_id: id });
  });

  describe('bank notifications', () => {
    const payout = (p: TestParty) => `payout:${rootId}:PAY-1:${p.partyId}`;
    let notice: string;

    it('mark the payout paid in full paid, the one paid short partial, and report the reference nobody sent', async () => {
      notice = camt054('ICBC-NTF-0630-1', '0200001234567890123', [
        { endToEndId: (await entry(payout(a)))!.end_to_end_id, amount: '600.00', creditorAccount: '6222020000000001', reference: 'ICBC-TX-1' },
        { endToEndId: (await entry(payout(bank)))!.end_to_end_id, amount: '299.99', creditorAccount: 'DE89370400440532013000', reference: 'ICBC-TX-2' },
        { endToEndId: 'S-00000000000000000000000000000000', amount: '5.00', creditorAccount: '6222020000000009', reference: 'ICBC-TX-3' },
        // The issuer's own payment its settlement cited (voucher.settle's paymentReference is its bank reference).
        { amount: '1000.00', creditorAccount: '6222020000000999', reference: 'PAY-1' },
      ]);
      expect(await schemaErrors(notice, 'camt.054.001.08')).toEqual([]);
      const res = await h.app.inject({ method: 'POST', url: '/v1/payment-notifications', headers: { ...h.as(core), 'content-type': 'application/xml' }, payload: notice });
      expect(res.statusCode, res.body).toBe(200);
      const report = res.json() as { replayed: boolean; settlements: unknown[]; matched: { entryId: string; amount: string }[]; partial: { entryId: string; expected: string; notified: string; difference: string }[]; unmatched: { reason: string; amount: string }[] };
      expect(report.replayed).toBe(false);
      expect(report.matched.map((m) => [m.entryId, m.amount])).toEqual([[payout(a), '600.00']]);
      expect(report.partial.map((p) => [p.entryId, p.expected, p.notified, p.difference])).toEqual([[payout(bank), '300.00', '299.99', '-0.01']]);
      expect(report.unmatched.map((u) => [u.reason, u.amount])).toEqual([['endToEndIdUnknown', '5.00']]);
      expect(report.settlements).toEqual([{ rootId, paymentReference: 'PAY-1', state: 'confirmed', paidAmount: '1000.00', notified: '1000.00', difference: '0.00', source: expect.any(String) }]);
      expect(await entry(payout(a))).toMatchObject({ state: 'paid', notified_amount: '600.00' });
      expect(await entry(payout(bank))).toMatchObject({ state: 'partial', notified_amount: '299.99' });
      expect((await entry(payout(c)))?.state).toBe('filed'); // not in the notice: still expected
      expect((await h.pool.query('SELECT state, notified_amount::text FROM cited_settlements WHERE root_id = $1', [rootId])).rows).toEqual([{ state: 'confirmed', notified_amount: '1000.00' }]);
    });

    it('answer the same file imported again with the same report, changing nothing', async () => {
      const before = (await h.pool.query('SELECT id, state, notified_amount, settled_at FROM payment_entries ORDER BY id')).rows;
      const again = await h.app.inject({ method: 'POST', url: '/v1/payment-notifications', headers: { ...h.as(core), 'content-type': 'application/xml; charset=utf-8' }, payload: notice });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ replayed: true, matched: [{ entryId: payout(a) }], partial: [{ entryId: payout(bank) }] });
      expect((await h.pool.query('SELECT id, state, notified_amount, settled_at FROM payment_entries ORDER BY id')).rows).toEqual(before);
    });

    it('refuse a file that is not a camt.054 with a stable problem type, recording nothing', async () => {
      const count = async () => (await h.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM payment_notifications')).rows[0]!.n;
      const before = await count();
      const res = await h.app.inject({ method: 'POST', url: '/v1/payment-notifications', headers: { ...h.as(core), 'content-type': 'application/xml' }, payload: '<Document><unclosed></Document>' });
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ type: 'urn:cascade:problem:payment-notification-unreadable', reason: 'xmlMustBeWellFormed' });
      const csv = await h.app.inject({ method: 'POST', url: '/v1/payment-notifications', headers: { ...h.as(core), 'content-type': 'text/csv' }, payload: 'booking_date,account\n2026-06-30,1\n' });
      expect(csv.statusCode).toBe(422);
      expect(csv.json()).toMatchObject({ type: 'urn:cascade:problem:payment-notification-unreadable', reason: 'csvHeaderMustMatchTemplate' });
      expect(await count()).toBe(before);
    });

    it('match the seller\'s bank CSV crediting the disbursement; an entry of others stays unknown to a party that is not in it', async () => {
      const e2e = (await entry(`disburse:${toB}`))!.end_to_end_id;
      const header = 'booking_date,account,credit_debit,amount,currency,end_to_end_id,bank_reference,counterparty_account,counterparty_name,remittance,reversal';
      const csv = `${header}\n2026-03-03,6222020000000002,CRDT,295.35,CNY,${e2e},CCB-0001,DE89370400440532013000,Funder Bank AG,,false\n`;
      const byA = await h.app.inject({ method: 'POST', url: '/v1/payment-notifications', headers: { ...h.as(a), 'content-type': 'text/csv' }, payload: csv });
      expect(byA.json()).toMatchObject({ matched: [], unmatched: [{ reason: 'endToEndIdUnknown' }] });
      expect((await entry(`disburse:${toB}`))?.state).toBe('filed');
      const byB = await h.app.inject({ method: 'POST', url: '/v1/payment-notifications', headers: { ...h.as(b), 'content-type': 'text/csv' }, payload: csv });
      expect(byB.json()).toMatchObject({ format: 'csv', matched: [{ entryId: `disburse:${toB}`, amount: '295.35' }], partial: [], unmatched: [] });
      expect((await entry(`disburse:${toB}`))?.state).toBe('paid');
      expect(disbursementFile).toBeDefined();
    });
  });
});

describe('a debtor whose stored account a file cannot carry', () => {
  it('is left out of the round with its entries waiting, while the other debtors\' files are made', async () => {
    // An account stored before a rule tightened (registration checks it by the same rules today).
    await h.pool.query(`INSERT INTO bank_accounts (party_id, account, agent, account_name, registered_at, updated_at) VALUES ('legacy-debtor', '{"number": "not/an/account"}', '{"bankCode": "102100099996"}', 'Legacy Co.', now(), now())`);
    const plan = (id: string, debtor: string) =>
      h.pool.query(`INSERT INTO payment_entries (id, kind, debtor, creditor, amount, end_to_end_id, root_id, reference, event_id, planned_at) VALUES ($1, 'payout', $2, $3, 1.00, $4, $5, 'PAY-X', $5, now())`, [id, debtor, a.partyId, `S-${id}`, randomUUID()]);
    await plan('legacy-1', 'legacy-debtor');
    await plan('fine-1', b.partyId);
    const made = await tickPaymentFiles(payments);
    expect(made).toHaveLength(1);
    expect(await entry('fine-1')).toMatchObject({ state: 'filed', file_id: made[0] });
    expect(await entry('legacy-1')).toMatchObject({ state: 'planned', file_id: null });
    expect(await tickPaymentFiles(payments)).toEqual([]); // still waiting, and nothing else is held up
  });
});
