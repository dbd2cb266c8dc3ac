/**
 * The ledger's own settings: where its genesis (chain id, hash, policy, first keys) and
 * block-signing key live, and its intake. Read and checked at start; a bad value stops the process.
 */
import { readFileSync } from 'node:fs';
import { parse, type Spec } from '@cascade/config';
import { exportPublicKey, importPrivateKey, signMessage, type PrivateKey } from '@cascade/crypto';
import type { Signer } from '@cascade/chain';
import { createPolicy } from './domain/index.ts';
import type { Genesis } from './application/writer.ts';

export const ledgerSettings = {
  genesisFile: { env: 'LEDGER_GENESIS_FILE', doc: 'JSON genesis: chainId, hashAlg (sha256|sm3), policy, operator {partyId, name, publicKeys}, ledgerKey {keyId, alg, publicKey}, services.invoices {keyId, alg, publicKey}', parse: parse.string },
  signingKeyFile: { env: 'LEDGER_SIGNING_KEY_FILE', doc: 'PEM (PKCS#8) private key that signs blocks; must match genesis.ledgerKey', parse: parse.string, secret: true },
  verifyWorkers: { env: 'LEDGER_VERIFY_WORKERS', doc: 'worker threads verifying signatures', parse: parse.int(0, 64), default: 1 },
  intakeSessionTimeoutMs: { env: 'LEDGER_INTAKE_SESSION_TIMEOUT_MS', doc: 'Kafka session timeout of the intake: how soon a dead ledger\'s partitions move (the local mock broker needs more than 3500)', parse: parse.int(4_000, 60_000), default: 6_000 },
  intakeStallMs: { env: 'LEDGER_INTAKE_STALL_MS', doc: '/ready fails when a batch of input has waited this long without being decided and committed', parse: parse.int(1_000, 3_600_000), default: 60_000 },
  intakeGroupId: { env: 'LEDGER_INTAKE_GROUP', doc: 'Kafka consumer group of the intake', parse: parse.string, default: 'ledger-intake' },
} satisfies Spec;

export interface LedgerRuntime {
  genesis: Genesis;
  signBlock: Signer;
}

export function readGenesis(path: string): Genesis {
  const g = JSON.parse(readFileSync(path, 'utf8')) as Genesis;
  if (!g || typeof g.chainId !== 'string' || !['sha256', 'sm3'].includes(g.hashAlg) || !g.operator || !g.ledgerKey) {
    throw new Error(`${path} is not a ledger genesis (chainId, hashAlg, operator, ledgerKey)`);
  }
  if (!g.services?.invoices?.keyId || !g.services.invoices.publicKey) {
    throw new Error(`${path} names no invoices service key (services.invoices): the ledger would have no way to tell the invoices service's facts from forgeries`);
  }
  // The policy is part of the chain's history (the genesis block records it): one outside the
  // hard limits is refused here, naming the limit.
  if (!g.policy || typeof g.policy !== 'object') throw new Error(`${path} names no policy: the genesis states the limits the ledger starts with`);
  try {
    g.policy = createPolicy(g.policy);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
  return g;
}

export function blockSigner(key: PrivateKey): Signer {
  return (message) => ({ keyId: key.keyId, alg: key.alg, sig: Buffer.from(signMessage(key, message)).toString('base64') });
}

export function ledgerRuntime(values: { genesisFile: string; signingKeyFile: string }): LedgerRuntime {
  const genesis = readGenesis(values.genesisFile);
  const key = importPrivateKey({ format: 'pem', pem: readFileSync(values.signingKeyFile, 'utf8') });
  if (key.keyId !== genesis.ledgerKey.keyId || exportPublicKey(key, 'hex') !== genesis.ledgerKey.publicKey) {
    throw new Error(`LEDGER_SIGNING_KEY_FILE holds key ${key.keyId}, but the genesis names ${genesis.ledgerKey.keyId}`);
  }
  return { genesis, signBlock: blockSigner(key) };
}
