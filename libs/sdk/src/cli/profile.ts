/**
 * CLI profiles: where a login's token is kept between commands. One JSON file per profile under
 * `$CASCADE_CONFIG_DIR` (default `$XDG_CONFIG_HOME/cascade` or `~/.config/cascade`), written with
 * mode 0600 in a 0700 folder: the token is a bearer secret. The profile also names the key file the
 * party signs with (the private key itself is never copied into it).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportPrivateKey, importPrivateKey } from '@cascade/crypto';
import { CascadeClient } from '../client/client.ts';
import { signerFromRawKey, type Signer } from '../client/signing.ts';
import { UsageError } from './io.ts';

export interface Profile {
  url: string;
  partyId: string;
  token: string;
  tokenId: string;
  expiresAt: string;
  /** Absolute path of the PEM private key the party signs with. */
  keyFile: string;
}

const profileNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const defaultUrl = 'http://127.0.0.1:3000';

export function configDir(): string {
  return process.env.CASCADE_CONFIG_DIR ?? path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'cascade');
}

function profileFile(name: string): string {
  if (!profileNamePattern.test(name)) throw new UsageError('--profile must be 1-64 letters, digits, ".", "_" or "-"');
  return path.join(configDir(), 'profiles', `${name}.json`);
}

export function profileName(flags: Record<string, string | true>): string {
  return typeof flags['profile'] === 'string' ? flags['profile'] : (process.env.CASCADE_PROFILE ?? 'default');
}

export function saveProfile(name: string, profile: Profile): string {
  const file = profileFile(name);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // an existing file keeps its mode on write; make sure
  return file;
}

export function loadProfile(name: string): Profile {
  const file = profileFile(name);
  if (!existsSync(file)) throw new NotLoggedIn(`no profile "${name}": log in first with cascade login --party <id> --key <private key file> [--profile ${name}]`);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  if (Date.parse(profile.expiresAt) <= Date.now()) throw new NotLoggedIn(`the token of profile "${name}" expired at ${profile.expiresAt}: log in again`);
  return profile;
}

export function removeProfile(name: string): void {
  rmSync(profileFile(name), { force: true });
}

/** Not logged in, or the login has expired: exit code 4. */
export class NotLoggedIn extends Error {
  override readonly name = 'NotLoggedIn';
}

export function signerFromKeyFile(file: string): Signer {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the key file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const key = importPrivateKey({ format: 'pem', pem });
  return signerFromRawKey(key.alg, exportPrivateKey(key, 'raw'));
}

/** The client, the party and its signer of a profile. */
export function session(flags: Record<string, string | true>): { client: CascadeClient; profile: Profile; signer: Signer } {
  const profile = loadProfile(profileName(flags));
  const url = typeof flags['url'] === 'string' ? flags['url'] : profile.url;
  return { client: new CascadeClient({ baseUrl: url, token: profile.token }), profile, signer: signerFromKeyFile(profile.keyFile) };
}
