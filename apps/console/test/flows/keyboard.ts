/**
 * The main flows with the keyboard only — no click, no fill: Tab to a control, type, Enter or
 * Space. Sign in with the key file (the file chooser opened from the keyboard), accept an offered
 * voucher, split and transfer it, cancel a command shown for signing with Escape, and move between
 * the tabs of a party with two roles. Every step checks where the focus is, so a control that Tab
 * cannot reach fails the test.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { exportPrivateKey, type PrivateKey } from '@cascade/crypto';
import { newVoucherId } from '@cascade/sdk/client';
import { addMonthsShanghai } from '../../../../services/gateway/test/stack.ts';
import { row, type ConsoleHarness } from '../harness.ts';

/** Tabs presses allowed to reach a control: more than a page this size needs, fewer than a loop. */
const tabsMax = 60;

/** What has the focus: its test id, name, label or text, for the messages of a failing step. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    if (!e) return '(nothing)';
    return e.getAttribute('data-testid') ?? e.getAttribute('name') ?? e.getAttribute('aria-label') ?? e.textContent?.trim() ?? e.tagName;
  });
}

/** Presses Tab until the focused element matches `selector` (fails if Tab never gets there). */
async function tabTo(page: Page, selector: string): Promise<void> {
  for (let i = 0; i < tabsMax; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab did not reach ${selector} in ${tabsMax} presses (the focus is on ${await focused(page)})`);
}

async function signInByKeyboard(h: ConsoleHarness, partyId: string, key: PrivateKey): Promise<Page> {
  const page = await h.open();
  // Listened for first: playwright takes over the file chooser only once the browser has its
  // listener, which must be before the key that opens it.
  const chooser = page.waitForEvent('filechooser');
  await tabTo(page, 'input[name="partyId"]');
  await page.keyboard.type(partyId);
  await tabTo(page, 'input[name="keyFile"]');
  // Space on a file input opens the system's file chooser; the person picks the key file there.
  await page.keyboard.press('Space');
  await (await chooser).setFiles({ name: 'party.key.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(exportPrivateKey(key, 'pem')) });
  await page.getByTestId('key-loaded').waitFor();
  await tabTo(page, 'form[aria-labelledby="signin-title"] button[type="submit"]');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId('whoami').textContent()).toContain(partyId);
  return page;
}

/** Enter on the focused sign button, then Enter on the outcome's OK: the dialog gives each the focus. */
async function signFocused(page: Page, type: string): Promise<void> {
  await page.getByTestId('command-preview').waitFor();
  expect((JSON.parse((await page.getByTestId('command-preview').textContent())!) as { type: string }).type).toBe(type);
  await expect.poll(() => focused(page)).toBe('sign-submit');
  await page.keyboard.press('Enter');
  await page.getByTestId('outcome-ok').waitFor();
  await expect.poll(() => focused(page)).toBe('OK');
  await page.keyboard.press('Enter');
}

export async function keyboardOnly(h: ConsoleHarness): Promise<void> {
  const [core, tier1, tier2] = [await h.register(['core']), await h.register(['supplier', 'funder']), await h.register(['supplier'])];
  const payableId = await h.stack.confirmPayable(core.partyId, tier1.partyId, '50000.00');
  const voucherId = newVoucherId();
  await core.client.command('voucher.issue', core.partyId, { voucherId, holder: tier1.partyId, amount: '50000.00', maturityDate: addMonthsShanghai(4), backing: [{ payableId, amount: '50000.00' }] }, [core.signer]);

  const page = await signInByKeyboard(h, tier1.partyId, tier1.key);

  // Accept the offer.
  await expect.poll(() => row(page, voucherId).getAttribute('data-status')).toBe('pending_acceptance');
  await tabTo(page, `tr[data-voucher="${voucherId}"] button:first-of-type`);
  await page.keyboard.press('Enter');
  await signFocused(page, 'voucher.accept');
  await expect.poll(() => row(page, voucherId).getAttribute('data-status')).toBe('active');

  // Split 12,345.67 off to tier 2: the form takes the focus when it opens.
  await tabTo(page, `tr[data-voucher="${voucherId}"] button:first-of-type`);
  await page.keyboard.press('Enter');
  await expect.poll(() => focused(page)).toBe('recipient');
  await page.keyboard.type(tier2.partyId);
  await tabTo(page, 'input[name="pieceAmount"]');
  await page.keyboard.type('12345.67');
  expect(await page.getByTestId('remainder').textContent()).toBe('37,654.33');
  await page.keyboard.press('Enter'); // submits the form
  // Escape puts a command shown for signing away unsigned, and the form keeps what was typed.
  await page.getByTestId('command-preview').waitFor();
  await page.keyboard.press('Escape');
  await expect.poll(() => page.getByTestId('sign-dialog').count()).toBe(0);
  expect(await page.locator('input[name="pieceAmount"]').inputValue()).toBe('12345.67');
  expect((await tier1.client.getVoucher(voucherId)).status).toBe('active');
  await tabTo(page, 'form[aria-label] button[type="submit"]');
  await page.keyboard.press('Enter');
  await signFocused(page, 'voucher.transfer');
  await expect.poll(async () => (await tier2.client.listVouchers()).items.map((v) => v.amount)).toEqual(['12345.67']);

  // A party with two roles moves between its tabs from the keyboard.
  await tabTo(page, 'nav[aria-label="main"] button:not([aria-current])');
  const chosen = await focused(page);
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('nav[aria-label="main"] button[aria-current="page"]').textContent()).toBe(chosen);
  expect(await page.locator('#holdings-title').count()).toBe(0);
  // Back to the vouchers: the first tab, before the one chosen.
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('#holdings-title').count()).toBe(1);
}
