/**
 * The real broker underneath the tests: topics through Kafka's own CreateTopics (KafkaTopicAdmin),
 * read-committed consumption of transactional writes, and the launcher's broker surviving a
 * SIGKILL with its storage. Runs wherever the suite's broker is real Kafka; the launcher's own
 * tests need a JDK (they start a second broker of their own).
 */
import { existsSync } from 'node:fs';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { infra, uniqueName } from '../fixtures.ts';
import { kafkaBrokerPossible, kafkaVersion, startKafkaBroker, type KafkaBroker } from './kafka-broker.ts';
import { KafkaTopicAdmin } from './topic-admin.ts';
import { EventProducer, makeEnvelope } from '@cascade/events';

const quiet = { logLevel: logLevel.NOTHING };

function kafkaAt(brokers: string[]): Kafka {
  return new Kafka({ clientId: uniqueName('kb'), brokers, ...quiet, retry: { retries: 10, initialRetryTime: 100 } });
}

/** Reads `topic` from the beginning in a fresh group until `count` values arrived (or times out). */
async function readValues(kafka: Kafka, topic: string, count: number, readUncommitted: boolean, settleMs = 1_500): Promise<string[]> {
  const consumer: Consumer = kafka.consumer({ groupId: uniqueName('g'), readUncommitted, maxWaitTimeInMs: 100 });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let reached: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (reached = resolve));
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value?.toString() ?? '');
        if (values.length >= count) reached();
      },
    });
    await Promise.race([done, new Promise((r) => setTimeout(r, 30_000))]);
    // Wait a little longer: a consumer that would see too much must get the chance to.
    await new Promise((r) => setTimeout(r, settleMs));
  } finally {
    await consumer.disconnect();
  }
  return values;
}

describe.runIf(infra().realKafka)('EventProducer on the real broker', () => {
  it('sends, in one call and in order, more bytes than the broker takes in one record batch', async () => {
    const topic = uniqueName('big');
    const admin = new KafkaTopicAdmin(infra().kafkaBrokers);
    try {
      await admin.ensureTopics([{ name: topic, partitions: 1 }]);
    } finally {
      await admin.close();
    }
    const kafka = kafkaAt(infra().kafkaBrokers);
    const producer = new EventProducer(kafka, null);
    await producer.connect();
    // 30 envelopes of about 100 kB: 3 MB to one partition, three times message.max.bytes.
    const envelopes = Array.from({ length: 30 }, (_, i) => makeEnvelope('test', { type: 'Big', key: 'one-key', data: { i, note: 'x'.repeat(100_000) } }));
    try {
      await producer.send(envelopes.map((envelope) => ({ topic, envelope })));
    } finally {
      await producer.disconnect();
    }
    const values = await readValues(kafka, topic, 30, false, 200);
    expect(values.map((v) => (JSON.parse(v) as { data: { i: number } }).data.i)).toEqual(envelopes.map((_, i) => i));
  });
});

describe.runIf(infra().realKafka)('KafkaTopicAdmin on the real broker', () => {
  it('creates missing topics with the partitions asked, and a second ensure changes nothing', async () => {
    const admin = new KafkaTopicAdmin(infra().kafkaBrokers);
    const [a, b] = [uniqueName('ta'), uniqueName('tb')];
    try {
      await admin.ensureTopics([{ name: a, partitions: 3 }, { name: b, partitions: 1 }]);
      await admin.ensureTopics([{ name: a, partitions: 3 }]);
    } finally {
      await admin.close();
    }
    const check = kafkaAt(infra().kafkaBrokers).admin();
    await check.connect();
    try {
      const metadata = await check.fetchTopicMetadata({ topics: [a, b] });
      expect(Object.fromEntries(metadata.topics.map((t) => [t.name, t.partitions.length]))).toEqual({ [a]: 3, [b]: 1 });
    } finally {
      await check.disconnect();
    }
  });

  it('refuses a topic that exists with another partition count, naming it', async () => {
    const admin = new KafkaTopicAdmin(infra().kafkaBrokers);
    const name = uniqueName('tc');
    try {
      await admin.ensureTopics([{ name, partitions: 2 }]);
      await expect(admin.ensureTopics([{ name, partitions: 4 }])).rejects.toThrow(`${name} has 2 partitions, wanted 4`);
    } finally {
      await admin.close();
    }
  });

  it('lets five admins create the same topics at once', async () => {
    const names = [uniqueName('race'), uniqueName('race')];
    const admins = Array.from({ length: 5 }, () => new KafkaTopicAdmin(infra().kafkaBrokers));
    try {
      const outcomes = await Promise.allSettled(admins.map((admin) => admin.ensureTopics(names.map((name) => ({ name, partitions: 2 })))));
      expect(outcomes.map((o) => o.status)).toEqual(Array(5).fill('fulfilled'));
    } finally {
      await Promise.all(admins.map((admin) => admin.close()));
    }
  });
});

