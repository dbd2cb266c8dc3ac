/**
 * The web console end to end in Debian's headless Chromium: Vite builds it, a gateway (in front of
 * the real ledger process, on PostgreSQL, Redis and Kafka) serves it at `/`, and each party signs
 * in with its PEM key file in a browser context of its own. The demo scenario by clicking: the core
 * enterprise issues against its confirmed payable, tier 1 accepts and splits, tier 2 accepts and requests
 * financing, the bank approves, the regulator freezes the tree, and tier 1's next transfer is
 * refused with the ledger's readable message; the operator onboards a party. No console errors.
 * Screenshots of each role's main page go to a temporary folder, or to docs/console/ (the committed
 * ones) with CONSOLE_SCREENSHOTS=docs: a test run leaves the tree as it was.
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { exportPrivateKey, exportPublicKey, generateKeyPair, type PrivateKey } from '@cascade/crypto';
import { addMonthsShanghai, newUscc, root, Stack, type TestParty } from '../../../services/gateway/test/stack.ts';
import type { CascadeClient } from '@cascade/sdk/client';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const screenshotsDir = process.env.CONSOLE_SCREENSHOTS === 'docs' ? path.join(root, 'docs/console') : mkdtempSync(path.join(os.tmpdir(), 'cascade-console-'));
const stepTimeoutMs = 30_000;

type P = TestParty & { client: CascadeClient };
let stack: Stack;
let browser: Browser;
let baseUrl: string;
let core: P, tier1: P, tier2: P, bank: P, regulator: P;
const consoleErrors: string[] = [];

beforeAll(async () => {
  // vitest runs with NODE_ENV=test, which would give the JSX dev transform and React's development
  // build; the console is tested as it ships.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  // Built beside dist and swapped in, so a gateway another test file starts meanwhile sees the
  // old build or the new one, never a half-written folder.
  const dist = path.join(root, 'apps/console/dist');
  const fresh = `${dist}-${process.pid}`;
  try {
    await build({ configFile: path.join(root, 'apps/console/vite.config.ts'), logLevel: 'warn', build: { outDir: fresh, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  rmSync(dist, { recursive: true, force: true });
  renameSync(fresh, dist);
  stack = await Stack.start();
  baseUrl = (await stack.gateway()).url;
  [core, tier1, tier2, bank, regulator] = [await stack.register(['core']), await stack.register(['supplier']), await stack.register(['supplier'], 'sm2'), await stack.register(['funder']), await stack.register(['regulator'])];
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: infra/cascade installs Debian's chromium, or set CHROMIUM_PATH`);
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags, headless: true });
  mkdirSync(screenshotsDir, { recursive: true });
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function open(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(stepTimeoutMs);
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(baseUrl);
  return page;
}

async function signIn(partyId: string, key: PrivateKey): Promise<Page> {
  const page = await open();
  await page.getByLabel('参与方编号').fill(partyId);
  await page.getByLabel('私钥文件').setInputFiles({ name: 'party.key.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(exportPrivateKey(key, 'pem')) });
  await page.getByTestId('key-loaded').waitFor();
  await page.getByRole('button', { name: '签名登录' }).click();
  await expect.poll(() => page.getByTestId('whoami').textContent()).toContain(partyId);
  return page;
}

/** Checks the command shown is the one expected, signs it, and waits for the outcome. */
async function signShown(page: Page, type: string, outcome: 'outcome-ok' | 'outcome-refused' = 'outcome-ok'): Promise<string> {
  const preview = JSON.parse((await page.getByTestId('command-preview').textContent())!) as { type: string };
  expect(preview.type).toBe(type);
  await page.getByTestId('sign-submit').click();
  const text = (await page.getByTestId(outcome).textContent())!;
  await page.getByRole('button', { name: 'OK' }).click();
  return text;
}

const row = (page: Page, voucherId: string) => page.locator(`tr[data-voucher="${voucherId}"]`);

