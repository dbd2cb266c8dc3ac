/**
 * How many messages a broker returns per fetch: the real Apache Kafka broker (from Maven Central)
 * next to librdkafka 2.0.2's mock cluster.
 *
 *   npx tsx bench/kafka/fetch-probe.ts [--broker real|mock|both]    (default both, one after the other)
 *
 * Produces 1,000 messages in one request, then 50 requests of 5, to a 2-partition topic, and
 * prints the sizes of the batches a kafkajs consumer receives. The mock returns one message set
 * per partition per fetch, so under a stream of small sends each fetch carries about one send per
 * partition — which is what made the ledger benchmark's latency phase queue on it. Real Kafka
 * fills a fetch up to its byte limit.
 */
import { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import { startKafkaBroker, startKafkaMock, topicAdminFor } from '@cascade/testing';

const bigSendMessages = 1_000;
const smallSends = 50;
const smallSendMessages = 5;
const waitMsMax = 20_000;

const which = process.argv.includes('--broker') ? process.argv[process.argv.indexOf('--broker') + 1] : 'both';
if (!['real', 'mock', 'both'].includes(which ?? '')) {
  console.error('usage: fetch-probe.ts [--broker real|mock|both]');
  process.exit(2);
}

async function probe(name: string, bootstrap: string[], control?: string): Promise<void> {
  const admin = topicAdminFor({ bootstrap, control });
  await admin.ensureTopics([{ name: 'probe', partitions: 2 }]);
  await admin.close();
  const kafka = new Kafka({ brokers: bootstrap, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const value = Buffer.alloc(600, 'x');
  await producer.send({ topic: 'probe', compression: CompressionTypes.GZIP, messages: Array.from({ length: bigSendMessages }, (_, i) => ({ key: `k${i}`, value })) });
  for (let j = 0; j < smallSends; j++) {
    await producer.send({ topic: 'probe', messages: Array.from({ length: smallSendMessages }, (_, i) => ({ key: `s${j}-${i}`, value })) });
  }
  const consumer = kafka.consumer({ groupId: 'probe', sessionTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'probe', fromBeginning: true });
  const sizes: number[] = [];
  let total = 0;
  const joinStarted = Date.now();
  let firstBatchMs = -1;
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (firstBatchMs < 0) firstBatchMs = Date.now() - joinStarted;
      sizes.push(batch.messages.length);
      total += batch.messages.length;
    },
  });
  const expected = bigSendMessages + smallSends * smallSendMessages;
  const started = Date.now();
  while (total < expected && Date.now() - started < waitMsMax) await new Promise((r) => setTimeout(r, 100));
  // Batches are per partition and per fetch: fewer, larger batches mean the broker fills a fetch.
  console.log(`${name}: ${total}/${expected} messages (one send of ${bigSendMessages}, then ${smallSends} sends of ${smallSendMessages}) came back in ${sizes.length} batches, largest ${Math.max(...sizes)}, smallest ${Math.min(...sizes)}; first batch ${firstBatchMs} ms after subscribing`);
  console.log(`  batch sizes: ${sizes.join(', ')}`);
  await consumer.disconnect();
  await producer.disconnect();
}

if (which === 'real' || which === 'both') {
  const broker = await startKafkaBroker({ log: (m) => console.log(m) });
  try {
    await probe(`Apache Kafka ${broker.version}`, broker.bootstrap);
  } finally {
    await broker.stop();
  }
}
if (which === 'mock' || which === 'both') {
  const mock = await startKafkaMock({ brokers: 1 });
  try {
    await probe("librdkafka 2.0.2's mock", mock.bootstrap, mock.control);
  } finally {
    await mock.stop();
  }
}
