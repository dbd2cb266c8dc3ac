/**
 * What the workflows service is to the shared runtime: its name, schema, port, migrations and
 * settings, and its composition — the consumer of the ledger's events, the work queue (ticker and
 * workers), the ledger client its actions use, and the webhook API.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { prefixedTopics } from '@cascade/events';
import { LedgerKafkaClient } from '@cascade/ledger';
import type { ServiceDefinition } from '@cascade/service';
import { kafkaLedgerPort } from './application/ledger-port.ts';
import { postJson, staleMsDefault, webhookSecretsKey, type WorkflowsDeps } from './application/workflows.ts';
import { FileExchangeRegistry } from '@cascade/payments';
import { paymentFilesDirOf, readOperatorKey, readWorkflowsGenesis, registryDirOf, workflowsSettings, type WorkflowsSettings } from './config.ts';
import { paymentRoutes } from './entry-points/http/payments.ts';
import { registryRoutes } from './entry-points/http/registry.ts';
import { paymentFilesDirReady, paymentFilesJob } from './entry-points/jobs/payment-files.ts';
import { RegistrySimulator } from './registry-simulator.ts';
import { webhookRoutes } from './entry-points/http/webhooks.ts';
import { workQueue } from './entry-points/jobs/queue.ts';
import { ledgerEventsConsumer } from './entry-points/messages/ledger-events.ts';

export const definition: ServiceDefinition = {
  name: 'workflows',
  schema: 'workflows',
  portDefault: 3004,
  migrationsDirs: [fileURLToPath(new URL('../migrations', import.meta.url))],
  catalog: null,
  settings: workflowsSettings,
  compose: (app, platform, config) => {
    const c = config as unknown as WorkflowsSettings & { topicPrefix: string; internalAuthKey: Buffer; redisUrl: string };
    const topics = prefixedTopics(c.topicPrefix);
    const genesis = readWorkflowsGenesis(c.genesisFile);
    const clock = platform.clock;
    // Each process reads the results of its own commands: a group of its own, from the latest.
    const results = new LedgerKafkaClient(platform.kafka, { topicPrefix: c.topicPrefix, groupId: `workflows-results-${os.hostname()}-${process.pid}`, logger: platform.logger, fromBeginning: false });
    const deps: WorkflowsDeps = {
      pool: platform.pool,
      clock,
      logger: platform.logger,
      ledger: kafkaLedgerPort(results, { chainId: genesis.chainId, operatorId: genesis.operator.partyId, key: readOperatorKey(c), clock }),
      planning: { reminderDays: c.reminderDays, overdueGraceDays: c.overdueGraceDays },
      secretsKey: webhookSecretsKey(c.internalAuthKey),
      post: postJson,
      staleMs: staleMsDefault,
      allowPrivateHosts: c.webhookAllowPrivate,
      consumerName: 'workflows-ledger-events',
      registry: new FileExchangeRegistry({ directory: registryDirOf(c), now: clock, responseWaitMs: c.registryWaitMs, pollIntervalMs: 100 }),
    };
    webhookRoutes(app, deps, { http: c.webhookAllowHttp, privateHosts: c.webhookAllowPrivate });
    registryRoutes(app, deps);
    const simulator = c.registrySimulator ? new RegistrySimulator({ directory: registryDirOf(c), now: clock, pollMs: 100 }) : null;
    const paymentsDeps = { pool: platform.pool, clock, logger: platform.logger, filesDir: paymentFilesDirOf(c) };
    paymentRoutes(app, paymentsDeps);
    const paymentFiles = paymentFilesJob(paymentsDeps, { tickMs: c.paymentFilesTickMs, registry: platform.registry });
    platform.readiness.paymentFiles = () => paymentFilesDirReady(paymentsDeps.filesDir);
    const consumer = ledgerEventsConsumer(deps, { kafka: platform.kafka, groupId: c.ledgerGroupId, topic: topics.ledgerEvents.name, registry: platform.registry });
    platform.readiness.ledgerEvents = async () => {
      const dead = consumer.progress().deadBecause;
      if (dead) throw new Error(dead);
    };
    // BullMQ's own connection (its workers block on Redis; null retries is what BullMQ asks for).
    const bullRedis = new Redis(c.redisUrl, { maxRetriesPerRequest: null });
    const work = workQueue(deps, { connection: bullRedis, prefix: c.topicPrefix ? `bull-${c.topicPrefix}` : 'bull', tickMs: c.tickMs, concurrency: c.concurrency, logger: platform.logger });
    return [
      // Stopped last: the work queue's parts use it until they are closed (it connects by itself).
      { name: 'bullmq-redis', start: async () => undefined, stop: async () => void (await bullRedis.quit().catch(() => bullRedis.disconnect())) },
      { name: 'ledger-results', start: () => results.start(), stop: () => results.stop() },
      { name: 'ledger-events', start: () => consumer.start(), stop: () => consumer.stop() },
      ...work.parts,
      ...(simulator ? [{ name: 'registry-simulator', start: () => simulator.start(), stop: () => simulator.stop() }] : []),
      paymentFiles.part,
    ];
  },
};
