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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { exportPublicKey, generateKeyPair } from '@cascade/crypto';
import { addMonthsShanghai, newUscc } from '../../../services/gateway/test/stack.ts';
import { keyboardOnly } from './flows/keyboard.ts';
import { ConsoleHarness, row, type Party } from './harness.ts';
import { coreDashboard, coreSettlesAtMaturity, funderInboxExposureAlertsProducts } from './flows/core-bank.ts';
import { eventually } from '@cascade/testing';
import { operatorIssuesAndRevokesToken, regulatorFindsPartyAndVerifiesChain, supplierComparesProductsAndFollowsFinancing, supplierFindsCounterpartyByName } from './flows/supplier-regulator-operator.ts';
import { browserKeys, liveUpdates, proofsInPage } from './flows/keys-proofs-live.ts';

let h: ConsoleHarness;
let core: Party, tier1: Party, tier2: Party, bank: Party, regulator: Party;

beforeAll(async () => {
  h = await ConsoleHarness.start();
  [core, tier1, tier2, bank, regulator] = [await h.register(['core']), await h.register(['supplier']), await h.register(['supplier'], 'sm2'), await h.register(['funder']), await h.register(['regulator'])];
}, 240_000);
afterAll(async () => {
  await h?.stop();
});

const open = (): Promise<Page> => h.open();
const signIn = (partyId: string, key: Party['key']): Promise<Page> => h.signIn(partyId, key);
const signShown = (page: Page, type: string, outcome?: 'outcome-ok' | 'outcome-refused'): Promise<string> => h.signShown(page, type, outcome);
const shot = (page: Page, name: string) => h.screenshot(page, name);

