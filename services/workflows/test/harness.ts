/**
 * The workflows service as its integration tests run it: a real ledger (in process, through
 * Kafka) with its clock in the test's hands, a fresh PostgreSQL database migrated with the
 * service's migrations, the consumer of ledger.events, the work queue on real Redis (BullMQ; the
 * ticker driven by the test through `work.tickNow()`), and the internal HTTP API — listening, for
 * callers that come over the network (the gateway's checks, the risk service's lookup).
 * (test/workflows.test.ts sets up the same by hand; it can move to this.)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import client from 'prom-client';
import { createPool, migrate, type Pool } from '@cascade/db';
import { createKafka } from '@cascade/events';
import { LedgerKafkaClient } from '@cascade/ledger';
import { createLogger } from '@cascade/logging';
import { buildServiceApp, internalIdentity, internalIdentityHeader, signInternalToken } from '@cascade/service';
import { createTestDatabase, infra, type TestDatabase } from '@cascade/testing';
import { TestLedger, type TestParty } from '../../ledger/test/support.ts';
import { kafkaLedgerPort } from '../src/application/ledger-port.ts';
import { postJson, webhookSecretsKey, type WorkflowsDeps } from '../src/application/workflows.ts';
import { registryRoutes } from '../src/entry-points/http/registry.ts';
import { webhookRoutes } from '../src/entry-points/http/webhooks.ts';
import { workQueue, type WorkQueue } from '../src/entry-points/jobs/queue.ts';
import { ledgerEventsConsumer } from '../src/entry-points/messages/ledger-events.ts';

const migrationsDir = new URL('../migrations', import.meta.url).pathname;

export interface Harness {
  ledger: TestLedger;
  pool: Pool;
  deps: WorkflowsDeps;
  work: WorkQueue;
  app: FastifyInstance;
  /** Where the API listens. */
  url: string;
  internalKey: Buffer;
  /** The internal identity header of `party`, as the gateway sends it. */
  as(party: TestParty): Record<string, string>;
  stop(): Promise<void>;
}

export async function startHarness(options: { name: string; extraDeps?: (clock: () => Date) => Partial<WorkflowsDeps> }): Promise<Harness> {
  const logger = createLogger({ service: options.name, level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const internalKey = randomBytes(32);
  const ledger = await TestLedger.start({ startAt: new Date('2026-03-02T02:00:00.000Z') });
  const db: TestDatabase = await createTestDatabase(options.name.replace(/[^a-z]/g, ''));
  await migrate({ databaseUrl: db.url, schema: 'workflows', dirs: [migrationsDir] });
  const pool = createPool({ databaseUrl: db.url, schema: 'workflows' });
  const kafka = createKafka({ brokers: infra().kafkaBrokers, clientId: options.name });
  const prefixOf = ledger.topics.ledgerCommands.name.replace(/\.ledger\.commands$/, '');
  const results = new LedgerKafkaClient(kafka, { topicPrefix: prefixOf, groupId: `${options.name}-results-${randomUUID()}`, logger, fromBeginning: false });
  await results.start();
  const clock = () => ledger.clock.now;
  const deps: WorkflowsDeps = {
    pool,
    clock,
    logger,
    ledger: kafkaLedgerPort(results, { chainId: ledger.dev.genesis.chainId, operatorId: ledger.operator.partyId, key: ledger.operator.key, clock }),
    planning: { reminderDays: 7, overdueGraceDays: 0 },
    secretsKey: webhookSecretsKey(internalKey),
    post: postJson,
    staleMs: 5 * 60_000,
    allowPrivateHosts: true,
    consumerName: 'workflows-ledger-events',
    ...options.extraDeps?.(clock),
  };
  const consumer = ledgerEventsConsumer(deps, { kafka, groupId: `${options.name}-events-${randomUUID()}`, topic: ledger.topics.ledgerEvents.name, registry: new client.Registry() });
  await consumer.start();
  const redis = new Redis(infra().redisUrl, { maxRetriesPerRequest: null });
  const work = workQueue(deps, { connection: redis, prefix: `bull-${options.name}-${randomUUID().slice(0, 8)}`, tickMs: 3_600_000, concurrency: 4, logger });
  for (const p of work.parts) await p.start();
  const app = buildServiceApp({ name: 'workflows', logger, readiness: {} });
  await app.register(internalIdentity, { key: internalKey, audience: 'workflows' });
  webhookRoutes(app, deps, { http: true, privateHosts: true });
  registryRoutes(app, deps);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    ledger,
    pool,
    deps,
    work,
    app,
    url,
    internalKey,
    as: (party) => ({ [internalIdentityHeader]: signInternalToken(internalKey, { sub: party.partyId, aud: 'workflows' }) }),
    stop: async () => {
      for (const p of [...work.parts].reverse()) await p.stop().catch(() => undefined);
      await app.close();
      await consumer.stop().catch(() => undefined);
      await results.stop().catch(() => undefined);
      redis.disconnect();
      await pool.end();
      await db.drop();
      await ledger.stop();
    },
  };
}
