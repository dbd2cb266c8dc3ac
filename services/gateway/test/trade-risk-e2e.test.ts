/**
 * The SDK end to end through the gateway with the invoices and risk services behind it (all real
 * processes on PostgreSQL, Redis and the test broker): the supplier records the trade, the core
 * enterprise confirms a payable with a signed command (the invoices service signs the fact, the
 * ledger records it), issues on it; the bank publishes a product, the holder sees it fit its
 * voucher and asks for financing; the bank reads the risk assessment and approves. Refusals of
 * both the gateway and the services come back as their problems.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportPrivateKey } from '@cascade/crypto';
import { COMMANDS, runCli } from '@cascade/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usccFromNumber } from '@cascade/ids';
import { eventually } from '@cascade/testing';
import { CascadeProblem, newNonce, newVoucherId, type CascadeClient, type PayableRecord } from '@cascade/sdk/client';
import { addMonthsShanghai, daysAgoShanghai, documentHashOf, newInvoiceIdentity, recordTrade, Stack, type TestParty } from './stack.ts';

let stack: Stack;
type P = TestParty & { client: CascadeClient };
let core: P, supplier: P, bank: P, regulator: P, operator: CascadeClient;

const refusalOf = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a refusal'); }, (e: unknown) => e as CascadeProblem);

beforeAll(async () => {
  stack = await Stack.start({ services: true });
  await stack.gateway();
  [core, supplier, bank, regulator] = [await stack.register(['core']), await stack.register(['supplier']), await stack.register(['funder']), await stack.register(['regulator'])];
  operator = await stack.operatorClient();
}, 240_000);
afterAll(async () => {
  await stack?.stop();
});

describe('trade and risk through the gateway', () => {
  it('records trade, confirms a payable through the gateway, issues on it, and finances it with the assessment read first', async () => {
    const { contract, delivery, invoice } = await recordTrade(supplier, core, '1000000.00');
    expect(delivery.contractId).toBe(contract.contractId);
    expect(invoice.usage).toEqual({ committed: '0.00', used: '0.00', financed: '0.00', settled: '0.00', remaining: '1000000.00' });
    // The buyer sees the records it is party to; another party does not.
    expect((await core.client.getContract(contract.contractId)).contractNumber).toBe(contract.contractNumber);
    expect((await core.client.listInvoices()).items.map((i) => i.invoiceId)).toContain(invoice.invoiceId);
    expect((await refusalOf(bank.client.getInvoice(invoice.invoiceId))).status).toBe(404);
    expect((await regulator.client.getInvoice(invoice.invoiceId)).invoiceKey).toBe(invoice.invoiceKey);
    const payment = await core.client.recordPayment({ payer: core.partyId, payee: supplier.partyId, amount: '1000.00', paidOn: daysAgoShanghai(10), bankReference: `BR-${newNonce().slice(0, 8)}`, invoiceId: null });
    expect((await supplier.client.getPayment(payment.paymentId)).amount).toBe('1000.00');

    // A supplier cannot confirm, and a payable signed by another party does not pass the gateway.
    const payload = { payableId: `AP-${newNonce().slice(0, 8)}`, payee: supplier.partyId, amount: '600000.00', dueDate: addMonthsShanghai(5), invoices: [{ invoiceId: invoice.invoiceId, amount: '600000.00' }] };
    expect((await refusalOf(supplier.client.confirmPayable(supplier.partyId, payload, [supplier.signer]))).code).toBe('actorLacksRole');
    expect((await refusalOf(core.client.confirmPayable(core.partyId, payload, [bank.signer]))).code).toBe('signatureMissing');
    // The service's own refusal comes back as its problem: more than is left of the invoice.
    expect((await refusalOf(core.client.confirmPayable(core.partyId, { ...payload, amount: '1000000.01', invoices: [{ invoiceId: invoice.invoiceId, amount: '1000000.01' }] }, [core.signer]))).code).toBe('invoiceRemainderExceeded');

    const confirmed = await core.client.confirmPayable(core.partyId, payload, [core.signer]);
    expect(confirmed).toMatchObject({ payableId: payload.payableId, status: 'confirmed', debtor: core.partyId, creditor: supplier.partyId, amount: '600000.00', replayed: false });
    expect(confirmed.fourFlow.score).toBeGreaterThanOrEqual(confirmed.fourFlow.floor);
    expect(100 - confirmed.fourFlow.reasons.reduce((s, r) => s + r.points, 0)).toBe(confirmed.fourFlow.score);
    // The ledger records the signed fact; the invoices service learns it did.
    const recorded = await eventually(async () => ((await core.client.getPayable(payload.payableId)).status === 'recorded' ? await core.client.getPayable(payload.payableId) : undefined), 30_000, 'payable recorded');
    expect((recorded as PayableRecord).decidedAt).not.toBeNull();
    expect((await core.client.listRecordedPayables({ role: 'debtor' })).items.find((p) => p.payableId === payload.payableId)).toMatchObject({ amount: '600000.00', remaining: '600000.00' });
    expect((await supplier.client.listPayables()).items.map((p) => p.payableId)).toContain(payload.payableId);
    expect((await core.client.getInvoice(invoice.invoiceId)).usage).toMatchObject({ committed: '600000.00', remaining: '400000.00' });

    const voucherId = newVoucherId();
    await core.client.command('voucher.issue', core.partyId, { voucherId, holder: supplier.partyId, amount: '600000.00', maturityDate: addMonthsShanghai(5), backing: [{ payableId: payload.payableId, amount: '600000.00' }] }, [core.signer]);
    await supplier.client.command('voucher.accept', supplier.partyId, { voucherId }, [supplier.signer]);
    await eventually(async () => ((await core.client.getInvoice(invoice.invoiceId)).usage.used === '600000.00') || undefined, 30_000, 'usage follows the issue');

    const product = await bank.client.publishProduct('DISCOUNT-180', { name: 'Discount up to 180 days', eligibleGrades: ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC', 'CC', 'C'], eligibleIssuers: null, amountMin: '1000.00', amountMax: '5000000.00', tenorDaysMin: 7, tenorDaysMax: 200, annualRate: '0.0365', fees: '150.00', dailyLimit: '10000000.00' });
    expect(product).toMatchObject({ funder: bank.partyId, productId: 'DISCOUNT-180', version: 1, status: 'active' });
    expect((await bank.client.listProducts()).items.map((p) => p.productId)).toEqual(['DISCOUNT-180']);
    expect((await refusalOf(bank.client.listProducts({ funder: core.partyId }))).code).toBe('partyOutOfScope');

    const matching = await eventually(async () => supplier.client.matchProducts(voucherId, { maxAnnualRate: '0.05', maxFees: '300.00' }).catch(() => undefined), 30_000, 'the risk service sees the voucher');
    expect(matching!.eligible.map((e) => `${e.funder}/${e.productId}`)).toEqual([`${bank.partyId}/DISCOUNT-180`]);
    const cost = matching!.eligible[0]!.cost;
    // ACT/360 discount interest, half-up to the fen, as the ledger computes it.
    const interest = (600000 * 0.0365 * cost.days) / 360;
    expect(cost.interest).toBe((Math.round(interest * 100) / 100).toFixed(2));
    expect((await refusalOf(bank.client.matchProducts(voucherId))).status).toBe(404);

    await supplier.client.command('financing.request', supplier.partyId, { voucherId, funder: bank.partyId, productId: 'DISCOUNT-180', maxAnnualRate: '0.05', maxFees: '300.00' }, [supplier.signer]);
    const assessment = await eventually(async () => (await bank.client.listAssessments({ voucherId })).items[0], 30_000, 'FinancingAssessed');
    expect(assessment!).toMatchObject({ voucherId, funder: bank.partyId, holder: supplier.partyId, issuer: core.partyId, productId: 'DISCOUNT-180' });
    expect(['approve', 'review']).toContain(assessment!.result.decision);
    expect(assessment!.result.hardRules).toEqual([]);
    // The four-flow score the invoices service signed is believed (RISK_GENESIS_FILE): it is in the stored inputs below.
    expect(assessment!.result.softSignals).not.toContain('fourFlowLow');
    expect(assessment!.result.terms).toMatchObject({ annualRate: '0.0365', fees: '150.00', interest: cost.interest });
    const full = await bank.client.getAssessment(assessment!.assessmentId);
    expect((full.inputs as { payables: { payableId: string; fourFlowScore: number | null }[] }).payables).toEqual([expect.objectContaining({ payableId: payload.payableId, fourFlowScore: confirmed.fourFlow.score })]);
    expect((await bank.client.rerunAssessment(assessment!.assessmentId)).same).toBe(true);
    expect((await regulator.client.listAssessments({ voucherId })).items).toHaveLength(1);
    expect((await refusalOf(supplier.client.listAssessments())).code).toBe('actorLacksRole');

    const approved = await bank.client.command('financing.approve', bank.partyId, { voucherId, annualRate: '0.0365', fees: '150.00' }, [bank.signer]);
    const financed = (approved.events as { type: string; data: { terms: { interest: string } } }[]).find((e) => e.type === 'VoucherFinanced');
    expect(financed?.data.terms.interest).toBe(cost.interest);
    await eventually(async () => ((await core.client.getInvoice(invoice.invoiceId)).usage.financed === '600000.00') || undefined, 30_000, 'usage follows the financing');
  });

  it('imports invoices from a streamed CSV file, each row reported', async () => {
    const rows = [newInvoiceIdentity(), newInvoiceIdentity()].map((id, i) => [id.code, id.number, supplier.partyId, core.partyId, '88.50', '11.50', '100.00', daysAgoShanghai(3), documentHashOf(`row ${i} ${newNonce()}`), ''].join(','));
    const csv = ['code,number,seller,buyer,amountExclTax,tax,total,issuedOn,documentHash,contractId', ...rows, rows[0]].join('\n');
    const digest = `sha-256=:${createHash('sha256').update(csv).digest('base64')}:`;
    const key = newNonce();
    const summary = await supplier.client.importInvoices(new TextEncoder().encode(csv), { format: 'csv', mode: 'valid-rows', contentDigest: digest, idempotencyKey: key });
    expect(summary).toMatchObject({ rows: 3, accepted: 2, refused: 1, committed: true, error: null });
    expect(summary.refusals).toEqual([expect.objectContaining({ row: 3, code: 'invoiceAlreadyRegistered' })]);
    // The same key and file again is the stored answer; another file under it is refused.
    expect(await supplier.client.importInvoices(new TextEncoder().encode(csv), { format: 'csv', mode: 'valid-rows', contentDigest: digest, idempotencyKey: key })).toEqual(summary);
    expect((await refusalOf(supplier.client.importInvoices(csv.slice(0, -10), { format: 'csv', mode: 'valid-rows', contentDigest: 'sha-256=:AAAA:', idempotencyKey: key }))).code).toBe('idempotencyKeyReused');
    // Past GATEWAY_IMPORT_BYTES_MAX the gateway stops the stream and answers 413; nothing is stored in all-or-nothing mode.
    const small = await stack.gateway({ GATEWAY_IMPORT_BYTES_MAX: '2048' });
    const smallClient = stack.client(small);
    await smallClient.login(supplier.partyId, supplier.signer);
    const many = Array.from({ length: 60 }, (_, i) => [...Object.values(newInvoiceIdentity()), supplier.partyId, core.partyId, '88.50', '11.50', '100.00', daysAgoShanghai(3), documentHashOf(`big ${i} ${newNonce()}`), ''].join(','));
    const before = (await supplier.client.listInvoices({ limit: 200 })).items.length;
    const tooLarge = await refusalOf(smallClient.importInvoices(['code,number,seller,buyer,amountExclTax,tax,total,issuedOn,documentHash,contractId', ...many].join('\n'), { format: 'csv', mode: 'all-or-nothing' }));
    expect([tooLarge.status, tooLarge.code]).toEqual([413, 'payloadTooLarge']);
    expect((await supplier.client.listInvoices({ limit: 200 })).items.length).toBe(before);
    // A row naming other parties is refused as the single registration would be.
    const foreign = await core.client.importInvoices(`code,number,seller,buyer,amountExclTax,tax,total,issuedOn,documentHash,contractId\n${[...Object.values(newInvoiceIdentity()), supplier.partyId, bank.partyId, '88.50', '11.50', '100.00', daysAgoShanghai(3), documentHashOf(newNonce()), ''].join(',')}`, { format: 'csv', mode: 'all-or-nothing' });
    expect(foreign).toMatchObject({ rows: 1, accepted: 0, refused: 1, committed: false });
    expect(foreign.refusals[0]?.code).toBe('callerNotParty');
  });

  it('takes enterprise data from the operator and warns the funders exposed to the enterprise', async () => {
    expect((await refusalOf(core.client.ingestEnterpriseRecords([]))).status).toBe(403);
    await bank.client.command('creditLine.set', bank.partyId, { issuer: core.partyId, limit: '1000000.00', termDays: 180 }, [bank.signer]);
    const report = await operator.ingestEnterpriseRecords([
      { kind: 'judicial', enterprise: core.partyId, source: 'court-feed', observedAt: new Date(Date.now() - 60_000).toISOString(), caseId: `(2026)沪0115民初${newNonce().slice(0, 5)}号`, filedOn: daysAgoShanghai(2), role: 'defendant', amount: '2500000.00', status: 'open', cause: 'contract dispute' },
    ]);
    expect(report).toMatchObject({ rows: 1, created: 1, refused: 0 });
    const alert = await eventually(async () => (await bank.client.listAlerts({ subject: core.partyId, open: true })).items.find((a) => a.rule === 'newLitigation'), 30_000, 'newLitigation alert');
    const acknowledged = await bank.client.acknowledgeAlert(alert!.alertId, 'called the treasurer');
    expect(acknowledged).toMatchObject({ alertId: alert!.alertId, acknowledgedBy: bank.partyId, note: 'called the treasurer' });
    expect((await refusalOf(bank.client.acknowledgeAlert(alert!.alertId))).code).toBe('alertAlreadyAcknowledged');
    const score = await core.client.getEnterpriseScore(core.partyId);
    expect(score.enterprise).toBe(core.partyId);
    expect((await refusalOf(supplier.client.getEnterpriseScore(core.partyId))).code).toBe('partyOutOfScope');
    expect((await operator.getEnterpriseRecords(core.partyId)).items.map((r) => r.kind)).toEqual(['judicial']);
    // A file's text larger than the gateway's default body limit (256 KiB) passes on this route, as the service takes up to 4 MiB.
    const header = 'enterprise,source,observedAt,foundedOn,registeredCapital,industryCode,legalRepresentative,address,status';
    const lines = Array.from({ length: 3000 }, (_, i) => [usccFromNumber(70_000_000 + i), 'gsxt-feed', new Date(Date.now() - 60_000).toISOString(), '2012-03-01', '1000000.00', 'C3670', `法定代表人 ${i}`, `江苏省无锡市惠山区 ${i} 号 — a long enough address line for the file to be large`, 'active'].join(','));
    const content = [header, ...lines].join('\n');
    expect(content.length).toBeGreaterThan(300_000);
    const big = await operator.importEnterpriseRecords({ kind: 'registration', format: 'csv', content });
    expect(big).toMatchObject({ rows: 3000, refused: 0 });
  });

  it('does the same with the cascade CLI: import, confirm, and the risk reads, with --json', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cascade-cli-trade-'));
    process.env.CASCADE_CONFIG_DIR = path.join(dir, 'config');
    const cli = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, COMMANDS);
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    try {
      for (const [name, p] of [['core', core], ['supplier', supplier], ['bank', bank]] as const) {
        const keyFile = path.join(dir, `${name}.key.pem`);
        writeFileSync(keyFile, exportPrivateKey(p.key, 'pem'), { mode: 0o600 });
        expect((await cli('login', '--party', p.partyId, '--key', keyFile, '--url', stack.gateways[0]!.url, '--profile', name)).code).toBe(0);
      }
      const { invoice } = await recordTrade(supplier, core, '5000.00');
      const id = newInvoiceIdentity();
      const file = path.join(dir, 'invoices.csv');
      writeFileSync(file, `code,number,seller,buyer,amountExclTax,tax,total,issuedOn,documentHash,contractId\n${[id.code, id.number, supplier.partyId, core.partyId, '88.50', '11.50', '100.00', daysAgoShanghai(3), documentHashOf(newNonce()), ''].join(',')}\n`);
      const imported = await cli('invoices', 'import', file, '--mode', 'valid-rows', '--profile', 'supplier', '--json');
      expect(imported.code, imported.err).toBe(0);
      expect(JSON.parse(imported.out)).toMatchObject({ rows: 1, accepted: 1, committed: true });
      const again = await cli('invoices', 'import', file, '--profile', 'supplier');
      expect(again.code).toBe(1);
      expect(again.out).toContain('invoiceAlreadyRegistered');

      const payableId = `AP-cli-${newNonce().slice(0, 8)}`;
      const confirmed = await cli('payables', 'confirm', '--to', supplier.partyId, '--amount', '2000.00', '--due', addMonthsShanghai(4), '--invoices', `${invoice.invoiceKey}:2000.00`, '--payable-id', payableId, '--profile', 'core', '--json');
      expect(confirmed.code, confirmed.err).toBe(0);
      expect(JSON.parse(confirmed.out)).toMatchObject({ payableId, status: 'confirmed', amount: '2000.00' });
      const bySupplier = await cli('payables', 'confirm', '--to', core.partyId, '--amount', '1.00', '--due', addMonthsShanghai(4), '--invoices', `${invoice.invoiceKey}:1.00`, '--profile', 'supplier');
      expect(bySupplier.code).toBe(3);
      expect(bySupplier.err).toContain('actorLacksRole');
      expect((await cli('payables', 'confirm', '--to', supplier.partyId, '--amount', '1.0', '--due', addMonthsShanghai(4), '--invoices', 'x:1.00', '--profile', 'core')).code).toBe(2);
      const listed = await cli('payables', '--profile', 'supplier');
      expect(listed.out).toContain(payableId);

      await bank.client.publishProduct('CLI-120', { name: 'Discount up to 120 days', eligibleGrades: ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC', 'CC', 'C'], eligibleIssuers: null, amountMin: '100.00', amountMax: '100000.00', tenorDaysMin: 7, tenorDaysMax: 130, annualRate: '0.04', fees: '10.00', dailyLimit: '1000000.00' });
      const products = await cli('risk', 'products', '--profile', 'bank', '--json');
      expect(JSON.parse(products.out).items.map((p: { productId: string }) => p.productId)).toContain('CLI-120');
      await eventually(async () => (await core.client.getPayable(payableId)).status === 'recorded' || undefined, 30_000, 'payable recorded');
      const voucherId = newVoucherId();
      await core.client.command('voucher.issue', core.partyId, { voucherId, holder: supplier.partyId, amount: '2000.00', maturityDate: addMonthsShanghai(4), backing: [{ payableId, amount: '2000.00' }] }, [core.signer]);
      await supplier.client.command('voucher.accept', supplier.partyId, { voucherId }, [supplier.signer]);
      const match = await eventually(async () => {
        const r = await cli('risk', 'match', voucherId, '--max-rate', '0.05', '--max-fees', '300.00', '--profile', 'supplier');
        return r.code === 0 ? r : undefined;
      }, 30_000, 'risk match');
      expect(match!.out).toContain(`fits   ${bank.partyId}/CLI-120`);
      await supplier.client.command('financing.request', supplier.partyId, { voucherId, funder: bank.partyId, productId: 'CLI-120', maxAnnualRate: '0.05', maxFees: '300.00' }, [supplier.signer]);
      const assessed = await eventually(async () => {
        const r = await cli('risk', 'assess', voucherId, '--profile', 'bank', '--json');
        return r.code === 0 && JSON.parse(r.out).items.length > 0 ? JSON.parse(r.out) : undefined;
      }, 30_000, 'risk assess');
      expect(assessed.items[0]).toMatchObject({ voucherId, funder: bank.partyId });
      const refused = await cli('risk', 'assess', voucherId, '--profile', 'supplier');
      expect(refused.code).toBe(3);
      const alerts = await cli('risk', 'alerts', '--profile', 'bank', '--json');
      expect(alerts.code, alerts.err).toBe(0);
      expect(Array.isArray(JSON.parse(alerts.out).items)).toBe(true);
    } finally {
      delete process.env.CASCADE_CONFIG_DIR;
    }
  });
});