describe('the web console in headless Chromium', () => {
  it('serves the built console at / and leaves the API, docs and health where they were', async () => {
    const index = await fetch(`${h.baseUrl}/`);
    expect(index.status, await index.clone().text()).toBe(200);
    expect(await index.text()).toContain('<div id="root">');
    expect((await fetch(`${h.baseUrl}/health`)).status).toBe(200);
    expect((await fetch(`${h.baseUrl}/v1/chain`)).status).toBe(200);
    expect((await fetch(`${h.baseUrl}/docs/`)).status).toBe(200);
    expect((await fetch(`${h.baseUrl}/no-such-page`)).status).toBe(404);
  });

  it('runs the demo scenario by clicking, from acceptance to a refused transfer of a frozen voucher', async () => {
    const signInPage = await open();
    await shot(signInPage, 'sign-in.png');

    // The core enterprise issues against its confirmed payable (the invoices service's fact).
    const payableId = await h.stack.confirmPayable(core.partyId, tier1.partyId, '1000000.00');
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
    await shot(c, 'core.png');

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
    await shot(t1, 'supplier.png');

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

    // The bank approves once the registry (中登网) has been searched for this financing: the record
    // is a 404 until the workflows service has the financing, and while the search is pending the
    // gateway refuses the approval (registrySearchPending) — a person would see that refusal, the
    // scenario waits as the bank would.
    await eventually(async () => ((await bank.client.getFinancingRegistry(piece).catch(() => undefined))?.search.state === 'done') || undefined, 30_000, 'the registry searched');
    const b = await signIn(bank.partyId, bank.key);
    await b.getByLabel('凭证编号').fill(piece);
    await b.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => row(b, piece).getAttribute('data-status')).toBe('pending_financing');
    await shot(b, 'funder-lookup.png');
    await row(b, piece).getByRole('button', { name: '批准 / 拒绝融资' }).click();
    await b.getByRole('button', { name: '批准', exact: true }).click();
    await signShown(b, 'financing.approve');
    expect((await bank.client.getVoucher(piece)).status).toBe('financed');
    // The disbursement as the bank's holdings show it: interest ACT/360, fees, net — to the cent.
    await b.getByRole('button', { name: '凭证', exact: true }).click();
    await expect.poll(() => row(b, piece).getByTestId('financing-terms').textContent()).toMatch(/^利息 [\d,]+\.\d{2} · 费用 150\.00 · 实付 [\d,]+\.\d{2} · \d{4}-\d{2}-\d{2}$/);
    await shot(b, 'funder-holdings.png');

    // The regulator freezes the whole tree with a reason.
    const r = await signIn(regulator.partyId, regulator.key);
    await r.getByLabel('凭证编号').fill(rootId);
    await r.getByRole('button', { name: '查询' }).click();
    await r.getByLabel('原因').fill('涉嫌虚假贸易，司法协查');
    await r.getByRole('button', { name: '冻结（含子树）' }).click();
    await signShown(r, 'voucher.freeze');
    expect((await tier1.client.getVoucher(kept)).status).toBe('frozen');
    await expect.poll(() => r.locator('[data-testid="voucher-tree"] g').count()).toBe(3);
    await shot(r, 'regulator.png');

    // Tier 1's page still lists its piece as it was; its transfer is refused, readably.
    await row(t1, kept).getByRole('button', { name: '拆分/转让' }).click();
    await t1.getByLabel('收款方编号').fill(tier2.partyId);
    await t1.getByLabel('转让金额').fill('100.00');
    await t1.getByRole('button', { name: '预览待签名指令' }).click();
    const preview = t1.getByTestId('command-preview');
    await preview.waitFor();
    await t1.getByTestId('sign-submit').click();
    const refusal = (await t1.getByTestId('outcome-refused').textContent())!;
    await shot(t1, 'refused-transfer.png');
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
    await shot(t1, 'supplier-en-tablet.png');
  });

  it('signs in with a pasted bearer token and finds the party and its roles from it', async () => {
    const login = await h.stack.client().login(tier2.partyId, tier2.signer, { label: 'pasted' });
    const page = await open();
    await page.getByLabel('访问令牌').fill(login.token);
    await page.getByRole('button', { name: '使用令牌登录' }).click();
    await expect.poll(() => page.getByTestId('whoami').textContent()).toContain(tier2.partyId);
    expect(await page.getByTestId('whoami').textContent()).toContain('供应商');
  });

  it('lets the operator onboard a party with its roles and public key', async () => {
    const op = await signIn(h.stack.operator.partyId, h.stack.operator.key);
    const key = generateKeyPair('ed25519').privateKey;
    const partyId = newUscc();
    await op.getByLabel('参与方编号').fill(partyId);
    await op.getByLabel('统一社会信用代码（监管/运营方可留空）').fill(partyId);
    await op.getByLabel('名称').fill('无锡紧固件厂');
    await op.getByLabel('公钥').fill(exportPublicKey(key, 'pem'));
    await op.getByRole('button', { name: '预览待签名指令' }).click();
    await shot(op, 'operator.png');
    await signShown(op, 'party.register');
    const party = await (await h.stack.operatorClient()).getParty(partyId);
    expect(party.roles).toEqual(['supplier']);
    expect(party.name).toBe('无锡紧固件厂');
  });

  // Keyboard only.
  it('runs the main flows with the keyboard only: sign-in with the key file, accept, split and transfer, Escape, tabs', () => keyboardOnly(h));

  // Core enterprise and bank (funder) views (flows/core-bank.ts).
  it('shows the bank its requests with assessment and registry, approves by clicking, its exposure per issuer, an acknowledged alert and a published product', () => funderInboxExposureAlertsProducts(h), 180_000);
  it("shows the core enterprise its trees by maturity, its credit-line use and its payables with invoices and four-flow reasons", () => coreDashboard(h), 180_000);
  it('lets the core enterprise settle a tree at maturity by clicking, the stack and the page on a clock moved past it and back', () => coreSettlesAtMaturity(h), 180_000);

  // Supplier, regulator and operator (issue 13): apps/console/test/flows/supplier-regulator-operator.ts
  it('lets the operator issue a token to a party (shown once, copied), used to sign in elsewhere, then revoked and refused readably', () => operatorIssuesAndRevokesToken(h));
  it('lets a supplier find its counterparty by part of its name in the directory and transfer to it', () => supplierFindsCounterpartyByName(h));
  it('lets a supplier compare the products that fit its voucher, request the cheapest, and follow it to the disbursement', () => supplierComparesProductsAndFollowsFinancing(h), 120_000);
  it('lets the regulator find a party by name, see its vouchers and tree, and verify the chain of block headers in the browser', () => regulatorFindsPartyAndVerifiesChain(h), 120_000);

  // Keys in the browser, proofs and live updates (flows/keys-proofs-live.ts).
  it('shows a voucher issued to the viewer on its open page without a refresh (live updates)', () => liveUpdates(h), 60_000);
  it('creates Ed25519 (WebCrypto) and SM2 keys in the page, keeps them in the browser, and signs in and signs with them after a reload', () => browserKeys(h), 120_000);
  it('downloads an operation\'s inclusion proof from a voucher\'s history and verifies it in the page; a tampered one is invalid, with the reason', () => proofsInPage(h), 90_000);

  it('logs no console errors on any page, but for Chromium\'s lines about the refusals the flows provoke on purpose', () => {
    // Chromium logs every HTTP error response as "Failed to load resource"; the frozen voucher's
    // transfer is refused with 409 on purpose, and each flow names the ones it provokes
    // (h.expectedNetworkErrors): those must be the only ones.
    const network = h.consoleErrors.filter((m) => m.startsWith('Failed to load resource'));
    expect(h.consoleErrors.filter((m) => !network.includes(m))).toEqual([]);
    expect(network.sort()).toEqual(['Failed to load resource: the server responded with a status of 409 (Conflict)', ...h.expectedNetworkErrors].sort());
  });
});
