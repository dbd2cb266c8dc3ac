/**
 * Keys created in the browser, inclusion proofs verified in the page, and live updates — by
 * clicking, in headless Chromium. Each flow registers its own parties.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { exportPublicKey, importPrivateKey } from '@cascade/crypto';
import { COMMANDS, runCli } from '@cascade/sdk';
import { newVoucherId } from '@cascade/sdk/client';
import { addMonthsShanghai, newUscc } from '../../../../services/gateway/test/stack.ts';
import { publicKeyFromText, signerFromPem } from '../../src/keys/pem.ts';
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

/** What the page keeps in IndexedDB: per key, its kind and whether its CryptoKey could be read out. */
async function storedKeysOf(page: Page): Promise<{ keyId: string; kind: string; extractable: boolean | null; hasRawBytes: boolean }[]> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('cascade-console');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('keys').objectStore('keys').getAll();
          all.onsuccess = () => {
            open.result.close();
            resolve(
              (all.result as { keyId: string; kind: string; privateKey?: CryptoKey; ciphertext?: Uint8Array }[]).map((k) => ({
                keyId: k.keyId,
                kind: k.kind,
                extractable: k.privateKey ? k.privateKey.extractable : null,
                // An encrypted key keeps 32 bytes + the 16-byte GCM tag, never the 32 raw bytes alone.
                hasRawBytes: k.ciphertext ? k.ciphertext.length === 32 : false,
              })),
            );
          };
        };
      }),
  );
}

/** Creates a key in the sign-in page, downloads its file and keeps it; returns what the page showed and the file. */
async function createInPage(page: Page, alg: 'ed25519' | 'sm2', label: string, passphrase?: string): Promise<{ keyId: string; spkiPem: string; hex: string; file: string }> {
  await page.getByLabel('算法').selectOption(alg);
  await page.getByLabel('密钥名称').fill(label);
  await page.getByRole('button', { name: '生成密钥' }).click();
  const keyId = (await page.getByTestId('new-key-id').textContent())!;
  const spkiPem = (await page.getByTestId('new-key-pem').textContent())!;
  const hex = (await page.getByTestId('new-key-hex').textContent())!;
  // Kept only once backed up: the button waits for the download.
  expect(await page.getByRole('button', { name: '已备份，保存到本浏览器' }).isDisabled()).toBe(true);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载私钥文件（备份）' }).click()]);
  expect(download.suggestedFilename()).toBe(`${label}.key.pem`);
  const file = readFileSync((await download.path())!, 'utf8');
  if (passphrase) await page.getByLabel('口令（至少 8 位').fill(passphrase);
  await page.getByRole('button', { name: '已备份，保存到本浏览器' }).click();
  await page.getByTestId('key-stored').waitFor();
  return { keyId, spkiPem, hex, file };
}

/** The operator's step, through the SDK: registers a supplier with the public key the page showed. */
async function onboard(h: ConsoleHarness, publicKeyText: string, alg: 'ed25519' | 'sm2'): Promise<string> {
  const partyId = newUscc();
  const operator = await h.stack.operatorClient();
  await operator.command('party.register', h.stack.operator.partyId, { partyId, uscc: partyId, name: `浏览器密钥 ${partyId}`, roles: ['supplier'], publicKeys: [publicKeyFromText(publicKeyText, alg)] }, [h.stack.operator.signer]);
  await h.stack.seenByServices(partyId);
  return partyId;
}

/**
 * Ed25519 made by WebCrypto and SM2 by the pure code, in the sign-in page: the public key shown
 * for the operator, the key file downloaded (read back by the console's import path and by the
 * platform's own key reader, as `cascade keys new`'s files are), the key kept in IndexedDB (a
 * non-extractable CryptoKey; the SM2 key encrypted under a passphrase); after a reload, sign-in by
 * choosing the stored key, and a command signed with it.
 */
