/**
 * What the ledger service is to the shared runtime: its name, schema, port and migrations, and
 * its composition — the single writer fed by the Kafka intake, and the HTTP read side.
 */
import { fileURLToPath } from 'node:url';
import { VerifierPool } from '@cascade/crypto';
import { topics } from '@cascade/events';
import type { ServiceDefinition } from '@cascade/service';
import { registerLedgerRoutes } from './app.ts';
import { LedgerWriter } from './application/writer.ts';
import { publishCatalog } from './catalog.ts';
import { ledgerRuntime, ledgerSettings } from './config.ts';
import { createIntake } from './entry-points/messages/intake.ts';

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
    const runtime = ledgerRuntime(c);
    const logger = platform.logger;
    const verifier = new VerifierPool({ workers: c.verifyWorkers });
    const writer = new LedgerWriter({
      pool: platform.pool,
      genesis: runtime.genesis,
      policy: runtime.policy,
      signBlock: runtime.signBlock,
      verifyMany: (items) => verifier.verifyBatch(items),
      logger,
    });
    const intake = createIntake({
      kafka: platform.kafka,
      writer,
      logger,
      groupId: c.intakeGroupId,
      commandsTopic: topics.ledgerCommands.name,
      invoicesTopic: topics.invoicesEvents.name,
    });
    registerLedgerRoutes(app, platform.pool);
    return [
      { name: 'ledger-writer', start: () => writer.init(), stop: () => verifier.close() },
      { name: 'ledger-intake', start: () => intake.start(), stop: () => intake.stop() },
    ];
  },
};
