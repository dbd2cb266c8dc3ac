/**
 * The risk service against a real ledger, through Kafka, on real PostgreSQL: parties, a payable,
 * an issue and a split go through the ledger's intake; a financing request sent to the ledger
 * comes out of the risk service as FinancingAssessed, stored with its inputs and re-runnable;
 * the funder's approval and a short settlement at maturity raise an issuer-overdue alert to the
 * exposed funder, who acknowledges it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestLedger, type TestParty } from '../../ledger/test/support.ts';
import { TestRisk } from './support.ts';

let ledger: TestLedger;
let risk: TestRisk;
let core: TestParty, a: TestParty, b: TestParty, bank: TestParty, otherBank: TestParty;

const observedAt = '2026-03-01T00:00:00.000Z';

beforeAll(async () => {
  ledger = await TestLedger.start();
  // The risk service reads the ledger's clock, as both would read one wall clock in production.
  risk = await TestRisk.start({ topics: ledger.topics, now: () => ledger.clock.now });
  [core, a, b, bank, otherBank] = [await ledger.register(['core']), await ledger.register(['supplier']), await ledger.register(['supplier']), await ledger.register(['funder']), await ledger.register(['funder'])];
  await risk.until(async () => ((await risk.rows('SELECT 1 FROM parties')).length >= 6 ? true : undefined), 'parties seen by risk');
});
afterAll(async () => {
  await risk?.stop();
  await ledger?.stop();
});

describe('risk service on a real ledger', () => {
  const rootId = randomUUID();
  const toB = randomUUID();
  const keptByA = randomUUID();
  let assessmentId = '';

  it('the operator feeds the issuer’s registration, tax and bureau data; the issuer scores well', async () => {
    const records: Record<string, unknown>[] = [
      { kind: 'registration', enterprise: core.partyId, source: 'saic-feed', observedAt, foundedOn: '2004-05-10', registeredCapital: '500000000.00', industryCode: 'C3911', legalRepresentative: 'Li Wei', address: '1 Century Avenue, Shanghai', status: 'active' },
      { kind: 'bureau', enterprise: core.partyId, source: 'pboc-credit', observedAt, reportDate: '2026-02-28', overdueCount: 0, overdueAmount: '0.00' },
    ];
    for (let m = 1; m <= 12; m++) {
      const period = m <= 2 ? `2026-0${m}` : `2025-${String(m).padStart(2, '0')}`;
      records.push({ kind: 'tax', enterprise: core.partyId, source: 'tax-feed', observedAt, period, taxPaid: '2500000.00', invoiceCount: 400, invoiceAmount: '90000000.00', creditGrade: 'A' });
    }
    const res = await risk.call(ledger.operator.partyId, 'POST', '/v1/enterprise-records', { records });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ rows: 14, created: 14, refused: 0 });
    const score = await risk.call(core.partyId, 'GET', `/v1/enterprises/${core.partyId}/score`);
    expect(score.status).toBe(200);
    expect(['AAA', 'AA', 'A', 'BBB']).toContain(score.body.grade);
    // A supplier may not read the issuer's score.
    expect((await risk.call(a.partyId, 'GET', `/v1/enterprises/${core.partyId}/score`)).status).toBe(403);
  });

  it('the bank publishes a product through the internal API', async () => {
    const res = await risk.call(bank.partyId, 'PUT', '/v1/products/P-STD', {
      name: 'standard discount', eligibleGrades: ['AAA', 'AA', 'A', 'BBB', 'BB'], amountMin: '100.00', amountMax: '1000000.00',
      tenorDaysMin: 30, tenorDaysMax: 180, annualRate: '0.0365', fees: '1.00', dailyLimit: '5000000.00',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ funder: bank.partyId, productId: 'P-STD', version: 1, status: 'active' });
    // A supplier cannot publish products.
    const { funder: _f, productId: _p, version: _v, status: _s, publishedAt: _t, ...terms } = res.body;
    const refused = await risk.call(a.partyId, 'PUT', '/v1/products/P-X', terms);
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe('urn:cascade:problem:funder-role-required');
  });

  it('issue and split go through the ledger; the holder sees the product ranked with its cost', async () => {
    const payableId = await ledger.confirmPayable(core, a, '1000.00');
    await ledger.mustRun('voucher.issue', core, { voucherId: rootId, holder: a.partyId, amount: '1000.00', maturityDate: '2026-06-30', backing: [{ payableId, amount: '1000.00' }] });
    await ledger.mustRun('voucher.accept', a, { voucherId: rootId });
    await ledger.mustRun('voucher.transfer', a, { voucherId: rootId, pieces: [{ childId: toB, recipient: b.partyId, amount: '300.00' }], remainder: { childId: keptByA, amount: '700.00' } });
    await ledger.mustRun('voucher.accept', b, { voucherId: toB });
    await risk.until(async () => ((await risk.rows(`SELECT 1 FROM vouchers WHERE voucher_id = $1 AND status = 'active'`, [toB])).length ? true : undefined), 'the piece active in the risk view');
    const matching = await risk.call(b.partyId, 'GET', `/v1/vouchers/${toB}/products`);
    expect(matching.status, JSON.stringify(matching.body)).toBe(200);
    expect(matching.body.eligible[0]).toMatchObject({ funder: bank.partyId, productId: 'P-STD' });
    // Someone else's voucher is not found for a.
    expect((await risk.call(a.partyId, 'GET', `/v1/vouchers/${toB}/products`)).status).toBe(404);
  });

  it('a financing request sent to the ledger comes out as FinancingAssessed: approved, with its cost and reasons', async () => {
    await ledger.mustRun('financing.request', b, { voucherId: toB, funder: bank.partyId, productId: 'P-STD', maxAnnualRate: '0.2', maxFees: '10.00' });
    const event = await risk.eventually<Record<string, any>>('FinancingAssessed', (d) => d.voucherId === toB, `FinancingAssessed for ${toB}`);
    expect(event.key).toBe(rootId);
    expect(event.data).toMatchObject({ rootId, holder: b.partyId, funder: bank.partyId, issuer: core.partyId, productId: 'P-STD', decision: 'approve', hardRules: [], softSignals: [] });
    // 2026-03-02 → 2026-06-30 is 120 days: 300.00 × 0.0365 × 120 / 360 = 3.65, plus 1.00 fees.
    expect(event.data.terms).toEqual({ productId: 'P-STD', annualRate: '0.0365', days: 120, interest: '3.65', fees: '1.00', total: '4.65', net: '295.35' });
    expect(event.data.reasons.some((r: { kind: string; text: string }) => r.kind === 'note' && /four-flow score not known/.test(r.text))).toBe(true);
    assessmentId = event.data.assessmentId;
  });

  it('the assessment is stored with its inputs; the funder it was made for can read and re-run it, another funder cannot', async () => {
    const stored = await risk.call(bank.partyId, 'GET', `/v1/assessments/${assessmentId}`);
    expect(stored.status).toBe(200);
    expect(stored.body.inputs.voucher).toMatchObject({ issuer: core.partyId, maturityDate: '2026-06-30', path: [{ from: core.partyId, to: a.partyId }, { from: a.partyId, to: b.partyId }] });
    expect(stored.body.inputs.issuer.features.taxCreditGrade).toBe('A');
    const rerun = await risk.call(bank.partyId, 'POST', `/v1/assessments/${assessmentId}/rerun`);
    expect(rerun.body.same).toBe(true);
    expect((await risk.call(otherBank.partyId, 'GET', `/v1/assessments/${assessmentId}`)).status).toBe(404);
    const list = await risk.call(bank.partyId, 'GET', '/v1/assessments');
    expect(list.body.items.map((x: { assessmentId: string }) => x.assessmentId)).toEqual([assessmentId]);
  });

  it('approval and a short settlement at maturity make the issuer overdue: the exposed funder is alerted and acknowledges', async () => {
    await ledger.mustRun('financing.approve', bank, { voucherId: toB, annualRate: '0.0365', fees: '1.00' });
    await risk.until(async () => ((await risk.rows(`SELECT 1 FROM vouchers WHERE voucher_id = $1 AND status = 'financed'`, [toB])).length ? true : undefined), 'financed in the risk view');
    ledger.clock.advanceDays(121);
    await ledger.mustRun('voucher.settle', core, { rootId, paymentReference: `PAY-${rootId.slice(0, 8)}`, paidAmount: '500.00' });
    const raised = await risk.eventually<Record<string, any>>('AlertRaised', (d) => d.subject === core.partyId && d.rule === 'issuerOverdue', 'issuer overdue alert');
    expect(raised.data.funder).toBe(bank.partyId);
    const mine = await risk.call(bank.partyId, 'GET', '/v1/alerts?open=true');
    expect(mine.body.items).toHaveLength(1);
    expect((await risk.call(otherBank.partyId, 'GET', '/v1/alerts')).body.items).toHaveLength(0);
    expect((await risk.call(otherBank.partyId, 'POST', `/v1/alerts/${raised.data.alertId}/acknowledge`, {})).status).toBe(404);
    const ack = await risk.call(bank.partyId, 'POST', `/v1/alerts/${raised.data.alertId}/acknowledge`, { note: 'called the issuer' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ acknowledgedBy: bank.partyId, note: 'called the issuer' });
    expect((await risk.call(bank.partyId, 'POST', `/v1/alerts/${raised.data.alertId}/acknowledge`, {})).status).toBe(409);
    await risk.eventually('AlertAcknowledged', (d: Record<string, unknown>) => d.alertId === raised.data.alertId);
  });

  it('a later request on the overdue issuer is rejected by the hard rule', async () => {
    const payableId = await ledger.confirmPayable(core, a, '200.00');
    const root2 = randomUUID();
    await ledger.mustRun('voucher.issue', core, { voucherId: root2, holder: a.partyId, amount: '200.00', maturityDate: '2026-09-30', backing: [{ payableId, amount: '200.00' }] });
    await ledger.mustRun('voucher.accept', a, { voucherId: root2 });
    await ledger.mustRun('financing.request', a, { voucherId: root2, funder: otherBank.partyId, productId: 'NO-SUCH', maxAnnualRate: '0.2', maxFees: '10.00' });
    const event = await risk.eventually<Record<string, any>>('FinancingAssessed', (d) => d.voucherId === root2);
    expect(event.data.decision).toBe('reject');
    expect(event.data.hardRules).toEqual(['issuerOverdue', 'productUnknown']);
  });
});
