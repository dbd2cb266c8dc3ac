/**
 * End to end through Kafka, against a real ledger run in this process (its writer and intake,
 * services/ledger/test/support.ts) and the invoices service's real routes, outbox relay and ledger
 * consumer: parties registered on the ledger reach the invoices service's view; trade recorded and
 * verified here; a payable confirmed through the HTTP API is signed, relayed to invoices.events,
 * recorded by the ledger and becomes issuable; issuing and cancelling move the invoice's usage.
 * A forged PayableConfirmed — unsigned, or signed by another key — is dead-lettered by the ledger
 * and never recorded.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '@cascade/crypto';
import { OutboxRelay } from '@cascade/db';
import { BatchConsumer, createKafka, EventCatalog, EventProducer, ledgerPublishedSpecs } from '@cascade/events';
import { eventually, infra } from '@cascade/testing';
import { TestLedger, type TestParty } from '../../ledger/test/support.ts';
import { ledgerConsumer } from '../src/app.ts';
import { applyTaxRecords } from '../src/application/verification.ts';
import { FileTaxVerificationSource } from '../src/data-access/tax-verification-file.ts';
import { logger, TestInvoices } from './support.ts';

let ledger: TestLedger;
let invoices: TestInvoices;
let core: TestParty, supplier: TestParty;
const stops: (() => Promise<void>)[] = [];
const deadLettered: { reason: string; detail: string }[] = [];

beforeAll(async () => {
  ledger = await TestLedger.start();
  invoices = await TestInvoices.start({ dev: ledger.dev, eventsTopic: ledger.topics.invoicesEvents.name, startAt: ledger.clock.now });
  const kafka = createKafka({ brokers: infra().kafkaBrokers, clientId: 'invoices-e2e' });
  const producer = new EventProducer(kafka, null);
  await producer.connect();
  const relay = new OutboxRelay({ pool: invoices.pool, publisher: producer, logger, pollIntervalMs: 20, lockName: 'invoices' });
  relay.start();
  const consumer = ledgerConsumer({ kafka, deps: invoices.deps, groupId: `invoices-${ledger.topics.ledgerEvents.name}`, topics: { events: ledger.topics.ledgerEvents.name, results: ledger.topics.ledgerResults.name }, sessionTimeoutMs: 6_000 });
  const deadLetters = new BatchConsumer({
    kafka,
    groupId: `dlq-${ledger.topics.ledgerDeadLetter.name}`,
    topics: [ledger.topics.ledgerDeadLetter.name],
    catalog: new EventCatalog(ledgerPublishedSpecs.filter((s) => s.type === 'MessageDeadLettered')),
    logger,
    sessionTimeoutMs: 6_000,
    handleBatch: async (events) => void deadLettered.push(...events.map((e) => e.envelope.data as { reason: string; detail: string })),
  });
  await Promise.all([consumer.start(), deadLetters.start()]);
  stops.push(() => deadLetters.stop(), () => consumer.stop(), () => relay.stop(), () => producer.disconnect());
  [core, supplier] = [await ledger.register(['core']), await ledger.register(['supplier'], 'sm2')];
  await eventually(async () => ((await invoices.pool.query('SELECT 1 FROM parties WHERE party_id = ANY($1::text[])', [[core.partyId, supplier.partyId]])).rowCount === 2 ? true : undefined), 30_000, 'parties in the invoices view');
});

afterAll(async () => {
  for (const stop of stops) await stop().catch(() => undefined);
  await invoices?.stop();
  await ledger?.stop();
});

const ledgerPayable = async (payableId: string) => (await ledger.pool.query<{ payable_id: string }>('SELECT payable_id FROM payables WHERE payable_id = $1', [payableId])).rows[0];

describe('a payable confirmed here, through Kafka, on the ledger', () => {
  const payableId = `P-${randomUUID()}`;
  const rootId = randomUUID();
  let invoiceId = '';

  it('is confirmed through the HTTP API with a command the core enterprise signed', async () => {
    const { invoice } = await invoices.trade(core, supplier);
    invoiceId = invoice.invoiceId;
    // The tax provider's result file says the invoice is as registered.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cascade-tax-'));
    const file = path.join(dir, 'results.jsonl');
    writeFileSync(file, [
      JSON.stringify({ format: 'cascade-tax-verification', version: 1, provider: 'test' }),
      JSON.stringify({ invoiceCode: invoice.code, invoiceNumber: invoice.number, status: 'normal', sellerUscc: supplier.partyId, buyerUscc: core.partyId, amountExclTax: invoice.amountExclTax, tax: invoice.tax, total: invoice.total, issuedOn: invoice.issuedOn, checkedAt: '2026-03-01T00:00:00Z' }),
    ].join('\n'));
    expect((await applyTaxRecords(invoices.deps, new FileTaxVerificationSource(file))).changed).toBe(1);
    const r = await invoices.confirm(core, { payableId, payee: supplier.partyId, amount: '1000.00', dueDate: '2026-06-30', invoices: [{ invoiceId, amount: '1000.00' }] });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.fourFlow.score).toBe(100);
  });

  it('is recorded by the ledger from invoices.events, and the invoices service learns it was', async () => {
    await eventually(() => ledgerPayable(payableId), 30_000, 'the ledger to record the payable');
    await eventually(async () => ((await invoices.mustCall(core, 'GET', `/v1/payables/${payableId}`)).status === 'recorded' ? true : undefined), 30_000, 'status recorded');
  });

  it('backs a voucher on the ledger, and the issue uses the invoice', async () => {
    const issued = await ledger.mustRun('voucher.issue', core, { voucherId: rootId, holder: supplier.partyId, amount: '600.00', maturityDate: '2026-06-30', backing: [{ payableId, amount: '600.00' }] });
    expect(issued.status).toBe('accepted');
    const usage = await eventually(async () => {
      const u = (await invoices.mustCall(supplier, 'GET', `/v1/invoices/${invoiceId}`)).usage;
      return u.used === '600.00' ? u : undefined;
    }, 30_000, 'usage after the issue');
    expect(usage).toEqual({ committed: '1000.00', used: '600.00', financed: '0.00', settled: '0.00', remaining: '0.00' });
  });

  it('gives the invoice back when the issuer cancels the offer', async () => {
    await ledger.mustRun('voucher.cancel', core, { voucherId: rootId });
    await eventually(async () => ((await invoices.mustCall(supplier, 'GET', `/v1/invoices/${invoiceId}`)).usage.used === '0.00' ? true : undefined), 30_000, 'usage after the cancel');
    expect((await invoices.outbox('InvoiceUsageChanged')).filter((e) => e.envelope.data.invoiceId === invoiceId).map((e) => e.envelope.data.cause)).toEqual(['payableConfirmed', 'voucherIssued', 'voucherReturned']);
  });
});

describe('forged payable facts', () => {
  it('are dead-lettered by the ledger (factSignatureInvalid) and never recorded, unsigned or signed by another key', async () => {
    const unsigned = `P-forged-${randomUUID()}`;
    const wrongKey = `P-forged-${randomUUID()}`;
    await ledger.publishFact({ payableId: unsigned, debtor: core.partyId, creditor: supplier.partyId, amount: '5000.00', invoices: ['INV-X'] }, null);
    await ledger.publishFact({ payableId: wrongKey, debtor: core.partyId, creditor: supplier.partyId, amount: '5000.00', invoices: ['INV-Y'] }, generateKeyPair('ed25519').privateKey);
    await eventually(() => (deadLettered.filter((d) => d.reason === 'factSignatureInvalid' && (d.detail.includes(unsigned) || d.detail.includes(wrongKey))).length === 2 ? true : undefined), 30_000, 'two dead letters');
    // A genuine fact sent after them is recorded, so the intake has read past the forgeries.
    const genuine = await ledger.confirmPayable(core, supplier, '1.00');
    expect(await ledgerPayable(genuine)).toBeDefined();
    expect(await ledgerPayable(unsigned)).toBeUndefined();
    expect(await ledgerPayable(wrongKey)).toBeUndefined();
    const refused = await ledger.run('voucher.issue', core, { voucherId: randomUUID(), holder: supplier.partyId, amount: '100.00', maturityDate: '2026-06-30', backing: [{ payableId: unsigned, amount: '100.00' }] });
    expect(refused.problem?.code).toBe('unknownPayable');
  });
});
