/**
 * Crash safety: the ledger runs as a real process, takes a stream of signed commands through its
 * Kafka intake, and is SIGKILLed while batches are in flight. After a restart every command has
 * its result, none was applied twice, the money adds up and the chain verifies.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '@cascade/db';
import { exportPublicKey, generateKeyPair, type PrivateKey } from '@cascade/crypto';
import { createKafka } from '@cascade/events';
import { createLogger } from '@cascade/logging';
import { createTestDatabase, createTestTopics, eventually, infra, uniqueName, type TestDatabase } from '@cascade/testing';
import { writeDevGenesis, type DevGenesis } from '../src/dev-genesis.ts';
import { LedgerKafkaClient, signSubmission, type SignedSubmission } from '../src/kafka-client.ts';
import { newUscc } from './support.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const commandCount = 3_000;
const issuerCount = 4;
const killAfterResults = 400;

let db: TestDatabase;
let pool: Pool;
let dev: DevGenesis;
let prefix: string;
let client: LedgerKafkaClient;
let ledgerProcess: ChildProcess | null = null;

function startLedger(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'services/ledger/src/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(42_000 + Math.floor(Math.random() * 2_000)),
      DATABASE_URL: db.url,
      REDIS_URL: infra().redisUrl,
      KAFKA_BROKERS: infra().kafkaBrokers.join(','),
      TOPIC_PREFIX: prefix,
      LEDGER_GENESIS_FILE: dev.genesisFile,
      LEDGER_SIGNING_KEY_FILE: dev.signingKeyFile,
      LEDGER_INTAKE_GROUP: `intake-${prefix}`,
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  ledgerProcess = child;
  return child;
}

const exit = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

beforeAll(async () => {
  db = await createTestDatabase('crash');
  prefix = uniqueName('crash').replace(/_/g, '-');
  await createTestTopics(prefix);
  dev = writeDevGenesis(mkdtempSync(path.join(os.tmpdir(), 'cascade-crash-')), { chainId: prefix });
  pool = createPool({ databaseUrl: db.url, schema: 'ledger' });
  client = new LedgerKafkaClient(createKafka({ brokers: infra().kafkaBrokers, clientId: 'crash-test' }), {
    topicPrefix: prefix,
    groupId: `results-${prefix}`,
    logger: createLogger({ service: 'crash-test', level: 'silent' }),
  });
  await client.start();
});

afterAll(async () => {
  if (ledgerProcess && ledgerProcess.exitCode === null) ledgerProcess.kill('SIGKILL');
  await client?.stop();
  await pool?.end();
  await db?.drop();
});

describe('ledger killed mid-batch under load', () => {
  it('loses no command, applies none twice, and the chain verifies after restart', { timeout: 300_000 }, async () => {
    startLedger();
    const operator = { partyId: dev.genesis.operator.partyId, key: dev.operatorKey };
    const now = () => new Date().toISOString();
    const command = (type: string, actor: string, payload: Record<string, unknown>) => ({ type, actor, nonce: randomUUID(), createdAt: now(), payload });

    // Parties and payables.
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
      await client.confirmPayable({ payableId: `PAY-${i}`, debtor: issuer.partyId, creditor: supplier.partyId, amount: `${perIssuer}.00`, invoices: [`INV-${i}`] });
    }
    await eventually(async () => ((await pool.query('SELECT count(*)::int AS n FROM payables')).rows[0].n === issuerCount ? true : undefined), 30_000, 'payables');

    // The load: one-fen-free 1.00 issues, keyed by issuer as the gateway keys them.
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
    const keys = await client.send(submissions);
    await eventually(() => (keys.filter((k) => client.results.has(k)).length >= killAfterResults ? true : undefined), 60_000, 'first results');
    ledgerProcess!.kill('SIGKILL');
    await exit(ledgerProcess!);
    const resultsAtKill = keys.filter((k) => client.results.has(k)).length;
    expect(resultsAtKill).toBeLessThan(commandCount); // it really died with work left

    const second = startLedger();
    await eventually(() => (keys.every((k) => client.results.has(k)) ? true : undefined), 120_000, 'every result after restart');
    second.kill('SIGTERM');
    expect(await exit(second)).toBe(0);

    // Every command accepted exactly once: replays may repeat a result, never with another seq.
    for (const k of keys) {
      const rs = client.results.get(k)!;
      expect(rs[0]!.status, k).toBe('accepted');
      expect(new Set(rs.map((r) => r.seq)).size, k).toBe(1);
    }
    const q = async (sql: string) => (await pool.query(sql)).rows[0];
    expect((await q(`SELECT count(*)::int AS n FROM operations WHERE type = 'voucher.issue'`)).n).toBe(commandCount);
    expect((await q('SELECT count(*)::int AS n FROM vouchers')).n).toBe(commandCount);
    expect((await q(`SELECT sum((data->>'remaining')::numeric)::text AS s FROM payables`)).s).toBe('0.00');
    expect((await q(`SELECT count(*)::int AS n FROM balances GROUP BY currency HAVING sum(amount) <> 0`)) ?? null).toBeNull();

    const verify = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'services/ledger/src/entry-points/cli/main.ts'), 'ledger', 'verify'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: db.url, LEDGER_GENESIS_FILE: dev.genesisFile },
    });
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    console.log(`[crash] killed after ${resultsAtKill}/${commandCount} results; ${verify.stdout.trim()}`);
  });
});
