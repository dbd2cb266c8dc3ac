/**
 * `cascade keys new --alg ed25519|sm2 [--out DIR] [--name NAME]`
 *
 * Generates a signing key pair and writes NAME.key.pem (PKCS#8, mode 0600) and NAME.pub.pem
 * (SPKI) into DIR. Prints the key id and the public key; the private key is never printed.
 * Refuses to overwrite existing files: replacing a key by accident loses an identity.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SIGNATURE_ALGS, exportPrivateKey, exportPublicKey, generateKeyPair, isSignatureAlg } from '@cascade/crypto';
import { parseArgs } from './args.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliCommand } from './io.ts';

const PRIVATE_KEY_FILE_MODE = 0o600;
const PUBLIC_KEY_FILE_MODE = 0o644;
const KEY_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const keysNewCommand: CliCommand = {
  path: ['keys', 'new'],
  summary: 'generate a signing key pair (private key file mode 0600)',
  usage: `--alg ${SIGNATURE_ALGS.join('|')} [--out DIR] [--name NAME]`,
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { alg: { type: 'string' }, out: { type: 'string' }, name: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const alg = flags['alg'];
    if (alg === undefined) throw new UsageError('--alg is required');
    if (!isSignatureAlg(alg)) throw new UsageError(`--alg must be one of ${SIGNATURE_ALGS.join(', ')}`);
    const name = typeof flags['name'] === 'string' ? flags['name'] : alg;
    if (!KEY_NAME_PATTERN.test(name)) throw new UsageError('--name must be 1-64 letters, digits, ".", "_" or "-", not starting with a punctuation mark');
    const dir = resolve(typeof flags['out'] === 'string' ? flags['out'] : '.');

    const { privateKey, publicKey } = generateKeyPair(alg);
    const privatePath = join(dir, `${name}.key.pem`);
    const publicPath = join(dir, `${name}.pub.pem`);
    try {
      mkdirSync(dir, { recursive: true });
      // 'wx': fail if the file exists; the mode applies at creation, before any byte is written.
      writeFileSync(privatePath, exportPrivateKey(privateKey, 'pem'), { mode: PRIVATE_KEY_FILE_MODE, flag: 'wx' });
      try {
        writeFileSync(publicPath, exportPublicKey(publicKey, 'pem'), { mode: PUBLIC_KEY_FILE_MODE, flag: 'wx' });
      } catch (error) {
        // A private key without its public half is an orphan nobody can register; remove it.
        rmSync(privatePath, { force: true });
        throw error;
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      io.err(code === 'EEXIST' ? `cascade keys new: refusing to overwrite an existing key file in ${dir}` : `cascade keys new: cannot write key files: ${(error as Error).message}`);
      return EXIT_FAILURE;
    }
    io.out(`keyId: ${publicKey.keyId}`);
    io.out(`alg: ${alg}`);
    io.out(`publicKey (hex): ${exportPublicKey(publicKey, 'hex')}`);
    io.out(`private key: ${privatePath} (mode 600, keep it secret)`);
    io.out(`public key: ${publicPath}`);
    io.out(exportPublicKey(publicKey, 'pem').trimEnd());
    return EXIT_OK;
  },
};
