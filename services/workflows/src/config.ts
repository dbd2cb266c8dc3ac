/**
 * The workflows service's settings: the ledger's public genesis (chain id and operator), the
 * operator key its commands are signed with, when reminders and overdue marks fall, how often it
 * looks for due work, and what webhook URLs a deployment allows.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, type ConfigOf, type Spec } from '@cascade/config';
import { importPrivateKey, type PrivateKey } from '@cascade/crypto';

export const workflowsSettings = {
  genesisFile: { env: 'LEDGER_GENESIS_FILE', doc: "the ledger's public genesis JSON: chainId and operator", parse: parse.string },
  operatorKeyFile: {
    env: 'WORKFLOWS_OPERATOR_KEY_FILE',
    doc: "PEM private key of an operator key registered on the ledger: it signs the scheduler's commands (default: operator-key.pem beside LEDGER_GENESIS_FILE)",
    parse: parse.string,
    secret: true,
    default: '',
  },
  reminderDays: { env: 'WORKFLOWS_REMINDER_DAYS', doc: 'days before maturity the issuer is reminded', parse: parse.int(0, 180), default: 7 },
  overdueGraceDays: { env: 'WORKFLOWS_OVERDUE_GRACE_DAYS', doc: 'days after maturity before unpaid leaves are marked overdue', parse: parse.int(0, 90), default: 0 },
  tickMs: { env: 'WORKFLOWS_TICK_MS', doc: 'how often due work is looked for', parse: parse.int(100, 60_000), default: 1_000 },
  concurrency: { env: 'WORKFLOWS_CONCURRENCY', doc: 'jobs one process runs at once', parse: parse.int(1, 64), default: 8 },
  ledgerGroupId: { env: 'WORKFLOWS_LEDGER_GROUP', doc: 'Kafka consumer group reading ledger.events', parse: parse.string, default: 'workflows-ledger' },
  webhookAllowHttp: { env: 'WORKFLOWS_WEBHOOK_ALLOW_HTTP', doc: 'accept plain-http webhook URLs (local work only)', parse: parse.bool, default: false },
  paymentFilesDir: {
    env: 'WORKFLOWS_PAYMENT_FILES_DIR',
    doc: 'directory pain.001 payment files are written into, for the banks to pick up (default: payment-files beside LEDGER_GENESIS_FILE)',
    parse: parse.string,
    default: '',
  },
  paymentFilesTickMs: { env: 'WORKFLOWS_PAYMENT_FILES_TICK_MS', doc: 'how often due payment entries are written into files', parse: parse.int(1_000, 3_600_000), default: 60_000 },
  webhookAllowPrivate: { env: 'WORKFLOWS_WEBHOOK_ALLOW_PRIVATE', doc: 'accept loopback and private-address webhook URLs (local work only)', parse: parse.bool, default: false },
  registryDir: {
    env: 'WORKFLOWS_REGISTRY_DIR',
    doc: 'the financing registry (中登网) exchange directory: requests to outbox/, answers from inbox/, records/ (default: registry-exchange beside LEDGER_GENESIS_FILE)',
    parse: parse.string,
    default: '',
  },
  registryWaitMs: { env: 'WORKFLOWS_REGISTRY_WAIT_MS', doc: 'how long one registry step waits for its answer file before it looks again later (below BullMQ\'s 30 s job lock)', parse: parse.int(0, 20_000), default: 2_000 },
  registrySimulator: { env: 'WORKFLOWS_REGISTRY_SIMULATOR', doc: 'answer the registry requests with the built-in simulator (local mode and tests only)', parse: parse.bool, default: false },
} satisfies Spec;

export type WorkflowsSettings = ConfigOf<typeof workflowsSettings>;

export interface WorkflowsGenesis {
  chainId: string;
  operator: { partyId: string };
}

export function readWorkflowsGenesis(file: string): WorkflowsGenesis {
  const g = JSON.parse(readFileSync(file, 'utf8')) as Partial<WorkflowsGenesis>;
  if (typeof g?.chainId !== 'string' || typeof g.operator?.partyId !== 'string') throw new Error(`${file} is not a ledger genesis (chainId, operator)`);
  return { chainId: g.chainId, operator: { partyId: g.operator.partyId } };
}

export function paymentFilesDirOf(settings: { genesisFile: string; paymentFilesDir: string }): string {
  return settings.paymentFilesDir || path.join(path.dirname(settings.genesisFile), 'payment-files');
}

export function readOperatorKey(settings: { genesisFile: string; operatorKeyFile: string }): PrivateKey {
  const file = settings.operatorKeyFile || path.join(path.dirname(settings.genesisFile), 'operator-key.pem');
  return importPrivateKey({ format: 'pem', pem: readFileSync(file, 'utf8') });
}

/** The financing registry's exchange directory: the setting, or `registry-exchange` beside the genesis. */
export function registryDirOf(settings: { genesisFile: string; registryDir: string }): string {
  return settings.registryDir || path.join(path.dirname(settings.genesisFile), 'registry-exchange');
}
