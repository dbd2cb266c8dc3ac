/**
 * The risk service's internal API on real PostgreSQL and Kafka: data ingestion (versions, the
 * per-row report, CSV import), the warnings data updates raise to exposed funders only, products
 * (refusals by code, tenancy), and who may call what.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, financingRequested, newParty, partyRegistered, voucherAccepted, voucherIssued } from './fixtures.ts';
import { TestRisk } from './support.ts';

let risk: TestRisk;
const operator = 'operator-1';
const regulator = 'regulator-1';
const issuer = newParty();
const supplier = newParty();
const exposedBank = newParty();
const otherBank = newParty();
const observedAt = '2026-03-01T00:00:00.000Z';

beforeAll(async () => {
  risk = await TestRisk.start({ now: () => new Date(at('2026-03-02')) });
  await risk.publishLedgerEvents([
    partyRegistered(operator, ['operator']),
    partyRegistered(regulator, ['regulator']),
    partyRegistered(issuer, ['core']),
    partyRegistered(supplier, ['supplier']),
    partyRegistered(exposedBank, ['funder']),
    partyRegistered(otherBank, ['funder']),
    // The bank is exposed to the issuer through a credit line.
    { type: 'CreditLineChanged', key: issuer, data: { funder: exposedBank, issuer, limit: '5000000.00', previousLimit: '0.00', termDays: 180, used: '0.00', at: at('2026-01-10') } },
  ]);
  // Parties are keyed by their id, so they arrive over several partitions: wait for all of them.
  await risk.until(async () => ((await risk.rows('SELECT 1 FROM parties')).length === 6 && (await risk.rows('SELECT 1 FROM credit_lines')).length ? true : undefined), 'parties and the credit line');
});
afterAll(() => risk?.stop());

const registration = (over: Record<string, unknown> = {}) => ({ kind: 'registration', enterprise: issuer, source: 'saic', observedAt, foundedOn: '2010-01-01', registeredCapital: '10000000.00', industryCode: 'C', legalRepresentative: 'Zhang San', address: '8 Road', status: 'active', ...over });

describe('ingestion', () => {
  it('stores each record as a version, says what happened to every row, and refuses bad rows by code', async () => {
    const res = await risk.call(operator, 'POST', '/v1/enterprise-records', {
      records: [registration(), registration({ enterprise: '91310000MA1FL8XX0Y' }), registration({ registeredCapital: '10,000.00' }), { kind: 'weather', enterprise: issuer }],
    });
    expect(res.status).toBe(200);
    expect(res.body.report.map((r: { status: string; code?: string }) => r.code ?? r.status)).toEqual(['created', 'enterpriseInvalid', 'amountInvalid', 'recordKindUnknown']);
    const again = await risk.call(operator, 'POST', '/v1/enterprise-records', { records: [registration(), registration({ status: 'abnormal' })] });
    expect(again.body.report.map((r: { status: string; version: number }) => [r.status, r.version])).toEqual([['unchanged', 1], ['updated', 2]]);
    const history = await risk.call(issuer, 'GET', `/v1/enterprises/${issuer}/records`);
    expect(history.body.items.filter((i: { kind: string }) => i.kind === 'registration').map((i: { version: number }) => i.version)).toEqual([2, 1]);
    await risk.eventually('EnterpriseDataUpdated', (d: Record<string, unknown>) => d.enterprise === issuer && d.version === 2);
  });

  it('a CSV import of one kind reports per row', async () => {
    const csv = ['enterprise,source,observedAt,caseId,filedOn,role,amount,status,cause', `${supplier},court,${observedAt},(2025)A1,2025-12-01,plaintiff,100.00,open,goods`, `${supplier},court,${observedAt},(2025)A2,2025-13-01,defendant,100.00,open,goods`].join('\n');
    const res = await risk.call(operator, 'POST', '/v1/enterprise-records/import', { kind: 'judicial', format: 'csv', content: csv });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ rows: 2, created: 1, refused: 1 });
    expect(res.body.report[1]).toMatchObject({ row: 2, status: 'refused', code: 'dateInvalid' });
  });

  it('only the operator or the regulator feeds data; an enterprise reads only its own score and records', async () => {
    expect((await risk.call(supplier, 'POST', '/v1/enterprise-records', { records: [registration()] })).status).toBe(403);
    expect((await risk.call(regulator, 'POST', '/v1/enterprise-records', { records: [registration({ address: '9 Road' })] })).status).toBe(200);
    expect((await risk.call(supplier, 'GET', `/v1/enterprises/${issuer}/records`)).status).toBe(403);
    expect((await risk.call(regulator, 'GET', `/v1/enterprises/${issuer}/score`)).status).toBe(200);
    expect((await risk.call('unknown-party', 'GET', `/v1/enterprises/${issuer}/score`)).status).toBe(403);
  });
});

describe('early warnings from data updates reach the exposed funder only', () => {
  it('tax paid falling by more than 30 % raises taxPaidFalling; a smaller fall does not', async () => {
    const months = ['2025-07', '2025-08', '2025-09', '2025-10', '2025-11'];
    const tax = (period: string, taxPaid: string) => ({ kind: 'tax', enterprise: issuer, source: 'tax', observedAt, period, taxPaid, invoiceCount: 10, invoiceAmount: '1000000.00', creditGrade: 'B' });
    const steady = await risk.call(operator, 'POST', '/v1/enterprise-records', { records: [...months.map((m, i) => tax(m, i < 3 ? '100000.00' : '80000.00')), tax('2025-12', '80000.00')] });
    expect(steady.body.alerts).toBe(0); // 300,000 → 240,000: 20 %
    const falling = await risk.call(operator, 'POST', '/v1/enterprise-records', { records: [tax('2025-12', '20000.00')] }); // → 180,000: 40 %
    expect(falling.body.alerts).toBe(1);
    const alert = await risk.eventually<Record<string, string>>('AlertRaised', (d) => d.subject === issuer && d.rule === 'taxPaidFalling');
    expect(alert.data.funder).toBe(exposedBank);
    expect((await risk.call(otherBank, 'GET', '/v1/alerts')).body.items).toHaveLength(0);
  });

  it('a new court case as defendant raises newLitigation once; the same case again does not', async () => {
    const judicial = { kind: 'judicial', enterprise: issuer, source: 'court', observedAt, caseId: '(2026)沪01民初9号', filedOn: '2026-02-20', role: 'defendant', amount: '3000000.00', status: 'open', cause: 'unpaid goods' };
    expect((await risk.call(operator, 'POST', '/v1/enterprise-records', { records: [judicial] })).body.alerts).toBe(1);
    expect((await risk.call(operator, 'POST', '/v1/enterprise-records', { records: [judicial] })).body.report[0].status).toBe('unchanged');
    expect((await risk.call(operator, 'POST', '/v1/enterprise-records', { records: [{ ...judicial, status: 'closed' }] })).body.alerts).toBe(0);
    const list = await risk.call(exposedBank, 'GET', `/v1/alerts?subject=${issuer}`);
    expect(list.body.items.map((a: { rule: string }) => a.rule).sort()).toEqual(['newLitigation', 'taxPaidFalling']);
  });
});

describe('products', () => {
  const terms = { name: 'p', eligibleGrades: ['A'], amountMin: '100.00', amountMax: '1000.00', tenorDaysMin: 10, tenorDaysMax: 90, annualRate: '0.05', fees: '1.00', dailyLimit: '100000.00' };

  it('refuses inverted ranges and fees that could take the whole amount, by code', async () => {
    const inverted = await risk.call(exposedBank, 'PUT', '/v1/products/P1', { ...terms, amountMin: '2000.00' });
    expect(inverted.status).toBe(422);
    expect(inverted.body.type).toBe('urn:cascade:problem:amount-range-inverted');
    expect((await risk.call(exposedBank, 'PUT', '/v1/products/P1', { ...terms, fees: '100.00' })).body.code).toBe('feesNotBelowAmountMin');
    expect((await risk.call(exposedBank, 'PUT', '/v1/products/P1', { ...terms, annualRate: '5%' })).status).toBe(400);
  });

  it('versions a product on each publication; a funder lists its own, the regulator all; withdrawal is a version too', async () => {
    expect((await risk.call(exposedBank, 'PUT', '/v1/products/P1', terms)).body.version).toBe(1);
    expect((await risk.call(exposedBank, 'PUT', '/v1/products/P1', { ...terms, annualRate: '0.045' })).body).toMatchObject({ version: 2, annualRate: '0.045' });
    await risk.call(otherBank, 'PUT', '/v1/products/P9', terms);
    expect((await risk.call(exposedBank, 'GET', '/v1/products')).body.items.map((p: { productId: string }) => p.productId)).toEqual(['P1']);
    expect((await risk.call(regulator, 'GET', '/v1/products')).body.items).toHaveLength(2);
    expect((await risk.call(supplier, 'GET', '/v1/products')).status).toBe(403);
    expect((await risk.call(otherBank, 'DELETE', '/v1/products/P1')).status).toBe(404);
    expect((await risk.call(exposedBank, 'DELETE', '/v1/products/P1')).body).toMatchObject({ version: 3, status: 'withdrawn' });
    await risk.eventually('ProductWithdrawn', (d: Record<string, unknown>) => d.productId === 'P1');
  });
});

describe('re-scoring when risk data changes', () => {
  const assessments = (voucherId: string) => risk.rows<{ assessed_at: Date; inputs: { request: { voucherId: string } } }>('SELECT assessed_at, inputs FROM assessments WHERE voucher_id = $1 ORDER BY assessment_id', [voucherId]);

  // Last in this file: the request makes otherBank exposed to the issuer, which the warnings above
  // rely on it not being. The registration is as the tests above left it (address 9 Road).
  it("assesses a pending financing again when its issuer's data changes, and not when nothing changed", async () => {
    const issued = voucherIssued(issuer, supplier, '500.00', '2026-06-30', at('2026-02-01'));
    const neverRequested = voucherIssued(issuer, supplier, '200.00', '2026-06-30', at('2026-02-01'));
    await risk.publishLedgerEvents([
      issued.event,
      voucherAccepted(issued.rootId, issued.rootId, supplier, issuer, '500.00', at('2026-02-02')),
      financingRequested({ voucherId: issued.rootId, rootId: issued.rootId, holder: supplier, funder: otherBank, productId: 'P-NONE', amount: '500.00', when: at('2026-03-02') }),
      // Another voucher of the same issuer, accepted but never put up for financing.
      neverRequested.event,
      voucherAccepted(neverRequested.rootId, neverRequested.rootId, supplier, issuer, '200.00', at('2026-02-02')),
    ]);
    await risk.until(async () => ((await assessments(issued.rootId)).length === 1 ? true : undefined), 'the first assessment');
    await risk.until(async () => ((await risk.rows("SELECT 1 FROM vouchers WHERE voucher_id = $1 AND status = 'active'", [neverRequested.rootId])).length ? true : undefined), 'the other voucher');

    // The same data again: nothing changed, nothing re-assessed.
    const same = await risk.call(operator, 'POST', '/v1/enterprise-records', { records: [registration({ address: '9 Road' })] });
    expect(same.body.report.map((r: { status: string }) => r.status)).toEqual(['unchanged']);
    expect(await assessments(issued.rootId)).toHaveLength(1);

    // The issuer's registration changes: the pending request is assessed again, the first kept.
    const changed = await risk.call(operator, 'POST', '/v1/enterprise-records', { records: [registration({ address: '12 Road' })] });
    expect(changed.body.report.map((r: { status: string }) => r.status)).toEqual(['updated']);
    const after = await assessments(issued.rootId);
    expect(after).toHaveLength(2);
    expect(after[1]!.inputs.request.voucherId).toBe(issued.rootId);
    expect(after[1]!.assessed_at.getTime()).toBeGreaterThanOrEqual(after[0]!.assessed_at.getTime());
    await risk.eventually('FinancingAssessed', (d: Record<string, unknown>) => d.voucherId === issued.rootId);
    // The voucher never requested is not assessed at all.
    expect(await assessments(neverRequested.rootId)).toHaveLength(0);
  });
});
