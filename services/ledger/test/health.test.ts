/**
 * Health tells the truth: the ledger process's /ready fails while its writer cannot commit the
 * input it holds (here: the operations table taken away behind its back), /metrics shows how long
 * that input has waited, and both recover once the writer can commit again — and the command
 * that waited gets its result.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '@cascade/db';
import { exportPublicKey, generateKeyPair } from '@cascade/crypto';
import { createKafka } from '@cascade/events';
import { createLogger } from '@cascade/logging';
import { createTestDatabase, createTestTopics, eventually, infra, uniqueName, type TestDatabase } from '@cascade/testing';
import { writeDevGenesis, type DevGenesis } from '../src/dev-genesis.ts';
import { LedgerKafkaClient, signSubmission } from '../src/kafka-client.ts';
import { startLedgerProcess, type LedgerProcess } from './ledger-process.ts';
import { newUscc } from './support.ts';

const stallMs = 2_000;

let db: TestDatabase;
let pool: Pool;
let dev: DevGenesis;
let prefix: string;
let client: LedgerKafkaClient;
let ledger: LedgerProcess | undefined;

beforeAll(async () => {
  db = await createTestDatabase('health');
  prefix = uniqueName('health').replace(/_/g, '-');
  await createTestTopics(prefix);
  dev = writeDevGenesis(mkdtempSync(path.join(os.tmpdir(), 'cascade-health-')), { chainId: prefix });
  pool = createPool({ databaseUrl: db.url, schema: 'ledger' });
  client = new LedgerKafkaClient(createKafka({ brokers: infra().kafkaBrokers, clientId: 'health-test' }), {
    topicPrefix: prefix,
    groupId: `results-${prefix}`,
    logger: createLogger({ service: 'health-test', level: 'silent' }),
  });
  await client.start();
});

afterAll(async () => {
  if (ledger && ledger.child.exitCode === null) ledger.child.kill('SIGKILL');
  await client?.stop();
  await pool?.query('ALTER TABLE IF EXISTS operations_hidden RENAME TO operations').catch(() => undefined);
  await pool?.end();
  await db?.drop();
});

function register() {
  const key = generateKeyPair('ed25519').privateKey;
  const partyId = newUscc();
  const command = {
    type: 'party.register',
    chain: dev.genesis.chainId,
    actor: dev.genesis.operator.partyId,
    nonce: randomUUID(),
    createdAt: new Date().toISOString(),
    payload: { partyId, uscc: partyId, name: partyId, roles: ['supplier'], publicKeys: [{ keyId: key.keyId, alg: 'ed25519', publicKey: exportPublicKey(key, 'hex') }] },
  };
  return signSubmission(command, [dev.operatorKey], 'parties');
}

async function ready(port: number): Promise<{ status: number; body: { checks?: Record<string, string> } }> {
  const res = await fetch(`http://127.0.0.1:${port}/ready`);
  return { status: res.status, body: (await res.json()) as { checks?: Record<string, string> } };
}

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

describe('the ledger process when its writer cannot commit', () => {
  it('fails /ready and reports the waiting input, then recovers and answers the command', { timeout: 120_000 }, async () => {
    ledger = startLedgerProcess({ db, dev, prefix, brokers: infra().kafkaBrokers, env: { LEDGER_INTAKE_STALL_MS: String(stallMs) } });
    const port = ledger.port;
    await eventually(async () => ((await ready(port)).status === 200 ? true : undefined), 45_000, 'ledger ready');
    expect((await client.sendAndWait(register(), 30_000)).status).toBe('accepted');

    await pool.query('ALTER TABLE operations RENAME TO operations_hidden');
    const [waiting] = await client.send([register()]);
    const stalled = await eventually(async () => {
      const r = await ready(port);
      return r.status === 503 ? r : undefined;
    }, 30_000, '/ready to fail');
    expect(stalled.body.checks?.intake).toMatch(/waited \d+ s without being committed/);
    expect(await metric(port, 'cascade_ledger_intake_oldest_pending_seconds')).toBeGreaterThan(stallMs / 1000);
    expect(client.results.has(waiting!)).toBe(false);

    await pool.query('ALTER TABLE operations_hidden RENAME TO operations');
    expect((await client.result(waiting!, 60_000)).status).toBe('accepted');
    await eventually(async () => ((await ready(port)).status === 200 ? true : undefined), 30_000, '/ready to recover');
    expect(await metric(port, 'cascade_ledger_intake_oldest_pending_seconds')).toBe(0);
    expect(ledger.child.exitCode, ledger.output()).toBeNull();
  });
});
