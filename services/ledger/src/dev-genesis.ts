/**
 * A development genesis: fresh operator, block-signing and invoices-service keys written to a folder (private keys
 * with mode 0600) and the genesis naming them. Used by local mode (`infra/cascade up`) and the
 * tests; a real deployment writes its genesis from keys made with `cascade keys new`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HashAlg } from '@cascade/chain';
import { exportPrivateKey, exportPublicKey, generateKeyPair, importPrivateKey, type PrivateKey } from '@cascade/crypto';
import type { Genesis } from './application/writer.ts';
import { createPolicy, type LedgerPolicy } from './domain/policy.ts';

export interface DevGenesis {
  genesis: Genesis;
  genesisFile: string;
  signingKeyFile: string;
  operatorKey: PrivateKey;
  ledgerKey: PrivateKey;
  /** The invoices service's fact-signing key (its public half is in the genesis). */
  invoicesKey: PrivateKey;
  invoicesKeyFile: string;
}

export function writeDevGenesis(dir: string, options: { chainId?: string; hashAlg?: HashAlg; operatorId?: string; policy?: Partial<LedgerPolicy> } = {}): DevGenesis {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const genesisFile = path.join(dir, 'genesis.json');
  const signingKeyFile = path.join(dir, 'ledger-key.pem');
  const operatorKeyFile = path.join(dir, 'operator-key.pem');
  const invoicesKeyFile = path.join(dir, 'invoices-key.pem');
  const kept = [genesisFile, signingKeyFile, operatorKeyFile, invoicesKeyFile].every((f) => existsSync(f));
  const keptGenesis = kept ? (JSON.parse(readFileSync(genesisFile, 'utf8')) as Genesis) : null;
  // A genesis from before the services' keys were part of it is replaced, not kept.
  if (keptGenesis?.services?.invoices) {
    return {
      genesis: keptGenesis,
      genesisFile,
      signingKeyFile,
      operatorKey: importPrivateKey({ format: 'pem', pem: readFileSync(operatorKeyFile, 'utf8') }),
      ledgerKey: importPrivateKey({ format: 'pem', pem: readFileSync(signingKeyFile, 'utf8') }),
      invoicesKey: importPrivateKey({ format: 'pem', pem: readFileSync(invoicesKeyFile, 'utf8') }),
      invoicesKeyFile,
    };
  }
  const operator = generateKeyPair('ed25519').privateKey;
  const ledger = generateKeyPair('ed25519').privateKey;
  const invoices = generateKeyPair('ed25519').privateKey;
  const genesis: Genesis = {
    chainId: options.chainId ?? 'cascade-dev',
    hashAlg: options.hashAlg ?? 'sha256',
    policy: createPolicy(options.policy),
    operator: {
      partyId: options.operatorId ?? 'operator',
      name: 'Cascade platform operator',
      publicKeys: [{ keyId: operator.keyId, alg: 'ed25519', publicKey: exportPublicKey(operator, 'hex') }],
    },
    ledgerKey: { keyId: ledger.keyId, alg: 'ed25519', publicKey: exportPublicKey(ledger, 'hex') },
    services: { invoices: { keyId: invoices.keyId, alg: 'ed25519', publicKey: exportPublicKey(invoices, 'hex') } },
  };
  writeFileSync(signingKeyFile, exportPrivateKey(ledger, 'pem'), { mode: 0o600 });
  writeFileSync(operatorKeyFile, exportPrivateKey(operator, 'pem'), { mode: 0o600 });
  writeFileSync(invoicesKeyFile, exportPrivateKey(invoices, 'pem'), { mode: 0o600 });
  writeFileSync(genesisFile, `${JSON.stringify(genesis, null, 2)}\n`);
  return { genesis, genesisFile, signingKeyFile, operatorKey: operator, ledgerKey: ledger, invoicesKey: invoices, invoicesKeyFile };
}
