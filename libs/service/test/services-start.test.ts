/**
 * The four services as real processes against real PostgreSQL, Redis and the Kafka-protocol
 * broker: each starts, migrates its schema, answers /health and /ready, and stops cleanly (exit
 * code 0) on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { writeDevGenesis } from '@cascade/ledger';
import { createTestDatabase, eventually, infra, type TestDatabase } from '@cascade/testing';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const services = [
  { name: 'gateway', port: 41300 },
  { name: 'ledger', port: 41301 },
  { name: 'invoices', port: 41302 },
  { name: 'risk', port: 41303 },
];

let db: TestDatabase;
const children = new Map<string, ChildProcess>();

beforeAll(async () => {
  db = await createTestDatabase('services');
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
        LOG_LEVEL: 'warn',
        LEDGER_GENESIS_FILE: genesis.genesisFile,
        LEDGER_SIGNING_KEY_FILE: genesis.signingKeyFile,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.set(svc.name, child);
  }
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
    expect(ready.checks).toEqual({ postgres: 'ok', redis: 'ok', kafka: 'ok' });
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
