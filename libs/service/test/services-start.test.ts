/**
 * The five services as real processes against real PostgreSQL, Redis and the Kafka-protocol
 * broker: each starts, migrates its schema, answers /health and /ready, and stops cleanly (exit
 * code 0) on SIGTERM.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { writeDevGenesis } from '@cascade/ledger';
import { createTestDatabase, createTestTopics, eventually, infra, spawnServiceProcess, uniqueName, type ServiceProcess, type TestDatabase } from '@cascade/testing';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const services = [{ name: 'gateway' }, { name: 'ledger' }, { name: 'invoices' }, { name: 'risk' }, { name: 'workflows' }];

let db: TestDatabase;
const children = new Map<string, ServiceProcess>();

beforeAll(async () => {
  db = await createTestDatabase('services');
  // The services run on their own topics: Kafka here creates no topic on first use.
  const prefix = uniqueName('services').replace(/_/g, '-');
  await createTestTopics(prefix);
  const genesis = writeDevGenesis(mkdtempSync(path.join(os.tmpdir(), 'cascade-genesis-')));
  for (const svc of services) {
    children.set(
      svc.name,
      spawnServiceProcess({
        entry: path.join(root, `services/${svc.name}/src/main.ts`),
        cwd: root,
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          REDIS_URL: infra().redisUrl,
          KAFKA_BROKERS: infra().kafkaBrokers.join(','),
          TOPIC_PREFIX: prefix,
          LEDGER_GENESIS_FILE: genesis.genesisFile,
          LEDGER_SIGNING_KEY_FILE: genesis.signingKeyFile,
          INVOICES_SIGNING_KEY_FILE: genesis.invoicesKeyFile,
        },
      }),
    );
  }
});

afterEach((context) => {
  if (context.task.result?.state !== 'fail') return;
  const name = services.find((s) => context.task.name.includes(s.name) || context.task.suite?.name.includes(s.name))?.name;
  if (name) process.stderr.write(`\n--- output of ${name} ---\n${children.get(name)?.output() || '(nothing)'}\n--- end of ${name} ---\n`);
});

afterAll(async () => {
  for (const c of children.values()) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  await db?.drop();
});

describe.each(services)('service $name', ({ name }) => {
  it('answers /health and, once connected, /ready with every dependency ok', async () => {
    const port = await children.get(name)!.port();
    const ready = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/ready`);
      return res.ok ? ((await res.json()) as { checks: Record<string, string> }) : undefined;
    }, 45_000, `${name} ready`);
    // Beyond the shared three: the ledger reports whether its intake keeps up (docs/ledger.md);
    // the gateway its results consumer and its view of the registry (docs/gateway.md); the
    // invoices, risk and workflows services whether their consumers of the ledger's events still run;
    // the workflows service also whether its payment-file directory is writable.
    const own: Record<string, Record<string, string>> = { ledger: { intake: 'ok' }, gateway: { results: 'ok', registry: 'ok', liveEvents: 'ok' }, invoices: { ledgerEvents: 'ok' }, risk: { events: 'ok' }, workflows: { ledgerEvents: 'ok', paymentFiles: 'ok' } };
    expect(ready.checks).toEqual({ postgres: 'ok', redis: 'ok', kafka: 'ok', ...own[name] });
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await health.json()).toEqual({ status: 'ok', service: name });
  });

  it('answers an unknown route with problem+json', async () => {
    const res = await fetch(`http://127.0.0.1:${await children.get(name)!.port()}/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await res.json()).toMatchObject({ type: 'urn:cascade:problem:not-found', status: 404 });
  });

  it('stops cleanly on SIGTERM', async () => {
    const { child, exited } = children.get(name)!;
    expect(child.exitCode, `${name} exited before SIGTERM`).toBeNull();
    child.kill('SIGTERM');
    expect(await exited()).toBe(0);
  });
});