describe('the web console in headless Chromium', () => {
  it('serves the built console at / and leaves the API, docs and health where they were', async () => {
    const index = await fetch(`${baseUrl}/`);
    expect(index.status, await index.clone().text()).toBe(200);
    expect(await index.text()).toContain('<div id="root">');
    expect((await fetch(`${baseUrl}/health`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/v1/chain`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/docs/`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/no-such-page`)).status).toBe(404);
  });

  it('runs the demo scenario by clicking, from acceptance to a refused transfer of a frozen voucher', async () => {
    const signInPage = await open();
    await signInPage.screenshot({ path: path.join(screenshotsDir, 'sign-in.png'), fullPage: true });

    // The core enterprise issues against its confirmed payable (the invoices service's fact).
    const payableId = await stack.confirmPayable(core.partyId, tier1.partyId, '1000000.00');
    const c = await signIn(core.partyId, core.key);
    await c.getByLabel('已确认应付账款').selectOption(payableId);
    await expect.poll(() => c.locator('input[name="issueAmount"]').inputValue()).toBe('1000000.00');
    await c.locator('input[name="maturityDate"]').fill(addMonthsShanghai(5));
    await c.getByRole('button', { name: '预览待签名指令' }).click();
    await signShown(c, 'voucher.issue');
    const issued = c.locator('tr[data-status="pending_acceptance"]');
    await expect.poll(() => issued.count()).toBe(1);
    const rootId = (await issued.getAttribute('data-voucher'))!;
    expect(await row(c, rootId).textContent()).toContain('1,000,000.00');
    await c.screenshot({ path: path.join(screenshotsDir, 'core.png'), fullPage: true });

    // Tier 1 accepts and splits 300,000.00 off to tier 2.
    const t1 = await signIn(tier1.partyId, tier1.key);
    await expect.poll(() => row(t1, rootId).textContent()).toContain('1,000,000.00');
    await row(t1, rootId).getByRole('button', { name: '签收' }).click();
    await signShown(t1, 'voucher.accept');
    await expect.poll(() => row(t1, rootId).getAttribute('data-status')).toBe('active');
    await row(t1, rootId).getByRole('button', { name: '拆分/转让' }).click();
    await t1.getByLabel('收款方编号').fill(tier2.partyId);
    await expect.poll(() => t1.getByTestId('recipient-name').textContent()).toBe(`party ${tier2.partyId} (supplier)`);
    await t1.getByLabel('转让金额').fill('300000.00');
    expect(await t1.getByTestId('remainder').textContent()).toBe('700,000.00');
    await t1.getByRole('button', { name: '预览待签名指令' }).click();
    await signShown(t1, 'voucher.transfer');
    await expect.poll(() => t1.locator(`tr[data-voucher="${rootId}"][data-status="active"]`).count()).toBe(0);
    await expect.poll(() => t1.locator('tr[data-status="active"]').count()).toBe(1);
    const kept = (await t1.locator('tr[data-status="active"]').getAttribute('data-voucher'))!;
    expect(kept).toBeTruthy();
    await row(t1, kept).getByRole('button', { name: '查看凭证树' }).click();
    await expect.poll(() => t1.locator(`[data-testid="voucher-tree"] g[data-highlighted="true"]`).count()).toBeGreaterThanOrEqual(2);
    await t1.screenshot({ path: path.join(screenshotsDir, 'supplier.png'), fullPage: true });

    // Tier 2 accepts its piece (keyboard only: Tab to the button, Enter) and requests financing.
    const t2 = await signIn(tier2.partyId, tier2.key);
    const offered = t2.locator('tr[data-status="pending_acceptance"]');
    await expect.poll(() => offered.count()).toBe(1);
    const piece = (await offered.getAttribute('data-voucher'))!;
    await row(t2, piece).getByRole('button', { name: '签收' }).focus();
    await t2.keyboard.press('Enter');
    await t2.getByTestId('command-preview').waitFor();
    await expect.poll(() => t2.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('sign-submit');
    await t2.keyboard.press('Enter');
    await t2.getByTestId('outcome-ok').waitFor();
    await t2.keyboard.press('Enter'); // the OK button has the focus
    await expect.poll(() => row(t2, piece).getAttribute('data-status')).toBe('active');
    await row(t2, piece).getByRole('button', { name: '申请融资' }).click();
    await t2.getByLabel('资金方编号').fill(bank.partyId);
    await t2.getByRole('button', { name: '预览待签名指令' }).click();
    await signShown(t2, 'financing.request');
    await expect.poll(() => row(t2, piece).getAttribute('data-status')).toBe('pending_financing');

    // The bank approves.
    const b = await signIn(bank.partyId, bank.key);
    await b.getByLabel('凭证编号').fill(piece);
    await b.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => row(b, piece).getAttribute('data-status')).toBe('pending_financing');
    await b.screenshot({ path: path.join(screenshotsDir, 'funder.png'), fullPage: true });
    await row(b, piece).getByRole('button', { name: '批准 / 拒绝融资' }).click();
    await b.getByRole('button', { name: '批准', exact: true }).click();
    await signShown(b, 'financing.approve');
    expect((await bank.client.getVoucher(piece)).status).toBe('financed');
    // The disbursement as the bank's holdings show it: interest ACT/360, fees, net — to the cent.
    await b.getByRole('button', { name: '凭证', exact: true }).click();
    await expect.poll(() => row(b, piece).getByTestId('financing-terms').textContent()).toMatch(/^利息 [\d,]+\.\d{2} · 费用 150\.00 · 实付 [\d,]+\.\d{2} · \d{4}-\d{2}-\d{2}$/);
    await b.screenshot({ path: path.join(screenshotsDir, 'funder-holdings.png'), fullPage: true });

    // The regulator freezes the whole tree with a reason.
    const r = await signIn(regulator.partyId, regulator.key);
    await r.getByLabel('凭证编号').fill(rootId);
    await r.getByRole('button', { name: '查询' }).click();
    await r.getByLabel('原因').fill('涉嫌虚假贸易，司法协查');
    await r.getByRole('button', { name: '冻结（含子树）' }).click();
    await signShown(r, 'voucher.freeze');
    expect((await tier1.client.getVoucher(kept)).status).toBe('frozen');
    await expect.poll(() => r.locator('[data-testid="voucher-tree"] g').count()).toBe(3);
    await r.screenshot({ path: path.join(screenshotsDir, 'regulator.png'), fullPage: true });

    // Tier 1's page still lists its piece as it was; its transfer is refused, readably.
    await row(t1, kept).getByRole('button', { name: '拆分/转让' }).click();
    await t1.getByLabel('收款方编号').fill(tier2.partyId);
    await t1.getByLabel('转让金额').fill('100.00');
    await t1.getByRole('button', { name: '预览待签名指令' }).click();
    const preview = t1.getByTestId('command-preview');
    await preview.waitFor();
    await t1.getByTestId('sign-submit').click();
    const refusal = (await t1.getByTestId('outcome-refused').textContent())!;
    await t1.screenshot({ path: path.join(screenshotsDir, 'refused-transfer.png'), fullPage: true });
    expect(refusal).toMatch(/^被拒绝: .+\(\w+, HTTP 4\d\d\)$/);
    expect(refusal).not.toMatch(/undefined|\[object/);
    expect(refusal).toContain('该凭证已被监管方冻结');

    // The regulator lifts the freeze, with a reason; tier 1's voucher is active again.
    await r.getByLabel('原因').fill('协查结束');
    await r.getByRole('button', { name: '解冻' }).click();
    await signShown(r, 'voucher.unfreeze');
    expect((await tier1.client.getVoucher(kept)).status).toBe('active');

    // The English switch, on a tablet's width.
    await t1.getByRole('button', { name: 'OK' }).click();
    await t1.getByTestId('switch-lang').click();
    await expect.poll(() => t1.getByRole('heading', { level: 1 }).textContent()).toBe('Cascade supply-chain finance console');
    await t1.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => row(t1, kept).getAttribute('data-status')).toBe('active');
    await t1.setViewportSize({ width: 820, height: 1180 });
    await t1.screenshot({ path: path.join(screenshotsDir, 'supplier-en-tablet.png'), fullPage: true });
  });

  it('signs in with a pasted bearer token and finds the party and its roles from it', async () => {
    const login = await stack.client().login(tier2.partyId, tier2.signer, { label: 'pasted' });
    const page = await open();
    await page.getByLabel('访问令牌').fill(login.token);
    await page.getByRole('button', { name: '使用令牌登录' }).click();
    await expect.poll(() => page.getByTestId('whoami').textContent()).toContain(tier2.partyId);
    expect(await page.getByTestId('whoami').textContent()).toContain('供应商');
  });

  it('lets the operator onboard a party with its roles and public key', async () => {
    const op = await signIn(stack.operator.partyId, stack.operator.key);
    const key = generateKeyPair('ed25519').privateKey;
    const partyId = newUscc();
    await op.getByLabel('参与方编号').fill(partyId);
    await op.getByLabel('统一社会信用代码（监管/运营方可留空）').fill(partyId);
    await op.getByLabel('名称').fill('无锡紧固件厂');
    await op.getByLabel('公钥').fill(exportPublicKey(key, 'pem'));
    await op.getByRole('button', { name: '预览待签名指令' }).click();
    await op.screenshot({ path: path.join(screenshotsDir, 'operator.png'), fullPage: true });
    await signShown(op, 'party.register');
    const party = await (await stack.operatorClient()).getParty(partyId);
    expect(party.roles).toEqual(['supplier']);
    expect(party.name).toBe('无锡紧固件厂');
  });

  it('logs no console errors on any page, but for Chromium\'s line about the one refusal the scenario provokes', () => {
    // Chromium logs every HTTP error response as "Failed to load resource"; the frozen voucher's
    // transfer is refused with 409 on purpose, and that must be the only one.
    const network = consoleErrors.filter((m) => m.startsWith('Failed to load resource'));
    expect(consoleErrors.filter((m) => !network.includes(m))).toEqual([]);
    expect(network).toEqual(['Failed to load resource: the server responded with a status of 409 (Conflict)']);
  });
});
