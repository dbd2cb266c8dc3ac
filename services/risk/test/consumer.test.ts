/**
 * The risk consumer on real Kafka and PostgreSQL, fed ledger-shaped and invoices events
 * directly: redelivery applies once, unreadable and refused events are parked with their reason
 * while the rest goes on, split events wait for all their parts, signed four-flow scores are
 * believed and forged ones parked, and a transfer cycle found in the database sends a request
 * to review.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPublicKey, generateKeyPair } from '@cascade/crypto';
import { makeEnvelope, signFact } from '@cascade/events';
import { at, financingRequested, newParty, partyRegistered, voucherAccepted, voucherIssued, voucherTransferred } from './fixtures.ts';
import { TestRisk } from './support.ts';

const invoicesKey = generateKeyPair('ed25519').privateKey;
const chain = 'risk-consumer-test';
let risk: TestRisk;
const core = newParty();
const supplierA = newParty();
const supplierB = newParty();
const bank = newParty();

beforeAll(async () => {
  risk = await TestRisk.start({
    factKey: { chain, key: { keyId: invoicesKey.keyId, alg: 'ed25519', publicKey: Buffer.from(exportPublicKey(invoicesKey, 'hex'), 'hex') } },
    now: () => new Date(at('2026-03-02')),
  });
  await risk.publishLedgerEvents([partyRegistered(core, ['core']), partyRegistered(supplierA, ['supplier']), partyRegistered(supplierB, ['supplier']), partyRegistered(bank, ['funder'])]);
  await risk.until(async () => ((await risk.rows('SELECT 1 FROM parties')).length === 4 ? true : undefined), 'parties');
});
afterAll(() => risk?.stop());

const parked = (reason: string) => risk.until(async () => (await risk.rows<{ reason: string; detail: string }>('SELECT reason, detail FROM parked_events WHERE reason = $1', [reason]))[0], `a ${reason} parked`);

describe('risk consumer', () => {
  it('a redelivered financing request is assessed once', async () => {
    const issued = voucherIssued(core, supplierA, '500.00', '2026-06-30', at('2026-02-01'));
    await risk.publishLedgerEvents([issued.event, voucherAccepted(issued.rootId, issued.rootId, supplierA, core, '500.00', at('2026-02-02'))]);
    const request = makeEnvelope('ledger', financingRequested({ voucherId: issued.rootId, rootId: issued.rootId, holder: supplierA, funder: bank, productId: 'P-NONE', amount: '500.00', when: at('2026-03-02') }));
    const send = () => risk.producer.send([{ topic: risk.topics.ledgerEvents.name, envelope: request }]);
    await send();
    await send();
    await risk.eventually('FinancingAssessed', (d: Record<string, unknown>) => d.voucherId === issued.rootId);
    // A later event on the same partition is applied only after both copies were handled.
    const marker = voucherIssued(core, supplierA, '1.00', '2026-06-30', at('2026-02-03'));
    marker.event.key = issued.rootId;
    await risk.publishLedgerEvents([marker.event]);
    await risk.until(async () => ((await risk.rows('SELECT 1 FROM trees WHERE root_id = $1', [marker.rootId])).length ? true : undefined), 'marker');
    expect(await risk.rows('SELECT assessment_id FROM assessments WHERE voucher_id = $1', [issued.rootId])).toHaveLength(1);
  });

  it('a message that is not JSON, and an event the store cannot take, are parked with their reason; the next event is applied', async () => {
    const key = 'poison';
    await risk.publishRaw(risk.topics.ledgerEvents.name, key, 'this is not json');
    const bad = voucherIssued(core, supplierA, '10.00', '2026-02-30', at('2026-02-01')); // passes the schema's pattern, not the calendar
    bad.event.key = key;
    const good = voucherIssued(core, supplierA, '20.00', '2026-06-30', at('2026-02-01'));
    good.event.key = key;
    await risk.publishLedgerEvents([bad.event, good.event]);
    expect((await parked('notJson')).detail).toMatch(/not JSON/);
    expect((await parked('applyFailed')).detail).toMatch(/date/i);
    await risk.until(async () => ((await risk.rows('SELECT 1 FROM trees WHERE root_id = $1', [good.rootId])).length ? true : undefined), 'the good event after the bad ones');
    expect(await risk.rows('SELECT 1 FROM trees WHERE root_id = $1', [bad.rootId])).toHaveLength(0);
  });

  it('an event published in parts is applied once every part has arrived, with the lists put together', async () => {
    const issued = voucherIssued(core, supplierA, '300.00', '2026-06-30', at('2026-02-01'));
    const t = voucherTransferred({ parentId: issued.rootId, rootId: issued.rootId, issuer: core, holder: supplierA, recipient: supplierB, amount: '300.00', maturityDate: '2026-06-30', tier: 1, when: at('2026-02-02') });
    await risk.publishLedgerEvents([issued.event, t.event]);
    await risk.until(async () => ((await risk.rows('SELECT 1 FROM vouchers WHERE voucher_id = $1', [t.childId])).length ? true : undefined), 'child');
    const base = { voucherId: issued.rootId, rootId: issued.rootId, reason: 'court order', at: at('2026-02-10') };
    const part1 = { type: 'VoucherFrozen', key: issued.rootId, data: { ...base, affected: [{ voucherId: issued.rootId, previousStatus: 'consumed' }], part: { index: 1, count: 2 } } };
    const part2 = { type: 'VoucherFrozen', key: issued.rootId, data: { ...base, affected: [{ voucherId: t.childId, previousStatus: 'pending_acceptance' }], part: { index: 2, count: 2 } } };
    await risk.publishLedgerEvents([part1]);
    const marker = voucherIssued(core, supplierA, '1.00', '2026-06-30', at('2026-02-03'));
    marker.event.key = issued.rootId;
    await risk.publishLedgerEvents([marker.event]);
    await risk.until(async () => ((await risk.rows('SELECT 1 FROM trees WHERE root_id = $1', [marker.rootId])).length ? true : undefined), 'marker');
    expect((await risk.rows<{ status: string }>('SELECT status FROM vouchers WHERE voucher_id = $1', [t.childId]))[0]!.status).toBe('pending_acceptance');
    await risk.publishLedgerEvents([part2]);
    await risk.until(async () => ((await risk.rows(`SELECT 1 FROM vouchers WHERE root_id = $1 AND status = 'frozen'`, [issued.rootId])).length === 2 ? true : undefined), 'both parts applied');
    expect(await risk.rows('SELECT 1 FROM event_parts')).toHaveLength(0);
  });

  it("a four-flow score signed by the invoices service's key is kept; a forged one is parked", async () => {
    const fact = { payableId: 'P-SIGNED', debtor: core, creditor: supplierA, amount: '100.00', invoices: ['INV-1'], fourFlowScore: 85 };
    const forged = { ...fact, payableId: 'P-FORGED', fourFlowScore: 100 };
    const wrongKey = generateKeyPair('ed25519').privateKey;
    await risk.publishInvoicesEvents([
      { type: 'PayableConfirmed', key: core, data: signFact(chain, 'PayableConfirmed', forged, wrongKey) },
      { type: 'PayableConfirmed', key: core, data: signFact(chain, 'PayableConfirmed', fact, invoicesKey) },
    ]);
    await risk.until(async () => (await risk.rows<{ four_flow_score: number }>('SELECT four_flow_score FROM payables WHERE payable_id = $1', ['P-SIGNED']))[0], 'signed score');
    expect((await risk.rows<{ four_flow_score: number }>('SELECT four_flow_score FROM payables WHERE payable_id = $1', ['P-SIGNED']))[0]!.four_flow_score).toBe(85);
    expect((await parked('factSignatureInvalid')).detail).toMatch(/P-FORGED/);
    expect(await risk.rows('SELECT 1 FROM payables WHERE payable_id = $1', ['P-FORGED'])).toHaveLength(0);
  });

  it('value that went round a cycle back to the holder sends its request to review (transferCycle)', async () => {
    const x = newParty();
    const y = newParty();
    await risk.publishLedgerEvents([partyRegistered(x, ['supplier']), partyRegistered(y, ['supplier'])]);
    const issued = voucherIssued(core, x, '900.00', '2026-06-30', at('2026-02-01'));
    const toY = voucherTransferred({ parentId: issued.rootId, rootId: issued.rootId, issuer: core, holder: x, recipient: y, amount: '900.00', maturityDate: '2026-06-30', tier: 1, when: at('2026-02-05') });
    const backToX = voucherTransferred({ parentId: toY.childId, rootId: issued.rootId, issuer: core, holder: y, recipient: x, amount: '900.00', maturityDate: '2026-06-30', tier: 2, when: at('2026-02-10') });
    await risk.publishLedgerEvents([
      issued.event,
      voucherAccepted(issued.rootId, issued.rootId, x, core, '900.00', at('2026-02-02')),
      toY.event,
      voucherAccepted(toY.childId, issued.rootId, y, x, '900.00', at('2026-02-06')),
      backToX.event,
      voucherAccepted(backToX.childId, issued.rootId, x, y, '900.00', at('2026-02-11')),
      financingRequested({ voucherId: backToX.childId, rootId: issued.rootId, holder: x, funder: bank, productId: 'P-NONE', amount: '900.00', when: at('2026-03-02') }),
    ]);
    const assessed = await risk.eventually<Record<string, any>>('FinancingAssessed', (d) => d.voucherId === backToX.childId);
    expect(assessed.data.softSignals).toContain('transferCycle');
    expect(assessed.data.reasons.find((r: { code: string }) => r.code === 'transferCycle').text).toContain(`${x} → ${y} → ${x}`);
  });
});

