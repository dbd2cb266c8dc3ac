/**
 * What every console flow test needs: the console built by Vite as it ships, a stack (the ledger
 * process and a gateway, and with `services` the invoices, risk and workflows services, on real
 * PostgreSQL, Redis and Kafka) serving it, and Debian's headless Chromium with one browser context
 * per party; every process on one simulated clock. Flows live in `flows/`, one file per area, each registering its own parties, so they
 * run in any order on one stack; console.test.ts runs them all.
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { build } from 'vite';
import { exportPrivateKey, type PrivateKey } from '@cascade/crypto';
import { root, Stack, type TestParty } from '../../../services/gateway/test/stack.ts';
import type { CascadeClient } from '@cascade/sdk/client';

export type Party = TestParty & { client: CascadeClient };

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const stepTimeoutMs = 30_000;

/** vitest runs with NODE_ENV=test, which would give the JSX dev transform and React's development build; the console is tested as it ships. */
async function buildConsole(): Promise<void> {
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
}

export class ConsoleHarness {
  /** Every console error and page error, from every page opened. */
  readonly consoleErrors: string[] = [];
  /** Chromium's "Failed to load resource" lines a flow provokes on purpose (a refusal it tests). */
  readonly expectedNetworkErrors: string[] = [];

  private constructor(
    readonly stack: Stack,
    readonly browser: Browser,
    readonly baseUrl: string,
    /** Screenshots go to a temporary folder, or to docs/console/ (the committed ones) with CONSOLE_SCREENSHOTS=docs. */
    readonly screenshotsDir: string,
  ) {}

  static async start(): Promise<ConsoleHarness> {
    if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: infra/cascade installs Debian's chromium, or set CHROMIUM_PATH`);
    await buildConsole();
    // On a simulated clock (offset 0 until a flow moves it: `stack.moveClock`), so a flow can reach
    // maturity; a flow that moves it moves the browser's clock with it (playwright's page.clock) and moves both back.
    const stack = await Stack.start({ services: true, clock: true });
    const baseUrl = (await stack.gateway()).url;
    const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags, headless: true });
    const screenshotsDir = process.env.CONSOLE_SCREENSHOTS === 'docs' ? path.join(root, 'docs/console') : mkdtempSync(path.join(os.tmpdir(), 'cascade-console-'));
    mkdirSync(screenshotsDir, { recursive: true });
    return new ConsoleHarness(stack, browser, baseUrl, screenshotsDir);
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    await this.stack?.stop();
  }

  async open(options: { width?: number; height?: number; locale?: string } = {}): Promise<Page> {
    const context = await this.browser.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 900 }, locale: options.locale ?? 'zh-CN' });
    const page = await context.newPage();
    page.setDefaultTimeout(stepTimeoutMs);
    page.on('console', (message) => {
      if (message.type() === 'error') this.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => this.consoleErrors.push(error.message));
    await page.goto(this.baseUrl);
    return page;
  }

  /** Signs in as a person does: party id, the PEM key file chosen, "签名登录". */
  async signIn(partyId: string, key: PrivateKey): Promise<Page> {
    const page = await this.open();
    await page.getByLabel('参与方编号').fill(partyId);
    await page.getByLabel('私钥文件').setInputFiles({ name: 'party.key.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(exportPrivateKey(key, 'pem')) });
    await page.getByTestId('key-loaded').waitFor();
    await page.getByRole('button', { name: '签名登录' }).click();
    await expect.poll(() => page.getByTestId('whoami').textContent()).toContain(partyId);
    return page;
  }

  /** Checks the command shown is the one expected, signs it, and waits for the outcome (its text). */
  async signShown(page: Page, type: string, outcome: 'outcome-ok' | 'outcome-refused' = 'outcome-ok'): Promise<string> {
    const preview = JSON.parse((await page.getByTestId('command-preview').textContent())!) as { type: string };
    expect(preview.type).toBe(type);
    await page.getByTestId('sign-submit').click();
    const text = (await page.getByTestId(outcome).textContent())!;
    await page.getByRole('button', { name: 'OK' }).click();
    return text;
  }

  screenshot(page: Page, name: string): Promise<Buffer> {
    return page.screenshot({ path: path.join(this.screenshotsDir, name), fullPage: true });
  }

  /** Registers a party (operator-signed through the gateway) the services know. */
  register(roles: Parameters<Stack['register']>[0], alg: 'ed25519' | 'sm2' = 'ed25519'): Promise<Party> {
    return this.stack.register(roles, alg);
  }
}

/** A voucher's row in a list the console draws (`tr[data-voucher]`). */
export const row = (page: Page, voucherId: string): Locator => page.locator(`tr[data-voucher="${voucherId}"]`);
