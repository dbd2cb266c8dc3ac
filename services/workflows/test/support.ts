/**
 * The workflows service's test harness: a real ledger (in-process, through Kafka), a database of
 * its own with the service's migrations, the service's consumer of ledger.events, the operator's
 * ledger port, and an HTTP app with the internal identity plugin for the routes a test registers.
 * The clock is the ledger's test clock, so a test moves both at once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import client from 'prom-client';
import { createPool, migrate, type Pool } from '@cascade/db';
import { createKafka } from '@cascade/events';
import { LedgerKafkaClient } from '@cascade/ledger';
import { createLogger, type Logger } from '@cascade/logging';
import { buildServiceApp, internalIdentity, internalIdentityHeader, signInternalToken } from '@cascade/service';
import { createTestDatabase, infra, type TestDatabase } from '@cascade/testing';
import { TestLedger, type TestParty } from '../../ledger/test/support.ts';
import { kafkaLedgerPort } from '../src/application/ledger-port.ts';
import { postJson, webhookSecretsKey, type WorkflowsDeps } from '../src/application/workflows.ts';
import { ledgerEventsConsumer } from '../src/entry-points/messages/ledger-events.ts';

export const migrationsDir = new URL('../migrations', import.meta.url).pathname;

export interface WorkflowsHarness {
  ledger: TestLedger;
  pool: Pool;
  deps: WorkflowsDeps;
  logger: Logger;
  /** The key internal identity tokens are signed with, for an app of a test's own. */
  internalKey: Buffer;
  app: FastifyInstance;
  /** The internal identity headers of a call made by `party` through the gateway. */
  as(party: TestParty): Record<string, string>;
  stop(): Promise<void>;
}

export async function startWorkflowsHarness(options: { startAt: Date; routes: (app: FastifyInstance, deps: WorkflowsDeps) => void; extraDeps?: (clock: () => Date) => Partial<WorkflowsDeps> }): Promise<WorkflowsHarness> {
  const logger = createLogger({ service: 'workflows-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const internalKey = randomBytes(32);
  const ledger = await TestLedger.start({ startAt: options.startAt });
  let db: TestDatabase | undefined;
  let pool: Pool | undefined;
  let results: LedgerKafkaClient | undefined;
  let consumer: ReturnType<typeof ledgerEventsConsumer> | undefined;
  let app: FastifyInstance | undefined;
  const stop = async () => {
    await app?.close();
    await consumer?.stop().catch(() => undefined);
    await results?.stop().catch(() => undefined);
    await pool?.end();
    await db?.drop();
    await ledger.stop();
  };
  try {
    db = await createTestDatabase('workflows');
    await migrate({ databaseUrl: db.url, schema: 'workflows', dirs: [migrationsDir] });
    pool = createPool({ databaseUrl: db.url, schema: 'workflows' });
    const kafka = createKafka({ brokers: infra().kafkaBrokers, clientId: 'workflows-test' });
    const prefixOf = ledger.topics.ledgerCommands.name.replace(/\.ledger\.commands$/, '');
    results = new LedgerKafkaClient(kafka, { topicPrefix: prefixOf, groupId: `wf-results-${randomUUID()}`, logger, fromBeginning: false });
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
    consumer = ledgerEventsConsumer(deps, { kafka, groupId: `wf-events-${randomUUID()}`, topic: ledger.topics.ledgerEvents.name, registry: new client.Registry() });
    await consumer.start();
    app = buildServiceApp({ name: 'workflows', logger, readiness: {} });
    await app.register(internalIdentity, { key: internalKey, audience: 'workflows' });
    options.routes(app, deps);
    await app.ready();
    const as = (party: TestParty) => ({ [internalIdentityHeader]: signInternalToken(internalKey, { sub: party.partyId, aud: 'workflows' }) });
    return { ledger, pool, deps, logger, internalKey, app, as, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
