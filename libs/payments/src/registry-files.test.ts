import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usccFromNumber } from '@cascade/ids';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PaymentFileError } from './errors.ts';
import { activeRegistrations, type FinancingRegistration, type Receivable } from './registry.ts';
import { FileExchangeRegistry, registryTemplate } from './registry-files.ts';

const issuer = { name: '核心企业集团有限公司', uscc: usccFromNumber(1) };
const supplier = { name: 'Tier-2 Supplier & Co.', uscc: usccFromNumber(2) };
const factor = { name: 'Shanghai Factoring Ltd', uscc: usccFromNumber(3) };
const otherBank = { name: 'Earlier Bank', uscc: usccFromNumber(4) };

function receivable(): Receivable {
  return {
    voucherId: '0190f5a2-1111-7000-8000-000000000001',
    rootVoucherId: '0190f5a2-0000-7000-8000-000000000000',
    obligor: issuer,
    holder: supplier,
    amount: '100000.00',
    maturityDate: '2027-05-31',
    invoiceNumbers: ['044001900111-12345678'],
  };
}

function financing(): FinancingRegistration {
  return { financingId: 'FIN-1', receivable: receivable(), funder: factor, kind: 'transfer', principalAmount: '98000.00', financingDate: '2026-12-03', termMonths: 12 };
}

let dir: string;
let clock: Date;
function registry(options: { responseWaitMs?: number; sleep?: (ms: number) => Promise<void> } = {}) {
  return new FileExchangeRegistry({ directory: dir, now: () => clock, ...options });
}

/** The deployment's side: answers a request file the way the template says. */
async function answer(requestId: string, status: 'ok' | 'rejected', payload: Record<string, unknown>) {
  await writeFile(
    join(dir, 'inbox', `${requestId}.json`),
    JSON.stringify({ template: registryTemplate, requestId, status, respondedAt: '2026-12-03T03:00:00Z', ...(status === 'ok' ? { result: payload } : { rejection: payload }) }),
  );
}

