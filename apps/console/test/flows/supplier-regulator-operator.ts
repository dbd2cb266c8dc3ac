/**
 * Console flows of the supplier, the regulator and the operator (issue 13), each registering its
 * own parties so they run in any order on the one stack of console.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { exportPublicKey, generateKeyPair } from '@cascade/crypto';
import { CascadeProblem, newVoucherId, type ProductTerms, type Role } from '@cascade/sdk/client';
import { eventually } from '@cascade/testing';
import { addMonthsShanghai, newUscc, signerOf } from '../../../../services/gateway/test/stack.ts';
import { row, type ConsoleHarness, type Party } from '../harness.ts';

const failedWith = (status: string) => `Failed to load resource: the server responded with a status of ${status}`;

/**
 * The operator issues a token to a supplier (shown once, copied with the button), the supplier
 * signs in with it in another browser, the operator revokes it, and the supplier's next request is
 * refused — readably, on its page. A token for an unregistered party is refused readably too.
 */
export async function operatorIssuesAndRevokesToken(h: ConsoleHarness): Promise<void> {
  const supplier = await h.register(['supplier']);
  const op = await h.signIn(h.stack.operator.partyId, h.stack.operator.key);
  await op.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.baseUrl });
  await op.getByRole('button', { name: '令牌', exact: true }).click();

  // An unregistered party: no tokens, and an issue is refused with the gateway's problem.
  await op.getByLabel('参与方编号', { exact: true }).fill('91320200MA1X00000X');
  await op.getByRole('button', { name: '查看令牌' }).click();
  await op.getByRole('button', { name: '签发令牌' }).click();
  h.expectedNetworkErrors.push(failedWith('404 (Not Found)'));
  await expect.poll(() => op.getByRole('alert').textContent()).toMatch(/^所指定的参与方未注册。 — no party 91320200MA1X00000X is registered \(unknownParty, HTTP 404\)$/);

  // The supplier's tokens: its own login, listed.
  await op.getByLabel('参与方编号', { exact: true }).fill(supplier.partyId);
  await op.getByRole('button', { name: '查看令牌' }).click();
  await expect.poll(() => op.locator('tr[data-token][data-state="valid"]').count()).toBe(1);
  await op.getByLabel('用途说明').fill('ERP 对接');
  await op.getByLabel('有效期').selectOption('7');
  await op.getByRole('button', { name: '签发令牌' }).click();
  const shown = op.getByTestId('issued-token');
  await shown.waitFor();
  expect(await shown.textContent()).toContain('此令牌只显示这一次');
  const token = await op.locator('input[name="issuedToken"]').inputValue();
  expect(token).toMatch(/^cgt1\.[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
  await op.getByRole('button', { name: '复制令牌' }).click();
  await op.getByTestId('token-copied').waitFor();
  expect(await op.evaluate(() => navigator.clipboard.readText())).toBe(token);
  const tokenId = token.split('.')[1]!;
  const issuedRow = op.locator(`tr[data-token="${tokenId}"]`);
  await expect.poll(() => issuedRow.getAttribute('data-state')).toBe('valid');
  expect(await issuedRow.textContent()).toContain('ERP 对接');
  await h.screenshot(op, 'operator-tokens.png');

  // The supplier, in a browser of its own, signs in with the pasted token.
  const s = await h.open();
  await s.getByLabel('访问令牌').fill(token);
  await s.getByRole('button', { name: '使用令牌登录' }).click();
  await expect.poll(() => s.getByTestId('whoami').textContent()).toContain(supplier.partyId);
  await s.getByRole('heading', { name: '我的凭证' }).waitFor();

  // The operator revokes it; the supplier's next request is refused, and its page says so.
  await op.getByRole('button', { name: '我已保存，隐藏令牌' }).click();
  expect(await op.getByTestId('issued-token').count()).toBe(0);
  await issuedRow.getByRole('button', { name: '吊销' }).click();
  await expect.poll(() => issuedRow.getAttribute('data-state')).toBe('revoked');
  expect(await issuedRow.textContent()).toContain('已吊销');
  await s.getByRole('button', { name: '刷新' }).click();
  h.expectedNetworkErrors.push(failedWith('401 (Unauthorized)'));
  await expect.poll(() => s.getByRole('alert').textContent()).toMatch(/^登录已失效，请重新登录。 — .+ \(tokenInvalid, HTTP 401\)$/);
  const refused = await h.stack.client(undefined, token).listTokens().catch((e: unknown) => e);
  expect((refused as CascadeProblem).code).toBe('tokenInvalid');
  await s.context().close();
}

/** A party registered with a name of its own (the harness names parties `party <id>`), logged in, known to the services. */
async function registerNamed(h: ConsoleHarness, name: string, roles: Role[]): Promise<Party> {
  const operator = await h.stack.operatorClient();
  const key = generateKeyPair('ed25519').privateKey;
  const partyId = newUscc();
  await operator.command('party.register', h.stack.operator.partyId, { partyId, uscc: partyId, name, roles, publicKeys: [{ keyId: key.keyId, alg: 'ed25519', publicKey: exportPublicKey(key, 'hex') }] }, [h.stack.operator.signer]);
  const client = h.stack.client();
  const signer = signerOf(key);
  await client.login(partyId, signer);
  await h.stack.seenByServices(partyId);
  return { partyId, roles, key, signer, client };
}

/** An active voucher the core issued to `holder` (through the SDK: setup, not what the flow tests). */
async function activeVoucherOf(h: ConsoleHarness, core: Party, holder: Party, amount: string): Promise<string> {
  const payableId = await h.stack.confirmPayable(core.partyId, holder.partyId, amount);
  const voucherId = newVoucherId();
  await core.client.command('voucher.issue', core.partyId, { voucherId, holder: holder.partyId, amount, maturityDate: addMonthsShanghai(4), backing: [{ payableId, amount }] }, [core.signer]);
  await holder.client.command('voucher.accept', holder.partyId, { voucherId }, [holder.signer]);
  return voucherId;
}

/** Tier 1 finds tier 2 in the directory by part of its name, picks it, and transfers a piece to it. */
export async function supplierFindsCounterpartyByName(h: ConsoleHarness): Promise<void> {
  const tag = randomBytes(2).toString('hex').toUpperCase();
  const core = await h.register(['core']);
  const tier1 = await registerNamed(h, `苏州精工机械有限公司 ${tag}`, ['supplier']);
  const tier2 = await registerNamed(h, `无锡紧固件制造有限公司 ${tag}`, ['supplier']);
  const voucherId = await activeVoucherOf(h, core, tier1, '500000.00');

  const t1 = await h.signIn(tier1.partyId, tier1.key);
  await row(t1, voucherId).getByRole('button', { name: '拆分/转让' }).click();
  const search = t1.getByLabel('查找收款方（名称或信用代码）');
  await search.fill(`紧固件制造有限公司 ${tag}`.slice(0, 6)); // part of the name: 紧固件制造有
  const matches = t1.getByRole('list', { name: '匹配的参与方' });
  await expect.poll(() => matches.locator(`button[data-party="${tier2.partyId}"]`).count()).toBe(1);
  await search.fill(`紧固件制造有限公司 ${tag}`);
  await expect.poll(() => matches.getByRole('button').count()).toBe(1);
  const match = matches.getByRole('button');
  expect(await match.textContent()).toBe(`无锡紧固件制造有限公司 ${tag} · ${tier2.partyId} · 供应商`);
  await h.screenshot(t1, 'supplier-directory.png');
  await match.click();
  expect(await t1.getByLabel('收款方编号').inputValue()).toBe(tier2.partyId);
  await expect.poll(() => t1.getByTestId('recipient-name').textContent()).toBe(`无锡紧固件制造有限公司 ${tag} (supplier)`);
  // A name nobody has.
  await search.fill(`没有这家公司 ${tag}`);
  await t1.getByTestId('directory-none').waitFor();
  await search.fill('');

  await t1.getByLabel('转让金额').fill('120000.00');
  expect(await t1.getByTestId('remainder').textContent()).toBe('380,000.00');
  await t1.getByRole('button', { name: '预览待签名指令' }).click();
  await h.signShown(t1, 'voucher.transfer');
  const offered = (await tier2.client.listVouchers()).items.filter((v) => v.status === 'pending_acceptance');
  expect(offered.map((v) => [v.amount, v.holder])).toEqual([['120000.00', tier2.partyId]]);
  await t1.context().close();
}

const anyGrade: ProductTerms['eligibleGrades'] = ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC', 'CC', 'C'];
const productOf = (name: string, annualRate: string, fees: string, amountMax = '5000000.00'): ProductTerms => ({ name, eligibleGrades: anyGrade, eligibleIssuers: null, amountMin: '1000.00', amountMax, tenorDaysMin: 7, tenorDaysMax: 366, annualRate, fees, dailyLimit: '10000000.00' });
const bankAccountOf = (n: string, name: string) => ({ account: { number: `6222${n}` }, agent: { bankCode: '102100099996' }, accountName: name });

/**
 * Two funders publish products (SDK: setup); the supplier compares what fits its voucher, cheapest
 * first with the reason another does not fit, chooses the cheapest and requests financing from its
 * funder by clicking; the bank approves (SDK); the supplier's "my financing" page follows the
 * request to the approval's terms and the disbursement's entry in the funder's payment file.
 */
export async function supplierComparesProductsAndFollowsFinancing(h: ConsoleHarness): Promise<void> {
  const core = await h.register(['core']);
  const supplier = await h.register(['supplier']);
  const [cheap, dear] = [await h.register(['funder']), await h.register(['funder'])];
  const voucherId = await activeVoucherOf(h, core, supplier, '200000.00');
  await cheap.client.publishProduct('FACTOR-A', productOf('保理贴现 A', '0.03', '100.00'));
  await dear.client.publishProduct('FACTOR-B', productOf('快速贴现 B', '0.04', '50.00'));
  await dear.client.publishProduct('SMALL-B', productOf('小额贴现 B', '0.02', '0.00', '100000.00'));
  await supplier.client.registerBankAccount(bankAccountOf('000000000101', '供应商账户'));
  await cheap.client.registerBankAccount(bankAccountOf('000000000102', '资金方账户'));
  // The risk service learns the voucher and the products from Kafka; the page is opened once it has.
  // Other flows on this stack publish products of their own that may fit too: only these two funders' are compared here.
  const ours = new Set([cheap.partyId, dear.partyId]);
  const matching = await eventually(async () => {
    const m = await supplier.client.matchProducts(voucherId).catch(() => undefined);
    if (!m) return undefined;
    const mine = { eligible: m.eligible.filter((p) => ours.has(p.funder)), ineligible: m.ineligible.filter((p) => ours.has(p.funder)) };
    return mine.eligible.length === 2 && mine.ineligible.length === 1 ? mine : undefined;
  }, 60_000, 'the risk service sees the voucher and the products');
  expect(matching.eligible.map((p) => p.productId)).toEqual(['FACTOR-A', 'FACTOR-B']);
  const best = matching.eligible[0]!.cost;

  const s = await h.signIn(supplier.partyId, supplier.key);
  await row(s, voucherId).getByRole('button', { name: '申请融资' }).click();
  await s.getByRole('button', { name: '比较融资产品' }).click();
  const eligible = s.getByRole('table', { name: '适用的产品（成本从低到高）' });
  const oursShown = () => eligible.locator('tbody tr').evaluateAll((rows, funders) => rows.filter((r) => funders.some((f) => r.textContent?.includes(f))).map((r) => r.getAttribute('data-product')), [...ours]);
  await expect.poll(oursShown).toEqual(['FACTOR-A', 'FACTOR-B']);
  const first = eligible.locator('tr[data-product="FACTOR-A"]');
  expect(await first.textContent()).toContain(`3%${best.days}`);
  expect(await first.getByTestId('product-total').textContent()).toBe(best.total.replace(/\B(?=(\d{3})+(?!\d))/g, ','));
  expect(await first.textContent()).toContain(`party ${cheap.partyId}`);
  const notFitting = s.getByRole('list', { name: '不适用的产品及原因' });
  const reason = matching.ineligible[0]!.reasons[0]!;
  expect(reason.code).toBe('amountAboveMaximum');
  expect(await notFitting.locator('li[data-product="SMALL-B"]').textContent()).toBe(`小额贴现 B (party ${dear.partyId}): 凭证金额高于该产品的最高金额（${reason.text.slice(reason.text.indexOf(': ') + 2)}）`);
  await first.getByRole('button', { name: '选择此产品' }).click();
  expect(await first.getAttribute('data-chosen')).toBe('true');
  expect(await s.getByLabel('资金方编号').inputValue()).toBe(cheap.partyId);
  expect(await s.getByRole('textbox', { name: '融资产品', exact: true }).inputValue()).toBe('FACTOR-A');
  expect(await s.getByLabel('可接受最高年利率').inputValue()).toBe('0.03');
  expect(await s.getByLabel('可接受最高费用').inputValue()).toBe('100.00');
  await h.screenshot(s, 'supplier-products.png');
  await s.getByRole('button', { name: '预览待签名指令' }).click();
  const preview = JSON.parse((await s.getByTestId('command-preview').textContent())!) as { payload: Record<string, string> };
  expect(preview.payload).toEqual({ voucherId, funder: cheap.partyId, productId: 'FACTOR-A', maxAnnualRate: '0.03', maxFees: '100.00' });
  await h.signShown(s, 'financing.request');

  // "My financing": the request, pending.
  await s.getByRole('button', { name: '我的融资', exact: true }).click();
  const followed = s.locator(`tr[data-financing="${voucherId}"]`);
  await expect.poll(() => followed.getAttribute('data-stage')).toBe('requested');
  expect(await followed.getByTestId('financing-stage').textContent()).toBe('审批中');
  expect(await followed.getByTestId('step-requested').textContent()).toContain('可接受最高年利率 3% · 可接受最高费用 100.00');

  // The bank approves (once the financing registry was searched for this financing).
  await eventually(async () => {
    try {
      return await cheap.client.command('financing.approve', cheap.partyId, { voucherId, annualRate: '0.03', fees: '100.00' }, [cheap.signer]);
    } catch (e) {
      if (e instanceof CascadeProblem && e.code === 'registrySearchPending') return undefined;
      throw e;
    }
  }, 60_000, 'the approval');
  const terms = (await supplier.client.getVoucher(voucherId)).financing!;
  expect([terms.interest, terms.fees, terms.net]).toEqual([best.interest, best.fees, best.net]);

  // The open page shows the approval with no click (the gateway's event stream)…
  await expect.poll(() => followed.getAttribute('data-stage'), { timeout: 15_000 }).toMatch(/^(approved|filed)$/);
  // …and follows it to the disbursement in the funder's payment file (which the workflows service writes later: refreshed).
  await expect.poll(async () => {
    await s.getByRole('button', { name: '刷新' }).click();
    return followed.getAttribute('data-stage');
  }, { timeout: 60_000, interval: 1_000 }).toBe('filed');
  const money = (a: string) => a.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  expect(await followed.getByTestId('step-approved').textContent()).toContain(`年利率 3% · ${terms.days} 天 · 利息 ${money(terms.interest)} · 费用 100.00 · 实付 ${money(terms.net)}`);
  const entry = (await supplier.client.listPaymentFiles()).incoming.find((e) => e.voucherId === voucherId)!;
  expect([entry.kind, entry.debtor, entry.amount, entry.state]).toEqual(['disbursement', cheap.partyId, terms.net, 'filed']);
  expect(await followed.getByTestId('step-disbursed').textContent()).toBe(`${money(terms.net)}端到端编号 ${entry.endToEndId}`);
  expect(await followed.getByTestId('financing-stage').textContent()).toBe('已列入资金方付款文件');
  await h.screenshot(s, 'supplier-financing.png');
  await s.context().close();
}

/**
 * The regulator finds an enterprise by part of its name, sees its vouchers and a tree; then
 * verifies the chain in its browser — every header's hash, link and signature — and sees the
 * first failure, at its height, when a header it is served was altered on the way.
 */
export async function regulatorFindsPartyAndVerifiesChain(h: ConsoleHarness): Promise<void> {
  const tag = randomBytes(2).toString('hex').toUpperCase();
  const core = await registerNamed(h, `常州精密轴承集团有限公司 ${tag}`, ['core']);
  const supplier = await h.register(['supplier']);
  const regulator = await h.register(['regulator']);
  const voucherId = await activeVoucherOf(h, core, supplier, '80000.00');

  const r = await h.signIn(regulator.partyId, regulator.key);
  await r.getByRole('button', { name: '参与方检索', exact: true }).click();
  await r.getByLabel('名称的一部分，或信用代码/编号开头').fill(`精密轴承集团有限公司 ${tag}`);
  await r.getByRole('button', { name: '查询', exact: true }).click();
  const match = r.locator(`tr[data-party="${core.partyId}"]`);
  await match.waitFor();
  expect(await r.locator('tr[data-party]').count()).toBe(1);
  expect(await match.textContent()).toContain('核心企业');
  await match.getByRole('button', { name: '查看凭证' }).click();
  await expect.poll(() => row(r, voucherId).getAttribute('data-status')).toBe('active');
  expect(await row(r, voucherId).textContent()).toContain('80,000.00');
  await row(r, voucherId).getByRole('button', { name: '查看凭证树' }).click();
  await expect.poll(() => r.locator('[data-testid="voucher-tree"] g').count()).toBe(1);
  await h.screenshot(r, 'regulator-parties.png');

  // The chain, verified in the browser. At least two blocks are sealed by now (or soon).
  await eventually(async () => ((await regulator.client.listBlocks({ limit: 2 })).blocks.length === 2 ? true : undefined), 60_000, 'two blocks sealed');
  await r.getByRole('button', { name: '链验证', exact: true }).click();
  await r.getByRole('button', { name: '验证全部区块' }).click();
  const verdict = r.getByTestId('chain-verdict');
  await verdict.waitFor({ timeout: 60_000 });
  expect(await verdict.getAttribute('data-ok')).toBe('true');
  const height = Number(await r.getByTestId('chain-head-height').textContent());
  expect(await verdict.locator('p').textContent()).toBe(`${height + 1} 个区块验证通过`);
  const [sealed] = (await regulator.client.listBlocks({ from: height, limit: 1 })).blocks;
  expect(await r.getByTestId('chain-head-hash').textContent()).toBe(sealed!.hash);
  await h.screenshot(r, 'regulator-chain.png');

  // A header altered between the ledger and the page: block 1 claims one operation more.
  await r.route('**/v1/blocks?*', async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as { blocks: { header: { height: number; count: number } }[] };
    for (const b of body.blocks) if (b.header.height === 1) b.header.count += 1;
    await route.fulfill({ response, json: body });
  });
  await r.getByRole('button', { name: '验证全部区块' }).click();
  await expect.poll(() => r.getByTestId('chain-verdict').getAttribute('data-ok')).toBe('false');
  expect(await r.getByTestId('chain-verdict').locator('p').textContent()).toBe('验证失败，区块高度 1: 区块头被篡改：哈希不符 — header altered: its hash does not match (此前已验证 1)');
  await r.unroute('**/v1/blocks?*');
  await r.context().close();
}
