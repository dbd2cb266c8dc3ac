/**
 * What the ledger service is to the shared runtime: its name, schema, port and migrations, and
 * its composition — the single writer fed by the Kafka intake, and the HTTP read side.
 */
import { fileURLToPath } from 'node:url';
import client from 'prom-client';
import { VerifierPool } from '@cascade/crypto';
import { prefixedTopics } from '@cascade/events';
import type { ServiceDefinition } from '@cascade/service';
import { registerLedgerRoutes } from './app.ts';
import { LedgerWriter } from './application/writer.ts';
import { PostgresLedgerStore } from './data-access/store.ts';
import { publishCatalog } from './catalog.ts';
import { ledgerRuntime, ledgerSettings } from './config.ts';
import { createIntake, intakeStallProblem } from './entry-points/messages/intake.ts';

type LedgerConfig = { [K in keyof typeof ledgerSettings]: ReturnType<(typeof ledgerSettings)[K]['parse']> };

export const definition: ServiceDefinition = {
  name: 'ledger',
  schema: 'ledger',
  portDefault: 3001,
  migrationsDirs: [fileURLToPath(new URL('../migrations', import.meta.url))],
  catalog: publishCatalog(),
  settings: ledgerSettings,
  compose: (app, platform, config) => {
    const c = config as unknown as LedgerConfig;
    const topics = prefixedTopics(config.topicPrefix as string);
    const runtime = ledgerRuntime(c);
    const logger = platform.logger;
    const verifier = new VerifierPool({ workers: c.verifyWorkers });
    const writer = new LedgerWriter({
      store: new PostgresLedgerStore(platform.pool, { results: topics.ledgerResults.name, events: topics.ledgerEvents.name }, logger),
      genesis: runtime.genesis,
      signBlock: runtime.signBlock,
      verifyMany: (items) => verifier.verifyBatch(items),
      logger,
      clock: platform.clock,
    });
    const committed = new client.Counter({ name: 'cascade_ledger_operations_committed_total', help: 'operations committed', registers: [platform.registry] });
    const decided = new client.Counter({ name: 'cascade_ledger_commands_decided_total', help: 'commands decided, by outcome', labelNames: ['status'], registers: [platform.registry] });
    const batchSeconds = new client.Histogram({
      name: 'cascade_ledger_batch_seconds',
      help: 'time to decide and commit one intake batch',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [platform.registry],
    });
    const deadLetters = new client.Counter({ name: 'cascade_ledger_dead_letters_total', help: 'messages the intake could not read, parked on the dead-letter topic, by reason', labelNames: ['reason'], registers: [platform.registry] });
    const intake = createIntake({
      kafka: platform.kafka,
      writer,
      logger,
      groupId: c.intakeGroupId,
      sessionTimeoutMs: c.intakeSessionTimeoutMs,
      commandsTopic: topics.ledgerCommands.name,
      invoicesTopic: topics.invoicesEvents.name,
      facts: { chain: runtime.genesis.chainId, invoicesKey: runtime.genesis.services.invoices },
      deadLetter: { producer: platform.producer, topic: topics.ledgerDeadLetter.name, onParked: (reason) => deadLetters.inc({ reason }) },
      onBatch: (outcome, _size, elapsedMs) => {
        committed.inc(outcome.committed);
        for (const r of outcome.results) decided.inc({ status: r.status });
        batchSeconds.observe(elapsedMs / 1000);
      },
    });
    // Readiness and metrics tell the truth about the intake, not only about connections.
    platform.readiness.intake = async () => {
      const problem = intakeStallProblem(intake.progress(), c.intakeStallMs);
      if (problem) throw new Error(problem);
    };
    new client.Gauge({ name: 'cascade_ledger_intake_lag_messages', help: 'messages behind the high watermarks of the intake topics', registers: [platform.registry], collect() { this.set(intake.progress().lagMessages); } });
    new client.Gauge({
      name: 'cascade_ledger_intake_oldest_pending_seconds',
      help: 'age of the oldest input fetched and not yet decided and committed (0 when none)',
      registers: [platform.registry],
      collect() {
        const since = intake.progress().oldestPendingSinceMs;
        this.set(since === null ? 0 : (Date.now() - since) / 1000);
      },
    });
    new client.Gauge({ name: 'cascade_ledger_held_facts', help: 'payable facts held until their debtor or creditor is registered', registers: [platform.registry], collect() { this.set(writer.heldFactCount); } });
    registerLedgerRoutes(app, platform.pool);
    return [
      { name: 'ledger-writer', start: () => writer.init(), stop: async () => (await writer.close(), await verifier.close()) },
      { name: 'ledger-intake', start: () => intake.start(), stop: () => intake.stop() },
    ];
  },
};
