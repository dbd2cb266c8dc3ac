/**
 * How many messages the local Kafka-protocol broker (librdkafka 2.0.2's mock) returns per fetch.
 *
 *   npx tsx bench/kafka-mock/fetch-probe.ts
 *
 * Produces 1,000 messages in one request, then 50 requests of 5, to a 2-partition topic, and
 * prints the sizes of the batches a kafkajs consumer receives. Seen here: the single large send
 * comes back in two large batches, but the small sends come back one send per partition per
 * fetch — the mock returns one message set per partition per fetch. Under a stream of small
 * sends this caps what any consumer gets per fetch, which is why the ledger benchmark's latency
 * phase queues in front of the writer on this broker. Real Kafka fills a fetch up to its byte limit.
 */
import { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import { startKafkaMock } from '@cascade/testing';

const bigSendMessages = 1_000;
const smallSends = 50;
const smallSendMessages = 5;
const waitMsMax = 20_000;

const mock = await startKafkaMock({ brokers: 1, topics: [{ name: 'probe', partitions: 2 }] });
const kafka = new Kafka({ brokers: mock.bootstrap, logLevel: logLevel.NOTHING });
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
await consumer.run({
  eachBatch: async ({ batch }) => {
    sizes.push(batch.messages.length);
    total += batch.messages.length;
  },
});
const expected = bigSendMessages + smallSends * smallSendMessages;
const started = Date.now();
while (total < expected && Date.now() - started < waitMsMax) await new Promise((r) => setTimeout(r, 100));
console.log(`${total}/${expected} messages in ${sizes.length} batches`);
console.log(`first batches (the single ${bigSendMessages}-message send): ${sizes.slice(0, 2).join(', ')}`);
const rest = sizes.slice(2);
console.log(`then ${rest.length} batches for ${smallSends} sends of ${smallSendMessages}: max ${Math.max(...rest)}, mean ${(rest.reduce((a, b) => a + b, 0) / rest.length).toFixed(1)} messages per batch`);
await consumer.disconnect();
await producer.disconnect();
await mock.stop();
