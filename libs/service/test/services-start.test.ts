/**
 * The four services as real processes against real PostgreSQL, Redis and the Kafka-protocol
 * broker: each starts, migrates its schema, answers /health and /ready, and stops cleanly (exit
 * code 0) on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { writeDevGenesis } from '@cascade/ledger';
import { createTestDatabase, createTestTopics, eventually, infra, uniqueName, type TestDatabase } from '@cascade/testing';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const services = [
  { name: 'gateway', port: 41300 },
  { name: 'ledger', port: 41301 },
  { name: 'invoices', port: 41302 },
  { name: 'risk', port: 41303 },
];

let db: TestDatabase;
const children = new Map<string, ChildProcess>();
/** Everything each child printed (bounded), shown when a test about it fails. */
const output = new Map<string, string>();
const outputKeepChars = 20_000;

beforeAll(async () => {
  db = await createTestDatabase('services');
  // The services run on their own topics: Kafka here creates no topic on first use.
  const prefix = uniqueName('services').replace(/_/g, '-');
  await createTestTopics(prefix);
  const genesis = writeDevGenesis(mkdtempSync(path.join(os.tmpdir(), 'cascade-genesis-')));
  for (const svc of services) {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, `services/${svc.name}/src/main.ts`)], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(svc.port),
        DATABASE_URL: db.url,
        REDIS_URL: infra().redisUrl,
        KAFKA_BROKERS: infra().kafkaBrokers.join(','),
        TOPIC_PREFIX: prefix,
        LOG_LEVEL: 'warn',
        LEDGER_GENESIS_FILE: genesis.genesisFile,
        LEDGER_SIGNING_KEY_FILE: genesis.signingKeyFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    output.set(svc.name, '');
    const keep = (chunk: Buffer): void => void output.set(svc.name, (output.get(svc.name)! + chunk.toString('utf8')).slice(-outputKeepChars));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => keep(Buffer.from(`\n[${svc.name} exited: code ${code}, signal ${signal}]\n`)));
    children.set(svc.name, child);
  }
});

afterEach((context) => {
  if (context.task.result?.state !== 'fail') return;
  const name = services.find((s) => context.task.name.includes(s.name) || context.task.suite?.name.includes(s.name))?.name;
  if (name) process.stderr.write(`\n--- output of ${name} ---\n${output.get(name) || '(nothing)'}\n--- end of ${name} ---\n`);
});

afterAll(async () => {
  for (const c of children.values()) if (c.exitCode === null) c.kill('SIGKILL');
  await db?.drop();
});

describe.each(services)('service $name', ({ name, port }) => {
  it('answers /health and, once connected, /ready with every dependency ok', async () => {
    const ready = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/ready`);
      return res.ok ? ((await res.json()) as { checks: Record<string, string> }) : undefined;
    }, 45_000, `${name} ready`);
    // The ledger also reports whether its intake is keeping up (docs/ledger.md, health).
    expect(ready.checks).toEqual(name === 'ledger' ? { postgres: 'ok', redis: 'ok', kafka: 'ok', intake: 'ok' } : { postgres: 'ok', redis: 'ok', kafka: 'ok' });
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await health.json()).toEqual({ status: 'ok', service: name });
  });

  it('answers an unknown route with problem+json', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await res.json()).toMatchObject({ type: 'urn:cascade:problem:not-found', status: 404 });
  });

  it('stops cleanly on SIGTERM', async () => {
    const child = children.get(name)!;
    expect(child.exitCode, `${name} exited before SIGTERM`).toBeNull();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