describe.runIf(infra().realKafka)('read-committed consumption', () => {
  it('a read-committed consumer sees committed transactions only; a read-uncommitted one sees the aborted writes too', async () => {
    const kafka = kafkaAt(infra().kafkaBrokers);
    const topic = uniqueName('rc');
    const admin = new KafkaTopicAdmin(infra().kafkaBrokers);
    await admin.ensureTopics([{ name: topic, partitions: 1 }]);
    await admin.close();

    const producer = kafka.producer({ transactionalId: uniqueName('tx'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ value: 'c1' }, { value: 'c2' }, { value: 'c3' }] });
      await committed.commit();
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ value: 'a1' }, { value: 'a2' }] });
      await aborted.abort();
      const last = await producer.transaction();
      await last.send({ topic, messages: [{ value: 'c4' }] });
      await last.commit();
    } finally {
      await producer.disconnect();
    }

    expect(await readValues(kafka, topic, 4, false)).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect((await readValues(kafka, topic, 6, true)).sort()).toEqual(['a1', 'a2', 'c1', 'c2', 'c3', 'c4']);
  });
});

describe.runIf(kafkaBrokerPossible())('the broker launcher (Apache Kafka from Maven Central)', () => {
  let broker: KafkaBroker;

  beforeAll(async () => {
    broker = await startKafkaBroker({ heapMb: 256 });
  }, 180_000);

  afterAll(async () => {
    await broker?.stop();
  });

  it('starts the pinned version on a loopback port with a fresh cluster id, and reports its start-up time and memory', () => {
    expect(broker.version).toBe(kafkaVersion());
    expect(broker.bootstrap).toHaveLength(1);
    expect(broker.bootstrap[0]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(broker.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(broker.startupMs()).toBeGreaterThan(0);
    expect(broker.rssBytes()).toBeGreaterThan(50 * 2 ** 20);
  });

  it('keeps what it acknowledged through a SIGKILL and a restart on the same storage and port', async () => {
    const kafka = kafkaAt(broker.bootstrap);
    const topic = uniqueName('restart');
    const admin = new KafkaTopicAdmin(broker.bootstrap);
    await admin.ensureTopics([{ name: topic, partitions: 2 }]);
    await admin.close();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'a', value: 'before-1' }, { key: 'b', value: 'before-2' }] });

    const pidBefore = broker.pid();
    await broker.kill();
    expect(broker.rssBytes()).toBe(0);
    await broker.restart();
    expect(broker.pid()).not.toBe(pidBefore);

    // The same producer reconnects by itself and writes again.
    await producer.send({ topic, acks: -1, messages: [{ key: 'a', value: 'after-1' }] });
    await producer.disconnect();
    expect((await readValues(kafka, topic, 3, false, 500)).sort()).toEqual(['after-1', 'before-1', 'before-2']);
  }, 180_000);

  it('removes its storage when stopped, and stopping twice is harmless', async () => {
    expect(existsSync(broker.dataDir)).toBe(true);
    await broker.stop();
    expect(existsSync(broker.dataDir)).toBe(false);
    await broker.stop();
  });
});