export async function browserKeys(h: ConsoleHarness): Promise<void> {
  const core = await h.register(['core']);
  const page = await h.open();
  const ed = await createInPage(page, 'ed25519', 'tier1-laptop');
  await h.screenshot(page, 'key-created.png');
  // The file is the CLI's format: the console's import path and the platform's reader both take it.
  expect(signerFromPem(ed.file).keyId).toBe(ed.keyId);
  const imported = importPrivateKey({ format: 'pem', pem: ed.file });
  expect([imported.alg, imported.publicKey.keyId, `ed25519:${exportPublicKey(imported, 'hex')}`, exportPublicKey(imported, 'pem')]).toEqual(['ed25519', ed.keyId, ed.hex, ed.spkiPem]);
  expect(await storedKeysOf(page)).toEqual([{ keyId: ed.keyId, kind: 'webcrypto', extractable: false, hasRawBytes: false }]);

  const partyId = await onboard(h, ed.spkiPem, 'ed25519');
  const payableId = await h.stack.confirmPayable(core.partyId, partyId, '88000.00');
  const rootId = newVoucherId();
  await core.client.command('voucher.issue', core.partyId, { voucherId: rootId, holder: partyId, amount: '88000.00', maturityDate: addMonthsShanghai(3), backing: [{ payableId, amount: '88000.00' }] }, [core.signer]);

  // A returning user: the page is reloaded, the key chosen from the browser's store.
  await page.reload();
  await page.getByLabel('参与方编号').fill(partyId);
  await page.getByRole('radio', { name: /tier1-laptop · Ed25519 \(WebCrypto\)/ }).check();
  await page.getByTestId('key-loaded').waitFor();
  expect(await page.getByTestId('key-loaded').textContent()).toContain(ed.keyId);
  await page.getByRole('button', { name: '签名登录' }).click();
  await expect.poll(() => page.getByTestId('whoami').textContent()).toContain(partyId);
  // A command signed by the non-extractable key (WebCrypto signs asynchronously, through the SDK).
  await row(page, rootId).getByRole('button', { name: '签收' }).click();
  await h.signShown(page, 'voucher.accept');
  expect((await core.client.getVoucher(rootId)).status).toBe('active');

  // The key remembers whom it signed in as.
  await page.getByRole('button', { name: '退出' }).click();
  await page.reload();
  await page.getByRole('radio', { name: /tier1-laptop/ }).check();
  await expect.poll(() => page.getByLabel('参与方编号').inputValue()).toBe(partyId);

  // SM2: the pure code makes it; the browser keeps it encrypted under a passphrase.
  const sm2 = await createInPage(page, 'sm2', 'tier2-sm2', 'correct horse battery');
  expect(signerFromPem(sm2.file).keyId).toBe(sm2.keyId);
  expect(importPrivateKey({ format: 'pem', pem: sm2.file }).publicKey.keyId).toBe(sm2.keyId);
  expect((await storedKeysOf(page)).find((k) => k.keyId === sm2.keyId)).toEqual({ keyId: sm2.keyId, kind: 'encrypted', extractable: null, hasRawBytes: false });
  const sm2Party = await onboard(h, sm2.hex.slice('sm2:'.length), 'sm2');
  await page.reload();
  await page.getByLabel('参与方编号').fill(sm2Party);
  await page.getByRole('radio', { name: /tier2-sm2 · SM2/ }).check();
  await page.getByLabel('口令（至少 8 位').fill('wrong passphrase');
  await page.getByRole('button', { name: '解锁' }).click();
  await expect.poll(() => page.getByRole('alert').textContent()).toBe('口令不正确。');
  expect(await page.getByRole('button', { name: '签名登录' }).isDisabled()).toBe(true);
  await page.getByLabel('口令（至少 8 位').fill('correct horse battery');
  await page.getByRole('button', { name: '解锁' }).click();
  await expect.poll(() => page.getByTestId('key-loaded').textContent()).toContain(sm2.keyId);
  await h.screenshot(page, 'key-stored-sign-in.png');
  await page.getByRole('button', { name: '签名登录' }).click();
  await expect.poll(() => page.getByTestId('whoami').textContent()).toContain(sm2Party);
}

/**
 * A supplier downloads the inclusion proof of the issue of its voucher from the voucher's history
 * and the page verifies it against the chain's key (height and root shown as the proof has them);
 * the CLI's `verify-proof` takes the same file; a tampered copy uploaded is shown invalid, with the reason.
 */
