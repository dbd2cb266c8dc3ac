/**
 * Crash safety: the ledger runs as a real process, takes a stream of signed commands through its
 * Kafka intake, and is SIGKILLed while batches are in flight. After a restart every command has
 * its result, none was applied twice, the money adds up and the chain verifies.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '@cascade/db';
import { createKafka } from '@cascade/events';
import { createLogger } from '@cascade/logging';
import { createTestDatabase, createTestTopics, eventually, infra, uniqueName, type TestDatabase } from '@cascade/testing';
import { writeDevGenesis, type DevGenesis } from '../src/dev-genesis.ts';
import { LedgerKafkaClient } from '../src/kafka-client.ts';
import { expectChainVerifies, expectEachAppliedOnce, prepareIssueLoad, startLedgerProcess, type LedgerProcess } from './ledger-process.ts';

const commandCount = 3_000;
const issuerCount = 4;
const killAfterResults = 400;

let db: TestDatabase;
let pool: Pool;
let dev: DevGenesis;
let prefix: string;
let client: LedgerKafkaClient;
let ledger: LedgerProcess | null = null;

const startLedger = (): LedgerProcess => (ledger = startLedgerProcess({ db, dev, prefix, brokers: infra().kafkaBrokers }));

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
  if (ledger && ledger.child.exitCode === null) ledger.child.kill('SIGKILL');
  await client?.stop();
  await pool?.end();
  await db?.drop();
});

describe('ledger killed mid-batch under load', () => {
  it('loses no command, applies none twice, and the chain verifies after restart', { timeout: 300_000 }, async () => {
    const first = startLedger();
    const { submissions } = await prepareIssueLoad({ client, pool, dev, commandCount, issuerCount });
    const keys = await client.send(submissions);
    await eventually(() => (keys.filter((k) => client.results.has(k)).length >= killAfterResults ? true : undefined), 60_000, 'first results');
    first.child.kill('SIGKILL');
    await first.exited();
    const resultsAtKill = keys.filter((k) => client.results.has(k)).length;
    expect(resultsAtKill).toBeLessThan(commandCount); // it really died with work left

    const second = startLedger();
    await eventually(() => (keys.every((k) => client.results.has(k)) ? true : undefined), 120_000, 'every result after restart');
    second.child.kill('SIGTERM');
    expect(await second.exited(), second.output()).toBe(0);

    await expectEachAppliedOnce(client, pool, keys);
    const verified = expectChainVerifies(db, dev);
    console.log(`[crash] killed after ${resultsAtKill}/${commandCount} results; ${verified}`);
  });
});
