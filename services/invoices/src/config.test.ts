/** The fact key is checked against the genesis at start: a wrong key would have every fact refused. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPrivateKey, generateKeyPair } from '@cascade/crypto';
import { writeDevGenesis } from '@cascade/ledger';
import { invoicesRuntime } from './config.ts';

describe('invoicesRuntime', () => {
  const dev = writeDevGenesis(mkdtempSync(path.join(os.tmpdir(), 'cascade-cfg-')), { chainId: 'cfg-test' });

  it('takes the chain id and the genesis services.invoices key, by default from beside the genesis', () => {
    for (const signingKeyFile of [dev.invoicesKeyFile, '']) {
      const r = invoicesRuntime({ genesisFile: dev.genesisFile, signingKeyFile });
      expect(r.chain).toBe('cfg-test');
      expect(r.signingKey.keyId).toBe(dev.genesis.services.invoices.keyId);
    }
  });

  it('refuses to start with a key the genesis does not name for the invoices service', () => {
    const other = path.join(mkdtempSync(path.join(os.tmpdir(), 'cascade-cfg-')), 'k.pem');
    writeFileSync(other, exportPrivateKey(generateKeyPair('ed25519').privateKey, 'pem'));
    expect(() => invoicesRuntime({ genesisFile: dev.genesisFile, signingKeyFile: other })).toThrow(/the genesis names .* for the invoices service/);
    expect(() => invoicesRuntime({ genesisFile: dev.genesisFile, signingKeyFile: dev.signingKeyFile })).toThrow(/holds key/);
  });

  it('refuses a genesis without an invoices key', () => {
    const g = path.join(mkdtempSync(path.join(os.tmpdir(), 'cascade-cfg-')), 'genesis.json');
    writeFileSync(g, JSON.stringify({ chainId: 'x' }));
    expect(() => invoicesRuntime({ genesisFile: g, signingKeyFile: dev.invoicesKeyFile })).toThrow(/names no invoices service key/);
  });
});