async function expectCode(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PaymentFileError);
  expect((error as PaymentFileError).code).toBe(code);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zdw-'));
  clock = new Date('2026-12-03T02:00:00.000Z');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileExchangeRegistry', () => {
  it('registry: a search writes a request in the template, waits for the answer file, and returns the prior registration it finds with its details', async () => {
    const zdw = registry();
    await expectCode(zdw.search('FIN-1', receivable()), 'registryResponseNotYetAvailable');

    const request = JSON.parse(await readFile(zdw.requestPath('search-FIN-1-1'), 'utf8'));
    expect(request).toMatchObject({ template: registryTemplate, requestId: 'search-FIN-1-1', operation: 'search', financingId: 'FIN-1', createdAt: '2026-12-03T02:00:00.000Z' });
    expect(request.body.grantor).toEqual(supplier);
    expect(request.body.collateral).toMatchObject({ voucherId: receivable().voucherId, obligor: issuer, amount: '100000.00', invoiceNumbers: ['044001900111-12345678'] });
    expect((await zdw.record('FIN-1'))?.pending?.requestId).toBe('search-FIN-1-1');

    const hit = {
      registrationNumber: '06543210000123456789',
      kind: 'pledge',
      registeredAt: '2026-10-01T08:00:00+08:00',
      expiresOn: '2027-10-01',
      grantor: supplier,
      securedParty: otherBank,
      amount: '100000.00',
      collateralDescription: '数字债权凭证 0190f5a2-1111-7000-8000-000000000001',
      status: 'active',
    };
    await answer('search-FIN-1-1', 'ok', { searchReportNumber: 'CX-20261203-0001', searchedAt: '2026-12-03T10:59:00+08:00', registrations: [hit] });

    const result = await zdw.search('FIN-1', receivable());
    expect(result.searchReportNumber).toBe('CX-20261203-0001');
    expect(result.registrations).toEqual([hit]);
    expect(activeRegistrations(result)).toHaveLength(1);
    const record = await zdw.record('FIN-1');
    expect(record?.status).toBe('searched');
    expect(record?.pending).toBeUndefined();
    expect(record?.history).toMatchObject([{ operation: 'search', requestId: 'search-FIN-1-1', outcome: 'ok', result: { registrations: [{ registrationNumber: '06543210000123456789' }] } }]);
  });

  it('registry: search, register, amend and release round-trip through files and leave one record for the financing', async () => {
    const zdw = registry();
    await expectCode(zdw.register(financing()), 'registryStateForbidsOperation');

    await expectCode(zdw.search('FIN-1', receivable()), 'registryResponseNotYetAvailable');
    await answer('search-FIN-1-1', 'ok', { searchReportNumber: 'CX-1', searchedAt: '2026-12-03T03:00:00Z', registrations: [] });
    expect(activeRegistrations(await zdw.search('FIN-1', receivable()))).toEqual([]);

    await expectCode(zdw.register(financing()), 'registryResponseNotYetAvailable');
    const request = JSON.parse(await readFile(zdw.requestPath('register-FIN-1-1'), 'utf8'));
    expect(request.body).toMatchObject({ registrationType: '应收账款转让', kind: 'transfer', grantor: supplier, securedParty: factor, principalAmount: '98000.00', termMonths: 12 });
    expect(request.body.collateralDescription).toContain('数字债权凭证 0190f5a2-1111-7000-8000-000000000001');
    await answer('register-FIN-1-1', 'ok', { registrationNumber: '07700000000000000001', registeredAt: '2026-12-03T03:01:00Z', expiresOn: '2027-12-03' });
    expect((await zdw.register(financing())).registrationNumber).toBe('07700000000000000001');
    // A retry after success is refused, never a second registration.
    await expectCode(zdw.register(financing()), 'registryStateForbidsOperation');

    await expectCode(zdw.amend('FIN-1', { termMonths: 18, reason: 'maturity extended' }), 'registryResponseNotYetAvailable');
    expect(JSON.parse(await readFile(zdw.requestPath('amend-FIN-1-1'), 'utf8')).body).toEqual({ registrationNumber: '07700000000000000001', termMonths: 18, reason: 'maturity extended' });
    await answer('amend-FIN-1-1', 'ok', { registrationNumber: '07700000000000000001', amendedAt: '2026-12-04T00:00:00Z', expiresOn: '2028-06-03' });
    expect((await zdw.amend('FIN-1', { termMonths: 18, reason: 'maturity extended' })).expiresOn).toBe('2028-06-03');

    await expectCode(zdw.release('FIN-1', 'paidOff'), 'registryResponseNotYetAvailable');
    await answer('release-FIN-1-1', 'ok', { registrationNumber: '07700000000000000001', releasedAt: '2027-05-31T08:00:00Z' });
    expect((await zdw.release('FIN-1', 'paidOff')).releasedAt).toBe('2027-05-31T08:00:00Z');
    await expectCode(zdw.amend('FIN-1', { termMonths: 24, reason: 'too late' }), 'registryStateForbidsOperation');

    const record = await zdw.record('FIN-1');
    expect(record).toMatchObject({ financingId: 'FIN-1', status: 'released', registrationNumber: '07700000000000000001', expiresOn: '2028-06-03' });
    expect(record?.history.map((h) => h.operation)).toEqual(['search', 'register', 'amend', 'release']);
    expect((await readdir(join(dir, 'records'))).filter((f) => f.endsWith('.json'))).toEqual(['FIN-1.json']);
  });

  it('registry: a different request while one is pending is a conflict, not a second request file', async () => {
    const zdw = registry();
    await expectCode(zdw.search('FIN-1', receivable()), 'registryResponseNotYetAvailable');
    await expectCode(zdw.search('FIN-1', { ...receivable(), amount: '1.00' }), 'registryRequestConflicts');
    expect(await readdir(join(dir, 'outbox'))).toEqual(['search-FIN-1-1.json']);
  });

  it('registry: a rejection is kept in the record and the next attempt is a new request', async () => {
    const zdw = registry();
    await expectCode(zdw.search('FIN-1', receivable()), 'registryResponseNotYetAvailable');
    await answer('search-FIN-1-1', 'ok', { searchReportNumber: 'CX-1', searchedAt: '2026-12-03T03:00:00Z', registrations: [] });
    await zdw.search('FIN-1', receivable());
    await expectCode(zdw.register(financing()), 'registryResponseNotYetAvailable');
    await answer('register-FIN-1-1', 'rejected', { code: 'E1042', message: '登记期限超出范围' });
    await expect(zdw.register(financing())).rejects.toThrow(/registryRejected: .*E1042 登记期限超出范围/);
    const record = await zdw.record('FIN-1');
    expect(record?.status).toBe('searched');
    expect(record?.history.at(-1)).toMatchObject({ operation: 'register', outcome: 'rejected', rejection: { code: 'E1042' } });
    await expectCode(zdw.register(financing()), 'registryResponseNotYetAvailable');
    expect((await zdw.record('FIN-1'))?.pending?.requestId).toBe('register-FIN-1-2');
  });

  it('registry: with a wait configured, one call returns once the answer file appears', async () => {
    let looks = 0;
    const zdw = registry({
      responseWaitMs: 5_000,
      sleep: async () => {
        looks += 1;
        if (looks === 2) await answer('search-FIN-1-1', 'ok', { searchReportNumber: 'CX-9', searchedAt: '2026-12-03T03:00:00Z', registrations: [] });
      },
    });
    expect((await zdw.search('FIN-1', receivable())).searchReportNumber).toBe('CX-9');
    expect(looks).toBe(2);
  });

  it.each([
    ['not JSON', '{', 'registryResponseMalformed'],
    ['another template', JSON.stringify({ template: 'x/1', requestId: 'search-FIN-1-1', status: 'ok', respondedAt: 't', result: {} }), 'registryResponseMalformed'],
    ['a hit without a registration number', JSON.stringify({ template: registryTemplate, requestId: 'search-FIN-1-1', status: 'ok', respondedAt: 't', result: { searchReportNumber: 'C', searchedAt: 't', registrations: [{ kind: 'pledge' }] } }), 'registryResponseMalformed'],
  ])('registry: an answer that is %s is refused and the request stays pending', async (_what, text, code) => {
    const zdw = registry();
    await expectCode(zdw.search('FIN-1', receivable()), 'registryResponseNotYetAvailable');
    await writeFile(join(dir, 'inbox', 'search-FIN-1-1.json'), text);
    await expectCode(zdw.search('FIN-1', receivable()), code);
    expect((await zdw.record('FIN-1'))?.pending?.requestId).toBe('search-FIN-1-1');
  });

  it.each([
    ['an invalid USCC', () => registry().search('FIN-1', { ...receivable(), holder: { name: 'x', uscc: '91110000100000000Z' } }), 'usccMustBeValid'],
    ['a term beyond 360 months', () => registry().register({ ...financing(), termMonths: 361 }), 'termMonthsMustBeWithinRegistryLimits'],
    ['a zero principal', () => registry().register({ ...financing(), principalAmount: '0.00' }), 'amountMustBeTwoDecimalCny'],
  ])('registry: %s is refused before anything is written', async (_what, call, code) => {
    await expectCode(call(), code);
    expect(await readdir(dir)).toEqual([]);
  });

  it('registry: a financing id that cannot name a file is refused before anything is written', async () => {
    await expectCode(registry().search('../escape', receivable()), 'financingIdMustBeFileSafe');
    expect(await readdir(dir)).toEqual([]);
  });
});
