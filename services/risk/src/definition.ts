/**
 * What the risk service is to the shared runtime: its name, schema, port and migrations, and its
 * composition — the consumer of ledger.events and invoices.events that keeps its view, assesses
 * financing requests and raises warnings, and the internal HTTP API for the gateway.
 */
import { fileURLToPath } from 'node:url';
import client from 'prom-client';
import { EventCatalog, prefixedTopics, riskPublishedSpecs } from '@cascade/events';
import type { ServiceDefinition } from '@cascade/service';
import { registerRiskRoutes } from './app.ts';
import type { RiskContext } from './application/context.ts';
import { workflowsRegistryLookup } from './application/registry.ts';
import { assessmentPolicyOf, readFactKey, riskSettings, warningPolicyOf, type RiskConfig } from './config.ts';
import { saveScorecard } from './data-access/assessments.ts';
import { readScorecardFile } from './default-scorecard.ts';
import { consumerStallProblem, createRiskConsumer } from './entry-points/messages/consumer.ts';

export function publishCatalog(): EventCatalog {
  return new EventCatalog(riskPublishedSpecs);
}

export const definition: ServiceDefinition = {
  name: 'risk',
  schema: 'risk',
  portDefault: 3003,
  migrationsDirs: [fileURLToPath(new URL('../migrations', import.meta.url))],
  catalog: publishCatalog(),
  settings: riskSettings,
  compose: (app, platform, config) => {
    const c = config as unknown as RiskConfig;
    const topics = prefixedTopics(config.topicPrefix as string);
    const ctx: RiskContext = {
      topic: topics.riskEvents.name,
      catalog: publishCatalog(),
      card: readScorecardFile(c.scorecardFile),
      policy: assessmentPolicyOf(c),
      warnings: warningPolicyOf(c),
      factKey: readFactKey(c.genesisFile),
      now: platform.clock,
      logger: platform.logger,
      ...(c.workflowsUrl ? { registry: workflowsRegistryLookup({ url: c.workflowsUrl, key: (config as unknown as { internalAuthKey: Buffer }).internalAuthKey }) } : {}),
    };
    const applied = new client.Counter({ name: 'cascade_risk_events_applied_total', help: 'consumed events applied, by type', labelNames: ['type'], registers: [platform.registry] });
    const parked = new client.Counter({ name: 'cascade_risk_events_parked_total', help: 'consumed events set aside (not applied, never retried), by reason', labelNames: ['reason'], registers: [platform.registry] });
    const consumer = createRiskConsumer({
      kafka: platform.kafka,
      pool: platform.pool,
      ctx,
      logger: platform.logger,
      groupId: c.consumerGroupId,
      sessionTimeoutMs: c.consumerSessionTimeoutMs,
      topics: { ledgerEvents: topics.ledgerEvents.name, invoicesEvents: topics.invoicesEvents.name },
      onApplied: (type) => applied.inc({ type }),
      onParked: (reason) => parked.inc({ reason }),
    });
    platform.readiness.events = async () => {
      const problem = consumerStallProblem(consumer.progress(), c.consumerStallMs);
      if (problem) throw new Error(problem);
    };
    new client.Gauge({ name: 'cascade_risk_consumer_lag_messages', help: 'messages behind the high watermarks of the consumed topics', registers: [platform.registry], collect() { this.set(consumer.progress().lagMessages); } });
    if (!ctx.factKey) platform.logger.warn('RISK_GENESIS_FILE is not set: four-flow scores cannot be verified and stay unknown');
    registerRiskRoutes(app, platform.pool, ctx);
    return [
      // Every assessment names its scorecard version; the card it names must be stored to re-run it.
      { name: 'risk-scorecard', start: async () => saveScorecard(platform.pool, ctx.card), stop: async () => undefined },
      { name: 'risk-consumer', start: () => consumer.start(), stop: () => consumer.stop() },
    ];
  },
};
