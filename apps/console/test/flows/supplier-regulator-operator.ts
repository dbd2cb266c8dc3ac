/**
 * Console flows of the supplier, the regulator and the operator (issue 13), each registering its
 * own parties so they run in any order on the one stack of console.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { exportPublicKey, generateKeyPair } from '@cascade/crypto';
import { CascadeProblem, newVoucherId, type Role } from '@cascade/sdk/client';
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