export async function proofsInPage(h: ConsoleHarness): Promise<void> {
  const [core, supplier] = [await h.register(['core']), await h.register(['supplier'])];
  const payableId = await h.stack.confirmPayable(core.partyId, supplier.partyId, '120000.00');
  const rootId = newVoucherId();
  const issued = await core.client.command('voucher.issue', core.partyId, { voucherId: rootId, holder: supplier.partyId, amount: '120000.00', maturityDate: addMonthsShanghai(2), backing: [{ payableId, amount: '120000.00' }] }, [core.signer]);
  await supplier.client.command('voucher.accept', supplier.partyId, { voucherId: rootId }, [supplier.signer]);

  const page = await h.signIn(supplier.partyId, supplier.key);
  await page.getByRole('button', { name: '证明', exact: true }).click();
  await page.getByLabel('凭证编号').fill(rootId);
  // The operations are sealed in a block within moments; until then the history says so.
  const issueRow = page.locator(`tr[data-op="${issued.opId}"]`);
  await expect
    .poll(async () => {
      await page.getByRole('button', { name: '查看操作历史' }).click();
      return issueRow.getByRole('button', { name: '下载并验证证明' }).isEnabled().catch(() => false);
    }, { timeout: 20_000 })
    .toBe(true);
  expect(await page.locator('tr[data-op]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')))).toEqual(['voucher.issue', 'voucher.accept']);
  const [download] = await Promise.all([page.waitForEvent('download'), issueRow.getByRole('button', { name: '下载并验证证明' }).click()]);
  expect(download.suggestedFilename()).toBe(`proof-${issued.opId}.json`);
  const file = (await download.path())!;
  const proof = JSON.parse(readFileSync(file, 'utf8')) as { record: { opId: string; body: unknown }; block: { header: { height: number; merkleRoot: string } } };
  const result = page.getByTestId('proof-result');
  await expect.poll(() => result.getAttribute('data-valid')).toBe('true');
  expect(await result.getByRole('heading').textContent()).toContain('证明有效');
  expect([await page.getByTestId('proof-op').textContent(), await page.getByTestId('proof-height').textContent(), await page.getByTestId('proof-root').textContent()]).toEqual([issued.opId, String(proof.block.header.height), proof.block.header.merkleRoot]);
  await h.screenshot(page, 'proof-verified.png');

  // The file the page saved is what the CLI verifies, with the key the chain names.
  const chain = await supplier.client.chain();
  const out: string[] = [];
  const exit = await runCli(['verify-proof', file, '--key', `${chain.ledgerKey.alg}:${chain.ledgerKey.publicKey}`], { out: (l) => out.push(l), err: (l) => out.push(l) }, COMMANDS);
  expect([exit, out.join('\n')]).toEqual([0, expect.stringMatching(new RegExp(`^OK: operation ${issued.opId} .* in block ${proof.block.header.height} `))]);

  // A tampered copy — the record's body changed — uploaded to the page: invalid, and why.
  const tampered = { ...proof, record: { ...proof.record, body: { ...(proof.record.body as object), tampered: true } } };
  await page.getByLabel('验证证明文件（JSON）').setInputFiles({ name: 'tampered-proof.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(tampered)) });
  await expect.poll(() => result.getAttribute('data-valid')).toBe('false');
  expect(await result.getByRole('heading').textContent()).toContain('证明无效 · tampered-proof.json');
  expect(await page.getByTestId('proof-reason').textContent()).toBe('该操作不在区块中（Merkle 路径不能得出区块根） — operation is not included in the block (Merkle path does not lead to the root)');
  await h.screenshot(page, 'proof-invalid.png');
  // A header changed: its hash no longer matches.
  const moved = { ...proof, block: { ...proof.block, header: { ...proof.block.header, height: proof.block.header.height + 1 } } };
  await page.getByLabel('验证证明文件（JSON）').setInputFiles({ name: 'moved-proof.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(moved)) });
  await expect.poll(() => page.getByTestId('proof-reason').textContent()).toMatch(/^区块头已被改动（哈希不符） — block hash does not match its header$/);
}
