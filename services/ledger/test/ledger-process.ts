/**
 * The ledger as a real process for the tests that kill things (the ledger itself, or the broker):
 * start it, load it with signed issues from several issuers, and check afterwards that every
 * command has exactly one outcome, nothing was applied twice, money adds up and the chain
 * verifies with the real CLI.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { createPool, migrate, type Pool } from '@cascade/db';
import { exportPublicKey, generateKeyPair, type PrivateKey } from '@cascade/crypto';
import { createKafka, prefixedTopics } from '@cascade/events';
import { createLogger } from '@cascade/logging';
import { createTestDatabase, eventually, spawnServiceProcess, topicAdminFor, uniqueName, type ServiceProcess, type TestDatabase } from '@cascade/testing';
import { writeDevGenesis, type DevGenesis } from '../src/dev-genesis.ts';
import { LedgerKafkaClient, signSubmission, type SignedSubmission } from '../src/kafka-client.ts';
import { migrationsDir, newUscc } from './support.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** What a test of the ledger process needs around it: its database, topics, genesis and a client. */
export interface ProcessHarness {
  db: TestDatabase;
  pool: Pool;
  dev: DevGenesis;
  prefix: string;
  brokers: string[];
  client: LedgerKafkaClient;
  /** Starts the ledger process on this harness (a test may start several in turn). */
  start(env?: Record<string, string>): LedgerProcess;
  /** Kills any ledger process still running and removes the database. */
  close(): Promise<void>;
}

/**
 * A fresh database (migrated, so the test's pool can watch tables from the first moment), fresh
 * prefixed topics on `brokers` (created with the broker's own admin, or the mock's control port),
 * a genesis of its own and a client collecting every result.
 */
export async function openProcessHarness(name: string, target: { brokers: string[]; control?: string }): Promise<ProcessHarness> {
  const db = await createTestDatabase(name);
  await migrate({ databaseUrl: db.url, schema: 'ledger', dirs: [migrationsDir] });
  const prefix = uniqueName(name).replace(/_/g, '-');
  const admin = topicAdminFor({ bootstrap: target.brokers, control: target.control });
  try {
    await admin.ensureTopics(Object.values(prefixedTopics(prefix)).map((t) => ({ name: t.name, partitions: t.partitions })));
  } finally {
    await admin.close();
  }
  const dev = writeDevGenesis(mkdtempSync(path.join(os.tmpdir(), `cascade-${name}-`)), { chainId: prefix });
  const pool = createPool({ databaseUrl: db.url, schema: 'ledger' });
  const client = new LedgerKafkaClient(createKafka({ brokers: target.brokers, clientId: `${name}-test` }), {
    topicPrefix: prefix,
    groupId: `results-${prefix}`,
    logger: createLogger({ service: `${name}-test`, level: 'warn' }),
  });
  await client.start();
  const started: LedgerProcess[] = [];
  return {
    db,
    pool,
    dev,
    prefix,
    brokers: target.brokers,
    client,
    start: (env) => {
      const ledger = startLedgerProcess({ db, dev, prefix, brokers: target.brokers, ...(env ? { env } : {}) });
      started.push(ledger);
      return ledger;
    },
    close: async () => {
      for (const ledger of started) if (ledger.child.exitCode === null) ledger.child.kill('SIGKILL');
      await client.stop().catch(() => undefined);
      await pool.end();
      await db.drop();
    },
  };
}

export type LedgerProcess = ServiceProcess;

export function startLedgerProcess(options: { db: TestDatabase; dev: DevGenesis; prefix: string; brokers: string[]; env?: Record<string, string> }): LedgerProcess {
  return spawnServiceProcess({
    entry: path.join(root, 'services/ledger/src/main.ts'),
    cwd: root,
    env: {
      ...process.env,
      ...(process.env.TEST_LEDGER_LOG_LEVEL ? { LOG_LEVEL: process.env.TEST_LEDGER_LOG_LEVEL } : {}),
      ...options.env,
      DATABASE_URL: options.db.url,
      KAFKA_BROKERS: options.brokers.join(','),
      TOPIC_PREFIX: options.prefix,
      LEDGER_GENESIS_FILE: options.dev.genesisFile,
      LEDGER_SIGNING_KEY_FILE: options.dev.signingKeyFile,
      LEDGER_INTAKE_GROUP: `intake-${options.prefix}`,
    },
  });
}

/** Runs `step`; if it fails, the error carries what the ledger processes printed (the likely why). */
export async function explainedBy<T>(ledgers: LedgerProcess[], step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const printed = ledgers.map((l, i) => `--- ledger process ${i + 1} printed ---\n${l.output() || '(nothing)'}`).join('\n');
    throw new Error(`${(error as Error).message}\n${printed}`, { cause: error });
  }
}

