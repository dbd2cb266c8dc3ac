import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as browser from '../src/browser.ts';
import { generateKeyPair, signCommand, verifySignature, exportPrivateKey } from '../src/index.ts';

const SRC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** Every module the browser entry reaches, by following relative imports. */
function moduleGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (graph.has(file)) return;
    const specifiers = [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
    graph.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith('.')) visit(join(dirname(file), s));
  };
  visit(join(SRC_DIR, entry));
  return graph;
}

describe('@cascade/crypto/browser', () => {
  it('reaches no node:* module and no Buffer', () => {
    const graph = moduleGraph('browser.ts');
    expect(graph.size).toBeGreaterThanOrEqual(9); // the walk really followed the imports
    for (const [file, specifiers] of graph) {
      expect(specifiers.filter((s) => s.startsWith('node:')), file).toEqual([]);
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/\bBuffer\./);
    }
  });

  it('signs what the Node entry verifies and verifies what it signs, for both algorithms', () => {
    for (const alg of ['ed25519', 'sm2'] as const) {
      const { privateKey, publicKey } = generateKeyPair(alg);
      const command = { type: 'voucher.split', payload: { parts: ['1.00', '2.00'] } };
      const message = browser.canonicalBytes(command);
      const raw = exportPrivateKey(privateKey, 'raw');
      const browserSig =
        alg === 'ed25519' ? browser.ed25519SignNoble(raw, message) : browser.sm2Sign(BigInt(`0x${browser.hexEncode(raw)}`), message, { publicKey: publicKey.raw });
      expect(verifySignature(alg, publicKey.raw, message, browser.base64Encode(browserSig))).toBe(true);
      const nodeSig = browser.base64DecodeStrict(signCommand(command, privateKey).sig)!;
      expect(alg === 'ed25519' ? browser.ed25519VerifyNoble(publicKey.raw, message, nodeSig) : browser.sm2Verify(publicKey.raw, message, nodeSig)).toBe(true);
      expect(browser.keyIdOf(alg, publicKey.raw)).toBe(publicKey.keyId);
    }
  });
});
