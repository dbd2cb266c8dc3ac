/**
 * The SDK's signing path in a browser: `@cascade/sdk/client` bundled by esbuild for the browser
 * platform (a node:* import would fail the build, and the bundle's inputs are checked for any),
 * then run in headless Chromium (Debian's, driven by playwright-core): it makes Ed25519 and SM2
 * keys, builds and signs a command, and Node verifies those signatures over the canonical bytes.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalBytes, keyIdOf, verifySignature } from '@cascade/crypto';

const here = path.dirname(fileURLToPath(import.meta.url));
const entry = path.resolve(here, '../src/client/index.ts');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

let bundle: string;
let inputs: string[];

beforeAll(async () => {
  const result = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'iife', globalName: 'CascadeSDK', write: false, metafile: true, logLevel: 'silent', target: 'es2022' });
  bundle = result.outputFiles[0]!.text;
  inputs = Object.keys(result.metafile.inputs);
});

describe('the SDK in a browser', () => {
  it('bundles for the browser with no node:* module in it', () => {
    expect(inputs.some((i) => i.includes('libs/sdk/src/client/signing.ts'))).toBe(true);
    expect(inputs.some((i) => i.includes('libs/crypto/src/sm2-pure.ts'))).toBe(true);
    expect(inputs.filter((i) => i.startsWith('node:') || /\/(node_modules\/)?(kafkajs|pg|ioredis|fastify)\//.test(i))).toEqual([]);
    expect(bundle).not.toMatch(/require\(["']node:/);
    expect(bundle).not.toMatch(/from ["']node:/);
  });

  describe('in Chromium', () => {
    let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
    beforeAll(async () => {
      if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: infra/cascade installs Debian's chromium (apt-get install chromium), or set CHROMIUM_PATH`);
      browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags, headless: true });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    it('signs a command with Ed25519 and SM2 that Node verifies', async () => {
      const page = await browser!.newPage();
      await page.setContent('<!doctype html><title>sdk</title>');
      await page.addScriptTag({ content: bundle });
      const signed = await page.evaluate(() => {
        const sdk = (globalThis as unknown as { CascadeSDK: typeof import('../src/client/index.ts') }).CascadeSDK;
        const signers = [sdk.generateSigner('ed25519'), sdk.generateSigner('sm2')];
        const command = {
          type: 'voucher.transfer' as const,
          chain: 'cascade-browser',
          actor: '91310000MA1FL8XX0X',
          nonce: sdk.newNonce(),
          createdAt: new Date().toISOString(),
          payload: { voucherId: sdk.newVoucherId(), pieces: [{ childId: sdk.newVoucherId(), recipient: '913100000000000019', amount: '300000.00' }], remainder: { childId: sdk.newVoucherId(), amount: '700000.00' } },
        };
        return { body: sdk.signCommand(command, signers), keys: signers.map(sdk.publicKeyOf), node: typeof (globalThis as { process?: unknown }).process };
      });
      await page.close();
      expect(signed.node).toBe('undefined'); // it really ran outside Node
      expect(signed.body.signatures.map((s) => s.alg)).toEqual(['ed25519', 'sm2']);
      const message = canonicalBytes(signed.body.command);
      for (const [i, s] of signed.body.signatures.entries()) {
        const key = signed.keys[i]!;
        const raw = Buffer.from(key.publicKey, 'hex');
        expect(keyIdOf(key.alg, raw)).toBe(s.keyId);
        expect(verifySignature(key.alg, raw, message, s.sig)).toBe(true);
        // and not over anything else
        expect(verifySignature(key.alg, raw, canonicalBytes({ ...signed.body.command, nonce: 'other' }), s.sig)).toBe(false);
      }
    }, 60_000);
  });
});
