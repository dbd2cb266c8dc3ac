import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { usccFromNumber } from '@cascade/ids';
import { FileExchangeRegistry, type Receivable } from '@cascade/payments';
import { RegistrySimulator } from './registry-simulator.ts';

const party = (n: number) => ({ name: `企业 ${n}`, uscc: usccFromNumber(n) });
const receivable = (voucherId: string): Receivable => ({ voucherId, rootVoucherId: 'root-1', obligor: party(1), holder: party(2), amount: '100.00', maturityDate: '2026-06-30', invoiceNumbers: ['INV-1'] });

let simulator: RegistrySimulator | null = null;
afterEach(async () => simulator?.stop());

function setUp() {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'cascade-zdw-sim-'));
  const now = () => new Date('2026-03-02T02:00:00.000Z');
  simulator = new RegistrySimulator({ directory, now, pollMs: 10 });
  const registry = new FileExchangeRegistry({ directory, now, responseWaitMs: 5_000, pollIntervalMs: 10 });
  return { directory, registry, simulator };
}

describe('the registry simulator behind FileExchangeRegistry', () => {
  it('answers search, register, amend and release, and a second financing on the same receivable finds the first', async () => {
    const { registry, simulator } = setUp();
    await simulator.start();
    expect((await registry.search('F1', receivable('v-1'))).registrations).toEqual([]);
    const registered = await registry.register({ financingId: 'F1', receivable: receivable('v-1'), funder: party(3), kind: 'transfer', principalAmount: '98.00', financingDate: '2026-03-02', termMonths: 5 });
    expect(registered).toMatchObject({ registrationNumber: expect.stringMatching(/^SIM-R-/), expiresOn: '2026-08-02' });
    // Another financing of the same voucher: a hit in force, as the registry would show it.
    const second = await registry.search('F2', receivable('v-1'));
    expect(second.registrations).toMatchObject([{ registrationNumber: registered.registrationNumber, kind: 'transfer', status: 'active', amount: '98.00', grantor: party(2), securedParty: party(3) }]);
    // Another piece of the same tree, sharing its invoices: a separate receivable, no hit.
    expect((await registry.search('F3', receivable('v-2'))).registrations).toEqual([]);
    expect(await registry.amend('F1', { termMonths: 6, reason: 'maturity extended' })).toMatchObject({ expiresOn: '2026-09-02' });
    await registry.release('F1', 'paidOff');
    expect((await registry.search('F4', receivable('v-1'))).registrations.map((r) => r.status)).toEqual(['released']);
    expect((await registry.record('F1'))?.status).toBe('released');
  });

  it('lets a fixture seed a registration filed elsewhere, hit by invoice number', async () => {
    const { registry, simulator } = setUp();
    const seeded = await simulator.seed({ kind: 'pledge', registeredAt: '2026-01-01T00:00:00.000Z', expiresOn: '2027-01-01', grantor: party(2), securedParty: party(9), collateralDescription: '发票 INV-1', status: 'active', collateral: { invoiceNumbers: ['INV-1'] } });
    await simulator.start();
    expect((await registry.search('F1', receivable('v-9'))).registrations.map((r) => r.registrationNumber)).toEqual([seeded.registrationNumber]);
  });

  it('a release of an unknown registration is answered rejected', async () => {
    const { directory, simulator } = setUp();
    const { writeFile, mkdir, readFile } = await import('node:fs/promises');
    await mkdir(path.join(directory, 'outbox'), { recursive: true });
    await writeFile(path.join(directory, 'outbox', 'release-X-1.json'), JSON.stringify({ template: 'cascade-zdw-exchange/1', requestId: 'release-X-1', operation: 'release', financingId: 'X', body: { registrationNumber: 'nope', reason: 'paidOff' } }));
    expect(await simulator.answerPending()).toBe(1);
    expect(JSON.parse(await readFile(path.join(directory, 'inbox', 'release-X-1.json'), 'utf8'))).toMatchObject({ status: 'rejected', rejection: { code: 'registrationUnknown' } });
    expect(await simulator.answerPending()).toBe(0); // answered once
  });
});
