/**
 * The invoices service's own settings: the ledger's public genesis (the chain id its commands and
 * facts are bound to, and the fact key it names for this service), the service's private fact
 * key, the four-flow floor, its consumer group, the verification inbox. Checked at start: a key
 * that is not the one the genesis names stops the process, since every fact it signed would be
 * dead-lettered by the ledger.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, type ConfigOf, type Spec } from '@cascade/config';
import { exportPublicKey, importPrivateKey, type PrivateKey } from '@cascade/crypto';
import { commandAgeMaxMsDefault } from './application/deps.ts';

export const invoicesSettings = {
  genesisFile: { env: 'LEDGER_GENESIS_FILE', doc: "the ledger's public genesis JSON: chainId, and services.invoices {keyId, alg, publicKey}", parse: parse.string },
  signingKeyFile: {
    env: 'INVOICES_SIGNING_KEY_FILE',
    doc: 'PEM (PKCS#8) private key that signs PayableConfirmed facts; must be the genesis services.invoices key (default: invoices-key.pem beside LEDGER_GENESIS_FILE, where `cascade ledger genesis` writes it)',
    parse: parse.string,
    secret: true,
    default: '',
  },
  fourFlowScoreMin: { env: 'INVOICES_FOUR_FLOW_SCORE_MIN', doc: 'lowest four-flow score (0–100) a payable may be confirmed with', parse: parse.int(0, 100), default: 60 },
  commandAgeMaxMs: { env: 'INVOICES_COMMAND_AGE_MAX_MS', doc: "how old a signed command's createdAt may be", parse: parse.int(1_000, 7 * 24 * 60 * 60 * 1000), default: commandAgeMaxMsDefault },
  ledgerGroupId: { env: 'INVOICES_LEDGER_GROUP', doc: 'Kafka consumer group reading ledger.events and ledger.results', parse: parse.string, default: 'invoices-ledger' },
  importBytesMax: { env: 'INVOICES_IMPORT_BYTES_MAX', doc: 'largest file the HTTP import takes', parse: parse.int(1_024, 4 * 1024 * 1024 * 1024), default: 1024 * 1024 * 1024 },
  verificationDir: { env: 'INVOICES_VERIFICATION_DIR', doc: "folder where the tax data provider's result files (*.jsonl) arrive; empty: none is read", parse: parse.string, default: '' },
  verificationPollMs: { env: 'INVOICES_VERIFICATION_POLL_MS', doc: 'how often the verification folder is read', parse: parse.int(1_000, 86_400_000), default: 60_000 },
} satisfies Spec;

export type InvoicesSettings = ConfigOf<typeof invoicesSettings>;

export interface InvoicesGenesis {
  chainId: string;
  services: { invoices: { keyId: string; alg: 'ed25519' | 'sm2'; publicKey: string } };
}

export function readInvoicesGenesis(file: string): InvoicesGenesis {
  const g = JSON.parse(readFileSync(file, 'utf8')) as Partial<InvoicesGenesis>;
  if (typeof g?.chainId !== 'string' || g.chainId.length === 0) throw new Error(`${file} is not a ledger genesis: no chainId`);
  const k = g.services?.invoices;
  if (!k || typeof k.keyId !== 'string' || typeof k.publicKey !== 'string') throw new Error(`${file} names no invoices service key (services.invoices): the ledger would refuse every fact`);
  return g as InvoicesGenesis;
}

/** The chain id and the fact key, checked against each other. */
export function invoicesRuntime(values: { genesisFile: string; signingKeyFile: string }): { chain: string; signingKey: PrivateKey } {
  const genesis = readInvoicesGenesis(values.genesisFile);
  const keyFile = values.signingKeyFile || path.join(path.dirname(values.genesisFile), 'invoices-key.pem');
  const key = importPrivateKey({ format: 'pem', pem: readFileSync(keyFile, 'utf8') });
  const named = genesis.services.invoices;
  if (key.keyId !== named.keyId || key.alg !== named.alg || exportPublicKey(key, 'hex') !== named.publicKey) {
    throw new Error(`INVOICES_SIGNING_KEY_FILE (${keyFile}) holds key ${key.keyId}, but the genesis names ${named.keyId} for the invoices service: the ledger would refuse every fact it signs`);
  }
  return { chain: genesis.chainId, signingKey: key };
}
