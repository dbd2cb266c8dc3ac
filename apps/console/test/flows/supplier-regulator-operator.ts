/**
 * Console flows of the supplier, the regulator and the operator (issue 13), each registering its
 * own parties so they run in any order on the one stack of console.test.ts.
 */
import { expect } from 'vitest';
import { CascadeProblem } from '@cascade/sdk/client';
import type { ConsoleHarness } from '../harness.ts';

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