export interface IssueLoad {
  submissions: SignedSubmission[];
  issuerCount: number;
}

/**
 * Registers a supplier and `issuerCount` core enterprises, confirms one payable per issuer, and
 * signs `commandCount` issues of 1.00 keyed by issuer (as the gateway keys them); nothing sent yet.
 */
export async function prepareIssueLoad(options: { client: LedgerKafkaClient; pool: Pool; dev: DevGenesis; commandCount: number; issuerCount: number }): Promise<IssueLoad> {
  const { client, pool, dev, commandCount, issuerCount } = options;
  const operator = { partyId: dev.genesis.operator.partyId, key: dev.operatorKey };
  const now = () => new Date().toISOString();
  const command = (type: string, actor: string, payload: Record<string, unknown>) => ({ type, chain: dev.genesis.chainId, actor, nonce: randomUUID(), createdAt: now(), payload });
  const supplier = { partyId: newUscc(), key: generateKeyPair('ed25519').privateKey };
  const issuers = Array.from({ length: issuerCount }, () => ({ partyId: newUscc(), key: generateKeyPair('ed25519').privateKey }));
  const register = (p: { partyId: string; key: PrivateKey }, role: string) =>
    signSubmission(
      command('party.register', operator.partyId, { partyId: p.partyId, uscc: p.partyId, name: p.partyId, roles: [role], publicKeys: [{ keyId: p.key.keyId, alg: 'ed25519', publicKey: exportPublicKey(p.key, 'hex') }] }),
      [operator.key],
      'parties',
    );
  for (const s of [register(supplier, 'supplier'), ...issuers.map((i) => register(i, 'core'))]) {
    expect((await client.sendAndWait(s, 60_000)).status).toBe('accepted');
  }
  const perIssuer = commandCount / issuerCount;
  for (const [i, issuer] of issuers.entries()) {
    await client.confirmPayable({ payableId: `PAY-${i}`, debtor: issuer.partyId, creditor: supplier.partyId, amount: `${perIssuer}.00`, invoices: [`INV-${i}`] }, { chain: dev.genesis.chainId, key: dev.invoicesKey });
  }
  await eventually(async () => ((await pool.query('SELECT count(*)::int AS n FROM payables')).rows[0].n === issuerCount ? true : undefined), 30_000, 'payables');
  const submissions: SignedSubmission[] = [];
  for (let n = 0; n < perIssuer; n++) {
    for (const [i, issuer] of issuers.entries()) {
      submissions.push(
        signSubmission(
          command('voucher.issue', issuer.partyId, { voucherId: randomUUID(), holder: supplier.partyId, amount: '1.00', maturityDate: '2026-12-31', backing: [{ payableId: `PAY-${i}`, amount: '1.00' }] }),
          [issuer.key],
          issuer.partyId,
        ),
      );
    }
  }
  return { submissions, issuerCount };
}

/**
 * Every command of the load accepted exactly once (replays may repeat a result, never with another
 * seq), one operation and one voucher per command, payables used up, balances at zero.
 */
export async function expectEachAppliedOnce(client: LedgerKafkaClient, pool: Pool, keys: string[]): Promise<void> {
  for (const k of keys) {
    const rs = client.results.get(k)!;
    expect(rs[0]!.status, k).toBe('accepted');
    expect(new Set(rs.map((r) => r.seq)).size, k).toBe(1);
  }
  const q = async (sql: string) => (await pool.query(sql)).rows[0];
  expect((await q(`SELECT count(*)::int AS n FROM operations WHERE type = 'voucher.issue'`)).n).toBe(keys.length);
  expect((await q('SELECT count(*)::int AS n FROM vouchers')).n).toBe(keys.length);
  expect((await q(`SELECT sum((data->>'remaining')::numeric)::text AS s FROM payables`)).s).toBe('0.00');
  expect((await q(`SELECT count(*)::int AS n FROM balances GROUP BY currency HAVING sum(amount) <> 0`)) ?? null).toBeNull();
}

/** Runs `cascade ledger verify` on the database; returns what it printed on success. */
export function expectChainVerifies(db: TestDatabase, dev: DevGenesis): string {
  const verify = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'services/ledger/src/entry-points/cli/main.ts'), 'ledger', 'verify'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: db.url, LEDGER_GENESIS_FILE: dev.genesisFile },
  });
  expect(verify.stderr).toBe('');
  expect(verify.status).toBe(0);
  return verify.stdout.trim();
}
