/**
 * A relay in its own process, for the crash test: it publishes one batch, announces `sent` on
 * stdout and then hangs before stamping the rows, so the parent can SIGKILL it at exactly the
 * point between publish and commit.
 */
import { createPool, OutboxRelay } from '@cascade/db';
import { createKafka, EventProducer } from '@cascade/events';
import { createLogger } from '@cascade/logging';

const pool = createPool({ databaseUrl: process.env.RELAY_DATABASE_URL!, schema: process.env.RELAY_SCHEMA! });
const producer = new EventProducer(createKafka({ brokers: process.env.RELAY_BROKERS!.split(','), clientId: 'relay-child' }), null);
await producer.connect();
const relay = new OutboxRelay({
  lockName: process.env.RELAY_SCHEMA!,
  pool,
  publisher: producer,
  logger: createLogger({ service: 'relay-child', level: 'silent' }),
  afterSend: async (count) => {
    process.stdout.write(`sent ${count}\n`);
    await new Promise(() => undefined);
  },
});
await relay.drainOnce();
