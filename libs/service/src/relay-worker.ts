/**
 * The outbox relay on a thread of its own. Publishing is CPU work in kafkajs (record encoding,
 * CRC-32C, the partitioner) for every event a service commits; on the service's main thread it
 * competes with the work that decides (the ledger's writer is one thread). Here it runs on its
 * own thread, with its own PostgreSQL connections and Kafka producer, under the same advisory
 * lock, so what the relay guarantees is unchanged.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createPool, OutboxRelay } from '@cascade/db';
import { createKafka, EventProducer } from '@cascade/events';
import { createLogger } from '@cascade/logging';

export interface RelayWorkerData {
  service: string;
  schema: string;
  databaseUrl: string;
  kafkaBrokers: string[];
  idempotent: boolean;
  logLevel: string;
}

/** Messages from the relay thread to its parent. */
export type RelayWorkerMessage = { started: true } | { published: number } | { stopped: true } | { failed: string };

async function runRelayThread(data: RelayWorkerData): Promise<void> {
  const logger = createLogger({ service: `${data.service}-relay`, level: data.logLevel as Parameters<typeof createLogger>[0]['level'] });
  const pool = createPool({ databaseUrl: data.databaseUrl, schema: data.schema, size: 3, applicationName: `${data.service}-relay` });
  pool.on('error', (error) => logger.warn({ err: error.message }, 'idle PostgreSQL client failed'));
  const producer = new EventProducer(createKafka({ brokers: data.kafkaBrokers, clientId: `${data.service}-relay`, logger }), null, { idempotent: data.idempotent });
  let reported = 0;
  const relay = new OutboxRelay({
    pool,
    publisher: producer,
    logger,
    lockName: data.schema,
    afterSend: async () => {
      // Counts reach the parent's /metrics; no more than one message per batch.
      queueMicrotask(() => {
        if (relay.published === reported) return;
        reported = relay.published;
        parentPort!.postMessage({ published: reported } satisfies RelayWorkerMessage);
      });
    },
  });
  await producer.connect();
  relay.start();
  parentPort!.postMessage({ started: true } satisfies RelayWorkerMessage);
  parentPort!.on('message', (message: { stop?: true }) => {
    if (!message.stop) return;
    void (async () => {
      await relay.stop();
      await producer.disconnect().catch(() => undefined);
      await pool.end().catch(() => undefined);
      parentPort!.postMessage({ stopped: true } satisfies RelayWorkerMessage);
      parentPort!.close();
    })();
  });
}

if (!isMainThread && (workerData as { relayWorker?: RelayWorkerData } | undefined)?.relayWorker) {
  runRelayThread((workerData as { relayWorker: RelayWorkerData }).relayWorker).catch((error: Error) => {
    parentPort!.postMessage({ failed: error.message } satisfies RelayWorkerMessage);
  });
}
