import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportPrivateKey, importPrivateKey, importPublicKey } from '@cascade/crypto';
import { COMMANDS } from './commands.ts';
import { runCli } from './dispatch.ts';
import { EXIT_FAILURE, EXIT_USAGE, type CliIo } from './io.ts';

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cascade-keys-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('cascade keys new', () => {
  for (const alg of ['ed25519', 'sm2'] as const) {
    it(`${alg}: writes a 0600 private key and a public key, prints the key id and never the private key`, async () => {
      const dir = tempDir();
      const io = capture();
      expect(await runCli(['keys', 'new', '--alg', alg, '--out', dir, '--name', 'issuer'], io, COMMANDS)).toBe(0);
      const privatePem = readFileSync(join(dir, 'issuer.key.pem'), 'utf8');
      const publicPem = readFileSync(join(dir, 'issuer.pub.pem'), 'utf8');
      expect(statSync(join(dir, 'issuer.key.pem')).mode & 0o777).toBe(0o600);
      const privateKey = importPrivateKey({ format: 'pem', pem: privatePem });
      expect(importPublicKey({ format: 'pem', pem: publicPem }).keyId).toBe(privateKey.keyId);
      const printed = io.stdout.join('\n');
      expect(printed).toContain(`keyId: ${privateKey.keyId}`);
      expect(printed).not.toContain(exportPrivateKey(privateKey, 'hex'));
      expect(printed).not.toContain(privatePem.split('\n')[1]!);
    });
  }

  it('refuses to overwrite existing key files and leaves them unchanged', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'sm2.pub.pem'), 'existing');
    const io = capture();
    expect(await runCli(['keys', 'new', '--alg', 'sm2', '--out', dir], io, COMMANDS)).toBe(EXIT_FAILURE);
    expect(readFileSync(join(dir, 'sm2.pub.pem'), 'utf8')).toBe('existing');
    expect(existsSync(join(dir, 'sm2.key.pem'))).toBe(false);
    expect(io.stderr.join('\n')).toMatch(/refusing to overwrite/);
  });

  it.each([
    ['no --alg', ['keys', 'new']],
    ['an unknown alg', ['keys', 'new', '--alg', 'rsa']],
    ['an unknown option', ['keys', 'new', '--alg', 'sm2', '--force']],
    ['a missing value', ['keys', 'new', '--alg']],
    ['a path in --name', ['keys', 'new', '--alg', 'sm2', '--name', '../x']],
    ['an unknown command', ['keys', 'rotate']],
    ['no command', []],
  ])('exits 2 with a usage message for %s', async (_name, argv) => {
    const io = capture();
    expect(await runCli(argv, io, COMMANDS)).toBe(EXIT_USAGE);
    expect(io.stderr.join('\n')).toMatch(/usage: cascade/);
    expect(io.stdout).toEqual([]);
  });
});
