/**
 * Keys created in the browser, inclusion proofs verified in the page, and live updates — by
 * clicking, in headless Chromium. Each flow registers its own parties.
 */
import { expect } from 'vitest';
import { newVoucherId } from '@cascade/sdk/client';
import { addMonthsShanghai } from '../../../../services/gateway/test/stack.ts';
import { row, type ConsoleHarness } from '../harness.ts';

/** Tier 1's open holdings page shows the voucher the core issues to it, with no click on refresh. */
export async function liveUpdates(h: ConsoleHarness): Promise<void> {
  const [core, tier1] = [await h.register(['core']), await h.register(['supplier'])];
  const page = await h.signIn(tier1.partyId, tier1.key);
  await expect.poll(() => page.getByTestId('live-indicator').getAttribute('data-state')).toBe('live');
  expect(await page.getByTestId('live-indicator').textContent()).toBe('实时更新中');
  expect(await page.locator('tr[data-voucher]').count()).toBe(0);

  const payableId = await h.stack.confirmPayable(core.partyId, tier1.partyId, '250000.00');
  const rootId = newVoucherId();
  await core.client.command('voucher.issue', core.partyId, { voucherId: rootId, holder: tier1.partyId, amount: '250000.00', maturityDate: addMonthsShanghai(4), backing: [{ payableId, amount: '250000.00' }] }, [core.signer]);
  // Nothing is clicked: the page hears of the voucher on its event stream and asks for its holdings again.
  await expect.poll(() => row(page, rootId).getAttribute('data-status'), { timeout: 15_000 }).toBe('pending_acceptance');
  expect(await row(page, rootId).textContent()).toContain('250,000.00');
  await h.screenshot(page, 'live-update.png');
}
