/**
 * The core enterprise's and the bank's (funder's) pages, by clicking. Each flow registers its own
 * parties; steps that are not the page's party's (a supplier's request, an operator's data feed)
 * go through the SDK.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { eventually } from '@cascade/testing';
import { newNonce, newVoucherId, type PayableRecord } from '@cascade/sdk/client';
import { addMonthsShanghai, daysAgoShanghai, recordTrade } from '../../../../services/gateway/test/stack.ts';
import { todayShanghai } from '../../src/shared/dates.ts';
import { formatAmount } from '../../src/shared/money.ts';
import { row, type ConsoleHarness, type Party } from '../harness.ts';

const shownTimeoutMs = 30_000;
const refreshPauseMs = 500;

/** Clicks `refresh` (in `scope`, a CSS selector) until `check` holds: the services learn of the ledger's events a moment later. */
async function untilShown(page: Page, check: () => Promise<boolean>, scope = 'main', what = 'the page to show it'): Promise<void> {
  const deadline = Date.now() + shownTimeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await page.locator(scope).getByRole('button', { name: '刷新' }).first().click();
    await page.waitForTimeout(refreshPauseMs);
  }
}

/**
 * The bank publishes a product by clicking; a supplier asks it for financing (SDK); the bank sees
 * the request in its inbox with the assessment (its reasons) and the registry search, approves by
 * clicking, sees its exposure to the issuer appear; an early warning about the issuer (a new
 * lawsuit the operator's feed reports) is acknowledged.
 */
