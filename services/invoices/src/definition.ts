/**
 * What the invoices service is to the shared runtime: its name, schema, port, migrations and
 * settings, and its composition — the internal HTTP API, the consumer of the ledger's events, and
 * (when a folder is configured) the reader of the tax provider's verification results.
 */
import { fileURLToPath } from 'node:url';
import { prefixedTopics } from '@cascade/events';
import type { ServiceDefinition } from '@cascade/service';
import { invoicesDeps, ledgerConsumer, registerInvoicesApp } from './app.ts';
import { invoicesCatalog } from './application/deps.ts';
import { invoicesSettings, type InvoicesSettings } from './config.ts';
import { verificationInbox } from './entry-points/jobs/verification-inbox.ts';

export const definition: ServiceDefinition = {
  name: 'invoices',
  schema: 'invoices',
  portDefault: 3002,
  migrationsDirs: [fileURLToPath(new URL('../migrations', import.meta.url))],
  catalog: invoicesCatalog(),
  settings: invoicesSettings,
  compose: (app, platform, config) => {
    const c = config as unknown as InvoicesSettings & { topicPrefix: string };
    const topics = prefixedTopics(c.topicPrefix);
    const deps = invoicesDeps({ pool: platform.pool, logger: platform.logger, settings: c, eventsTopic: topics.invoicesEvents.name, clock: platform.clock });
    registerInvoicesApp(app, deps, c.importBytesMax);
    const consumer = ledgerConsumer({ kafka: platform.kafka, deps, groupId: c.ledgerGroupId, topics: { events: topics.ledgerEvents.name, results: topics.ledgerResults.name }, registry: platform.registry });
    // Readiness tells whether the view of parties and usage is still being kept.
    platform.readiness.ledgerEvents = async () => {
      const dead = consumer.progress().deadBecause;
      if (dead) throw new Error(dead);
    };
    const parts = [{ name: 'ledger-events', start: () => consumer.start(), stop: () => consumer.stop() }];
    if (c.verificationDir) parts.push(verificationInbox(deps, c.verificationDir, c.verificationPollMs));
    return parts;
  },
};
