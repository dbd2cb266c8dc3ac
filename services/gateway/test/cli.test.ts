/**
 * The cascade CLI on the SDK against a running gateway: a signed login per profile (token kept
 * 0600), onboarding, issue, accept, split, the tree as text, balances, a proof fetched and
 * verified, `--json`, and the documented exit codes (0, 2 usage, 3 refused, 4 not logged in).
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, runCli, type CliIo } from '@cascade/sdk';
import { addMonthsShanghai, newUscc, Stack } from './stack.ts';

let stack: Stack;
let url: string;
const dir = mkdtempSync(path.join(os.tmpdir(), 'cascade-cli-'));

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}
async function cli(...argv: string[]) {
  const io = capture();
  const code = await runCli(argv, io, COMMANDS);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}
const json = (s: string) => JSON.parse(s.split('\n').at(-1)!) as Record<string, any>;

beforeAll(async () => {
  process.env.CASCADE_CONFIG_DIR = path.join(dir, 'config');
  stack = await Stack.start();
  url = (await stack.gateway()).url;
}, 180_000);
afterAll(async () => {
  delete process.env.CASCADE_CONFIG_DIR;
  await stack?.stop();
});

describe('cascade CLI through the gateway', () => {
  it('logs in, onboards, issues, splits, shows the tree, balances and a verified proof', async () => {
    const operatorKey = path.join(path.dirname(stack.dev.genesisFile), 'operator-key.pem');
    const login = await cli('login', '--party', stack.operator.partyId, '--key', operatorKey, '--url', url, '--profile', 'op');
    expect(login.code, login.err).toBe(0);
    const profile = path.join(dir, 'config', 'profiles', 'op.json');
    expect(statSync(profile).mode & 0o777).toBe(0o600);
    const token = JSON.parse(readFileSync(profile, 'utf8')).token as string;
    expect(login.out).not.toContain(token);

    const core = newUscc();
    const supplier = newUscc();
    expect((await cli('keys', 'new', '--alg', 'ed25519', '--out', dir, '--name', 'core')).code).toBe(0);
    expect((await cli('keys', 'new', '--alg', 'sm2', '--out', dir, '--name', 'supplier')).code).toBe(0);
    const onboarded = await cli('onboard', '--party-id', core, '--name', 'Core Co', '--roles', 'core', '--public-key', path.join(dir, 'core.pub.pem'), '--profile', 'op', '--json');
    expect(onboarded.code, onboarded.err).toBe(0);
    expect(json(onboarded.out)).toMatchObject({ status: 'accepted' });
    expect((await cli('onboard', '--party-id', supplier, '--name', 'Supplier Co', '--roles', 'supplier', '--public-key', path.join(dir, 'supplier.pub.pem'), '--profile', 'op')).code).toBe(0);
    expect((await cli('login', '--party', core, '--key', path.join(dir, 'core.key.pem'), '--url', url, '--profile', 'core')).code).toBe(0);
    expect((await cli('login', '--party', supplier, '--key', path.join(dir, 'supplier.key.pem'), '--url', url, '--profile', 'supplier')).code).toBe(0);

    const payable = await stack.confirmPayable(core, supplier, '500.00');
    const issued = await cli('issue', '--to', supplier, '--amount', '500.00', '--maturity', addMonthsShanghai(4), '--backing', `${payable}:500.00`, '--profile', 'core', '--json');
    expect(issued.code, issued.err).toBe(0);
    const { voucher, opId } = json(issued.out);
    expect((await cli('accept', voucher, '--profile', 'supplier')).code).toBe(0);
    const split = await cli('split', voucher, '--to', `${core}:200.00`, '--keep', '300.00', '--profile', 'supplier');
    expect(split.code, split.err).toBe(0);

    const tree = await cli('tree', voucher, '--profile', 'core');
    expect(tree.code).toBe(0);
    const lines = tree.out.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/500\.00\s+consumed/);
    // The two children hang under the root, in the ledger's order: one "├──", the last "└──".
    expect(lines[1]).toMatch(/^├── /);
    expect(lines[2]).toMatch(/^└── /);
    expect(lines.slice(1).filter((l) => /200\.00\s+pending_acceptance tier 2\s+holder me /.test(l))).toHaveLength(1);
    expect(lines.slice(1).filter((l) => /300\.00\s+active\s+tier 2\s+holder [0-9A-Z]{18} /.test(l))).toHaveLength(1);

    const balances = await cli('balances', '--profile', 'supplier', '--json');
    expect(balances.code).toBe(0);
    expect(json(balances.out).partyId).toBe(supplier);

    const proofFile = path.join(dir, 'proof.json');
    const proof = await cli('proof', opId, '--out', proofFile, '--profile', 'supplier');
    expect(proof.code, proof.err).toBe(0);
    expect(proof.out).toMatch(/^OK: operation/);
    const offline = await cli('verify-proof', proofFile, '--key', `ed25519:${stack.dev.genesis.ledgerKey.publicKey}`);
    expect(offline.code, offline.err).toBe(0);
  });

  it('exit codes: 3 for a refusal (with its problem type), 2 for usage, 4 without a login', async () => {
    const refused = await cli('accept', '00000000-0000-4000-8000-000000000000', '--profile', 'supplier');
    expect(refused.code).toBe(3);
    expect(refused.err).toMatch(/refused: unknownVoucher \(urn:cascade:problem:unknown-voucher, HTTP 404\)/);
    const usage = await cli('issue', '--to', 'x', '--amount', '5', '--profile', 'core');
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/--amount must be an amount/);
    const nobody = await cli('vouchers', '--profile', 'nobody');
    expect(nobody.code).toBe(4);
    expect(nobody.err).toMatch(/log in first/);
    expect((await cli('logout', '--profile', 'supplier')).code).toBe(0);
    expect((await cli('vouchers', '--profile', 'supplier')).code).toBe(4);
  });
});