export async function funderInboxExposureAlertsProducts(h: ConsoleHarness): Promise<void> {
  const [core, supplier, bank] = [await h.register(['core']), await h.register(['supplier']), await h.register(['funder'])];
  const b = await h.signIn(bank.partyId, bank.key);

  // A product, published by clicking, for every grade.
  await b.getByRole('button', { name: '融资产品', exact: true }).click();
  const publish = b.getByRole('form', { name: '发布产品' });
  await publish.getByRole('textbox', { name: '融资产品', exact: true }).fill('DISCOUNT-180');
  await publish.getByRole('textbox', { name: '名称', exact: true }).fill('应收账款贴现（180 天内）');
  for (const g of ['BB', 'B', 'CCC', 'CC', 'C']) await publish.getByRole('checkbox', { name: g, exact: true }).check();
  await publish.getByRole('textbox', { name: '年利率', exact: true }).fill('0.0365');
  await publish.getByRole('textbox', { name: '费用', exact: true }).fill('150.00');
  await b.getByRole('button', { name: '发布产品' }).click();
  expect(await b.getByTestId('product-outcome').textContent()).toBe('已发布: DISCOUNT-180 v1');
  const productRow = b.locator('tr[data-product="DISCOUNT-180"]');
  await expect.poll(() => productRow.textContent()).toContain('AAA AA A BBB BB B CCC CC C');
  expect(await productRow.textContent()).toContain('1,000.00 – 5,000,000.00');
  expect(await productRow.textContent()).toContain('在售');
  const [published] = (await bank.client.listProducts()).items;
  expect(published).toMatchObject({ productId: 'DISCOUNT-180', version: 1, annualRate: '0.0365', fees: '150.00', eligibleIssuers: null, tenorDaysMax: 180 });
  await h.screenshot(b, 'funder-products.png');

  // Nothing financed yet.
  await b.getByRole('button', { name: '敞口与预警' }).click();
  await b.locator('#exposure-title').waitFor();
  expect(await b.locator(`tr[data-issuer="${core.partyId}"]`).count()).toBe(0);

  // The supplier holds a voucher of the core's and asks the bank (not the bank's steps: the SDK).
  const payableId = await h.stack.confirmPayable(core.partyId, supplier.partyId, '800000.00');
  const voucherId = newVoucherId();
  await core.client.command('voucher.issue', core.partyId, { voucherId, holder: supplier.partyId, amount: '800000.00', maturityDate: addMonthsShanghai(4), backing: [{ payableId, amount: '800000.00' }] }, [core.signer]);
  await supplier.client.command('voucher.accept', supplier.partyId, { voucherId }, [supplier.signer]);
  await eventually(() => supplier.client.matchProducts(voucherId).catch(() => undefined), 30_000, 'the risk service sees the voucher');
  await supplier.client.command('financing.request', supplier.partyId, { voucherId, funder: bank.partyId, productId: 'DISCOUNT-180', maxAnnualRate: '0.05', maxFees: '300.00' }, [supplier.signer]);
  // The workflows service records the financing (and searches the registry) as it reads the
  // ledger's events; until it has, the registry read is a 404 the page would log.
  await eventually(async () => ((await bank.client.getFinancingRegistry(voucherId).catch(() => null))?.search.state === 'done') || undefined, 30_000, 'the registry searched');
  const assessment = await eventually(async () => (await bank.client.listAssessments({ voucherId })).items[0], 30_000, 'the assessment');

  // The inbox: the request with its assessment and the registry search.
  await b.getByRole('button', { name: '融资审批' }).click();
  const request = row(b, voucherId);
  await untilShown(b, async () => (await request.count()) === 1, 'main', 'the request in the inbox');
  expect(await request.getAttribute('data-status')).toBe('pending_financing');
  expect(await request.getByTestId('requester').textContent()).toBe(supplier.partyId);
  expect(await request.textContent()).toContain('800,000.00');
  const summary = request.getByTestId('assessment-summary');
  expect(await summary.locator('[data-decision]').getAttribute('data-decision')).toBe(assessment.result.decision);
  expect(await summary.textContent()).toContain({ approve: '建议批准', review: '需人工复核', reject: '建议拒绝' }[assessment.result.decision]);
  expect(await summary.textContent()).toContain(`评级 ${assessment.result.grade} · 评分 ${assessment.result.score} · PD ${assessment.result.pd}`);
  expect(await request.getByTestId('registry-summary').textContent()).toBe('已查询有效登记 0');
  await request.getByRole('button', { name: '批准 / 拒绝融资' }).click();
  const reasons = b.getByTestId('assessment-reasons').locator('li');
  expect(await reasons.count()).toBe(assessment.result.reasons.length);
  expect(assessment.result.reasons.length).toBeGreaterThan(0);
  expect(await reasons.first().textContent()).not.toMatch(/undefined|\[object/);
  expect(await b.getByTestId('assessment-reasons').textContent()).toContain(`评分: issuer ${core.partyId}: score ${assessment.result.score}`);
  expect(await b.getByTestId('assessment-terms').textContent()).toContain(`年利率 0.0365 · ${assessment.result.terms!.days} 天 · 利息 `);
  expect(await b.getByTestId('registry-details').textContent()).toContain('有效登记 0 / 全部命中');
  // The decision form starts from the terms the assessment priced.
  expect(await b.locator('input[name="fees"]').inputValue()).toBe('150.00');
  await h.screenshot(b, 'funder.png');
  // The reasons in English, and back.
  await b.getByTestId('switch-lang').click();
  expect(await b.getByTestId('assessment-reasons').textContent()).toContain(`Score: issuer ${core.partyId}`);
  await b.getByTestId('switch-lang').click();

  await b.getByRole('button', { name: '批准', exact: true }).click();
  await h.signShown(b, 'financing.approve');
  await expect.poll(() => request.getAttribute('data-status')).toBe('financed');
  const financed = await bank.client.getVoucher(voucherId);
  expect(financed).toMatchObject({ status: 'financed', holder: bank.partyId });

  // A second request, rejected by clicking with a reason; it stays in the inbox as rejected.
  const otherPayable = await h.stack.confirmPayable(core.partyId, supplier.partyId, '100000.00');
  const otherId = newVoucherId();
  await core.client.command('voucher.issue', core.partyId, { voucherId: otherId, holder: supplier.partyId, amount: '100000.00', maturityDate: addMonthsShanghai(4), backing: [{ payableId: otherPayable, amount: '100000.00' }] }, [core.signer]);
  await supplier.client.command('voucher.accept', supplier.partyId, { voucherId: otherId }, [supplier.signer]);
  await eventually(() => supplier.client.matchProducts(otherId).catch(() => undefined), 30_000, 'the risk service sees the voucher');
  await supplier.client.command('financing.request', supplier.partyId, { voucherId: otherId, funder: bank.partyId, productId: 'DISCOUNT-180', maxAnnualRate: '0.05', maxFees: '300.00' }, [supplier.signer]);
  await eventually(async () => ((await bank.client.getFinancingRegistry(otherId).catch(() => null))?.search.state === 'done') || undefined, 30_000, 'the registry searched');
  await eventually(async () => (await bank.client.listAssessments({ voucherId: otherId })).items[0], 30_000, 'the assessment');
  const other = row(b, otherId);
  await untilShown(b, async () => (await other.count()) === 1 && (await other.getAttribute('data-status')) === 'pending_financing', 'main', 'the second request');
  await other.getByRole('button', { name: '批准 / 拒绝融资' }).click();
  await b.getByLabel('原因').fill('贸易背景资料待补充');
  await b.getByRole('button', { name: '拒绝融资', exact: true }).click();
  const rejection = JSON.parse((await b.getByTestId('command-preview').textContent())!) as { payload: unknown };
  expect(rejection.payload).toEqual({ voucherId: otherId, reason: '贸易背景资料待补充' });
  await h.signShown(b, 'financing.reject');
  await expect.poll(() => other.getAttribute('data-status')).toBe('financing_rejected');
  expect(await other.textContent()).toContain('已拒绝融资');
  expect(await other.getByTestId('requester').textContent()).toBe(supplier.partyId);
  expect((await supplier.client.getVoucher(otherId)).status).toBe('active');

  // The exposure now shows the issuer: the outstanding, face and net summed to the cent.
  await b.getByRole('button', { name: '敞口与预警' }).click();
  const exposure = b.locator(`tr[data-issuer="${core.partyId}"]`);
  await untilShown(b, async () => (await exposure.count()) === 1, 'section[aria-labelledby="exposure-title"]', 'the exposure');
  expect(await exposure.getByTestId('exposure-outstanding').textContent()).toBe('800,000.00');
  expect(await exposure.textContent()).toContain(formatAmount(financed.financing!.net));
  expect(await b.getByTestId('exposure-total').textContent()).toBe('800,000.00');

  // An early warning: the operator's court feed reports a new lawsuit against the issuer, and the
  // risk service warns the funders exposed to it.
  const operator = await h.stack.operatorClient();
  const caseId = `(2026)沪0115民初${newNonce().slice(0, 5)}号`;
  await operator.ingestEnterpriseRecords([{ kind: 'judicial', enterprise: core.partyId, source: 'court-feed', observedAt: new Date(h.stack.now().getTime() - 60_000).toISOString(), caseId, filedOn: daysAgoShanghai(2), role: 'defendant', amount: '2500000.00', status: 'open', cause: 'contract dispute' }]);
  const alert = b.locator('tr[data-rule="newLitigation"]');
  await untilShown(b, async () => (await alert.count()) === 1, 'section[aria-labelledby="alerts-title"]', 'the alert');
  expect(await alert.textContent()).toContain('新增涉诉');
  expect(await alert.textContent()).toContain(`案件 ${caseId}（${daysAgoShanghai(2)} 立案）将其列为被告，涉案金额 2,500,000.00 元`);
  expect(await alert.getAttribute('data-acknowledged')).toBe('false');
  await h.screenshot(b, 'funder-exposure.png');
  await alert.getByLabel('备注').fill('已致电财务负责人');
  await alert.getByRole('button', { name: '确认预警' }).click();
  await expect.poll(() => alert.getAttribute('data-acknowledged')).toBe('true');
  expect(await alert.getByTestId('acknowledged').textContent()).toContain('已致电财务负责人');
  const acknowledged = (await bank.client.listAlerts({ subject: core.partyId })).items.find((a) => a.rule === 'newLitigation');
  expect(acknowledged).toMatchObject({ rule: 'newLitigation', acknowledgedBy: bank.partyId, note: '已致电财务负责人' });
}

const day = 86_400_000;
const inDays = (days: number): string => todayShanghai(Date.now() + days * day);

/** The core confirms a payable on a recorded trade through the invoices service (SDK), and waits until the ledger has it. */
async function confirmedPayable(core: Party, supplier: Party, amount: string): Promise<PayableRecord> {
  const { invoice } = await recordTrade(supplier, core, amount);
  const payableId = `AP-${newNonce().slice(0, 8)}`;
  await core.client.confirmPayable(core.partyId, { payableId, payee: supplier.partyId, amount, dueDate: addMonthsShanghai(5), invoices: [{ invoiceId: invoice.invoiceId, amount }] }, [core.signer]);
  return eventually(async () => {
    const p = await core.client.getPayable(payableId);
    return p.status === 'recorded' ? p : undefined;
  }, 30_000, `payable ${payableId} recorded`);
}

async function issueAccepted(core: Party, holder: Party, payableId: string, amount: string, maturityDate: string, creditLineFunder: string | null = null): Promise<string> {
  const voucherId = newVoucherId();
  await core.client.command('voucher.issue', core.partyId, { voucherId, holder: holder.partyId, amount, maturityDate, backing: [{ payableId, amount }], creditLineFunder }, [core.signer]);
  await holder.client.command('voucher.accept', holder.partyId, { voucherId }, [holder.signer]);
  return voucherId;
}

/**
 * The core enterprise's dashboard on real data: a payable confirmed through the invoices service
 * on a recorded trade (contract, delivery, invoice: a four-flow score with reasons), two vouchers
 * on it maturing in 20 days and in four months, one drawn on the bank's credit line.
 */
export async function coreDashboard(h: ConsoleHarness): Promise<void> {
  const [core, supplier, bank] = [await h.register(['core']), await h.register(['supplier']), await h.register(['funder'])];
  const payable = await confirmedPayable(core, supplier, '600000.00');
  expect(payable.fourFlow.reasons.length).toBeGreaterThan(0);
  await bank.client.command('creditLine.set', bank.partyId, { issuer: core.partyId, limit: '1000000.00', termDays: 180 }, [bank.signer]);
  const soon = await issueAccepted(core, supplier, payable.payableId, '200000.00', inDays(20));
  const later = await issueAccepted(core, supplier, payable.payableId, '400000.00', addMonthsShanghai(4), bank.partyId);

  const c = await h.signIn(core.partyId, core.key);
  await c.getByRole('button', { name: '概览' }).click();
  const bucket = (b: string) => c.locator(`tr[data-bucket="${b}"]`).getByTestId('bucket-total');
  await expect.poll(() => bucket('d30').textContent()).toBe('200,000.00');
  expect(await bucket('d180').textContent()).toBe('400,000.00');
  for (const b of ['past', 'd90', 'later']) expect(await bucket(b).textContent()).toBe('0.00');
  expect(await c.getByTestId('buckets-total').textContent()).toBe('600,000.00');
  expect(await c.locator(`tr[data-root="${soon}"]`).getByTestId('tree-outstanding').textContent()).toBe('200,000.00');
  expect(await c.locator(`tr[data-root="${later}"]`).getByTestId('tree-outstanding').textContent()).toBe('400,000.00');
  // Not yet at maturity: nothing to settle.
  expect(await c.getByTestId('trees').getByRole('button', { name: '到期结算' }).count()).toBe(0);

  // The bank's line: 400,000.00 of 1,000,000.00 used.
  const line = c.locator(`tr[data-funder="${bank.partyId}"]`);
  expect(await line.getByTestId('credit-used').textContent()).toBe('400,000.00');
  expect(await line.getByTestId('credit-available').textContent()).toBe('600,000.00');
  expect(await line.getByTestId('credit-percent').textContent()).toBe('40%');
  expect((await core.client.listCreditLines()).items.find((l) => l.funder === bank.partyId)).toMatchObject({ limit: '1000000.00', used: '400000.00' });

  // The payable with its invoices and the four-flow score's reasons.
  const p = c.locator(`tr[data-payable="${payable.payableId}"]`);
  expect(await p.getByTestId('four-flow-score').textContent()).toBe(`${payable.fourFlow.score} / 100`);
  await p.getByRole('button', { name: '详情' }).click();
  const details = c.getByTestId('payable-details');
  expect(await details.getByTestId('payable-invoices').textContent()).toContain(payable.invoices[0]!.invoiceId);
  expect(await details.getByTestId('payable-invoices').textContent()).toContain('600,000.00');
  const reasons = details.getByTestId('four-flow-reasons').locator('li');
  expect(await reasons.count()).toBe(payable.fourFlow.reasons.length);
  const first = payable.fourFlow.reasons[0]!;
  expect(await reasons.first().textContent()).toContain(`−${first.points}: ${first.detail} (${first.code})`);
  expect(await details.getByTestId('four-flow').textContent()).toContain(`四流合一评分 ${payable.fourFlow.score} / 100`);
  await expect.poll(() => details.textContent()).toContain('已开立（元） 600,000.00');
  await h.screenshot(c, 'core-dashboard.png');
}

/**
 * Settling at maturity by clicking: the stack's clock and the page's are moved past the tree's
 * maturity together (the page signs createdAt by its own clock), the core names the bank payment
 * and signs `voucher.settle`, and the tree shows settled; both clocks go back afterwards.
 */
export async function coreSettlesAtMaturity(h: ConsoleHarness): Promise<void> {
  const [core, tier1, tier2] = [await h.register(['core']), await h.register(['supplier']), await h.register(['supplier'])];
  const payableId = await h.stack.confirmPayable(core.partyId, tier1.partyId, '50000.00');
  const rootId = await issueAccepted(core, tier1, payableId, '50000.00', inDays(30));
  const [piece, kept] = [newVoucherId(), newVoucherId()];
  await tier1.client.command('voucher.transfer', tier1.partyId, { voucherId: rootId, pieces: [{ childId: piece, recipient: tier2.partyId, amount: '12345.67' }], remainder: { childId: kept, amount: '37654.33' } }, [tier1.signer]);
  await tier2.client.command('voucher.accept', tier2.partyId, { voucherId: piece }, [tier2.signer]);

  const offset = 35 * day;
  const reference = `BANK-${newNonce().slice(0, 10)}`;
  try {
    // Signed in first: sessions and tokens run on real time at the gateway; commands are checked,
    // and decided, by the simulated clock.
    const c = await h.signIn(core.partyId, core.key);
    await h.stack.moveClock(offset);
    await c.clock.setSystemTime(new Date(Date.now() + offset));
    expect(Math.abs((await c.evaluate(() => Date.now())) - h.stack.now().getTime())).toBeLessThan(60_000);
    await c.getByRole('button', { name: '概览' }).click();
    const tree = c.locator(`tr[data-root="${rootId}"]`);
    await expect.poll(() => tree.textContent()).toContain('已到期');
    expect(await tree.getByTestId('tree-outstanding').textContent()).toBe('50,000.00');
    expect(await c.locator('tr[data-bucket="past"]').getByTestId('bucket-total').textContent()).toBe('50,000.00');
    // Part of it first: paid pro rata, the rest overdue.
    await tree.getByRole('button', { name: '到期结算' }).click();
    await c.getByLabel('银行付款流水号').fill(reference);
    expect(await c.getByLabel('付款金额').inputValue()).toBe('50000.00');
    await c.getByLabel('付款金额').fill('20000.00');
    expect(await c.getByTestId('partial-warning').textContent()).toContain('按比例兑付');
    await c.getByRole('button', { name: '预览待签名指令' }).click();
    const preview = JSON.parse((await c.getByTestId('command-preview').textContent())!) as { payload: unknown; createdAt: string };
    expect(preview.payload).toEqual({ rootId, paymentReference: reference, paidAmount: '20000.00' });
    // Signed at the simulated time, as the ledger's clock reads it.
    expect(Math.abs(Date.parse(preview.createdAt) - h.stack.now().getTime())).toBeLessThan(60_000);
    await h.signShown(c, 'voucher.settle');
    await expect.poll(() => tree.getByTestId('tree-outstanding').textContent()).toBe('30,000.00');
    const afterPart = (await core.client.getVoucherTree(rootId)).nodes;
    expect(afterPart.find((n) => n.voucherId === piece)).toMatchObject({ status: 'overdue', outstanding: '7407.40' });
    expect(afterPart.find((n) => n.voucherId === kept)).toMatchObject({ status: 'overdue', outstanding: '22592.60' });

    // The same bank reference again is refused, readably (the ledger's 409).
    await tree.getByRole('button', { name: '到期结算' }).click();
    expect(await c.getByLabel('付款金额').inputValue()).toBe('30000.00');
    await c.getByLabel('银行付款流水号').fill(reference);
    await c.getByRole('button', { name: '预览待签名指令' }).click();
    h.expectedNetworkErrors.push('Failed to load resource: the server responded with a status of 409 (Conflict)');
    const refusal = await h.signShown(c, 'voucher.settle', 'outcome-refused');
    expect(refusal).toMatch(/^被拒绝: 该银行付款流水号已在结算中使用过.+\(paymentReferenceAlreadyUsed, HTTP 409\)$/);

    // The rest, under the reference of the payment that paid it.
    await c.getByLabel('银行付款流水号').fill(`${reference}-2`);
    await c.getByRole('button', { name: '预览待签名指令' }).click();
    await h.screenshot(c, 'core-settle.png');
    await h.signShown(c, 'voucher.settle');
    await expect.poll(() => tree.count()).toBe(0); // nothing left owed: the tree leaves the list
    await c.getByRole('button', { name: '凭证', exact: true }).click();
    // The root was split: its pieces are what was owed, and they are settled.
    await expect.poll(() => row(c, piece).getAttribute('data-status')).toBe('settled');
    expect(await row(c, kept).getAttribute('data-status')).toBe('settled');
    expect(await row(c, kept).textContent()).toContain('已兑付');
    await c.clock.setSystemTime(new Date());
    await c.context().close();
  } finally {
    await h.stack.moveClock(0);
  }
  const nodes = (await core.client.getVoucherTree(rootId)).nodes;
  expect(nodes.find((n) => n.voucherId === piece)).toMatchObject({ status: 'settled', outstanding: '0.00' });
  expect(nodes.find((n) => n.voucherId === kept)).toMatchObject({ status: 'settled', outstanding: '0.00' });
  expect((await core.client.getVoucher(rootId)).paymentReferences).toEqual([reference, `${reference}-2`]);
}
