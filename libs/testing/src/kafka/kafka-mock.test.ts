/**
 * The librdkafka mock cluster served by infra/kafka-mock/launcher.c, exercised through kafkajs the
 * way Cascade's services use Kafka: keyed gzip batches with headers, consumer groups, manual offset
 * commits and rebalances. Timings are printed so the numbers in the README stay honest.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompressionTypes,
  Kafka,
  Partitioners,
  logLevel,
  type Consumer,
  type ConsumerConfig,
  type Producer,
} from 'kafkajs';
import { ensureKafkaMockLauncher, startKafkaMock, type KafkaMock } from './kafka-mock.ts';
import { MockTopicAdmin, mockControlRequest, topicAdminFor } from './topic-admin.ts';

/** Settings that work with the 2.0.2 mock (see README): its first join waits a fixed 3 s, during
 * which the member must not expire, and a rebalance waits sessionTimeout - 1 s. */
// The mock's rebalance takes about the session timeout less 1 s and needs a session above 3.5 s;
// 4 s left too little margin on a loaded 2-core machine (the rebalance test timed out once in CI
// conditions, with the real broker's JVM busy beside it), so 6 s, as the ledger intake uses.
const groupSettings = {
  sessionTimeout: 6_000,
  rebalanceTimeout: 6_000,
  heartbeatInterval: 300,
  maxWaitTimeInMs: 100,
  allowAutoTopicCreation: false,
  retry: { retries: 5, initialRetryTime: 100 },
} satisfies Partial<ConsumerConfig>;

let mock: KafkaMock;
let kafka: Kafka;
const clients: { disconnect(): Promise<void> }[] = [];

function track<T extends { disconnect(): Promise<void> }>(client: T): T {
  clients.push(client);
  return client;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function consumer(groupId: string): Consumer {
  return track(kafka.consumer({ groupId, ...groupSettings }));
}

async function producer(): Promise<Producer> {
  const p = track(
    kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 5, initialRetryTime: 100 },
    }),
  );
  await p.connect();
  return p;
}

/** Rejects with `what` when the promise does not settle in time: clearer than a test timeout. */
async function within<T>(what: string, promise: Promise<T>, timeoutMs = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves with the assignment on this consumer's next GROUP_JOIN. */
function nextJoin(c: Consumer): Promise<Record<string, number[]>> {
  return new Promise((resolve) => {
    const off = c.on(c.events.GROUP_JOIN, (e) => {
      off();
      resolve(e.payload.memberAssignment);
    });
  });
}

beforeAll(async () => {
  mock = await startKafkaMock({
    topics: [
      { name: 'orders', partitions: 3 },
      { name: 'resume', partitions: 1 },
    ],
  });
  kafka = new Kafka({
    clientId: 'kafka-mock-test',
    brokers: mock.bootstrap,
    // The mock's REBALANCE_IN_PROGRESS heartbeat answers are logged as errors: quiet unless asked.
    logLevel: process.env.KAFKA_MOCK_TEST_LOG ? logLevel.INFO : logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 100 },
  });
});

afterAll(async () => {
  for (const c of clients.reverse()) await c.disconnect().catch(() => undefined);
  await mock?.stop();
});

describe('kafka mock launcher', () => {
  it('reports 127.0.0.1 addresses and answers ping', async () => {
    expect(mock.bootstrap.length).toBe(1);
    for (const a of [...mock.bootstrap, mock.control]) expect(a).toMatch(/^127\.0\.0\.1:\d+$/);
    await new MockTopicAdmin(mock.control).ping();
  });

  it('creates topics from args and through the control port, with the right partition counts', async () => {
    const admin = topicAdminFor({ bootstrap: mock.bootstrap, control: mock.control });
    await admin.ensureTopics([
      { name: 'split', partitions: 4 },
      { name: 'cascade.events.v1', partitions: 8 },
    ]);
    await admin.ensureTopics([{ name: 'split', partitions: 4 }]); // idempotent
    await expect(admin.ensureTopics([{ name: 'split', partitions: 2 }])).rejects.toThrow(/exists with 4 partitions, not 2/);
    await expect(admin.ensureTopics([{ name: 'bad topic', partitions: 1 }])).rejects.toThrow(/invalid topic name/);
    await admin.close();

    const kadmin = track(kafka.admin());
    await kadmin.connect();
    const md = await kadmin.fetchTopicMetadata({ topics: ['orders', 'resume', 'split', 'cascade.events.v1'] });
    const counts = Object.fromEntries(md.topics.map((t) => [t.name, t.partitions.length]));
    expect(counts).toEqual({ orders: 3, resume: 1, split: 4, 'cascade.events.v1': 8 });
  });

  it('validates control requests and bounds line length', async () => {
    const replies = await mockControlRequest(mock.control, [
      'create x 0',
      'create x 257',
      'create x',
      'create a/b 1',
      `create ${'a'.repeat(201)} 1`,
      'x'.repeat(2_000),
      'nonsense',
      'ping',
    ]);
    expect(replies).toEqual([
      'err partitions must be 1..256',
      'err partitions must be 1..256',
      'err usage: create <topic> <partitions>',
      'err invalid topic name (allowed: [A-Za-z0-9._-]{1,200})',
      'err invalid topic name (allowed: [A-Za-z0-9._-]{1,200})',
      'err line too long',
      'err unknown command (use: ping | create <topic> <partitions>)',
      'ok',
    ]);
  });

  it('reports a launcher failure with its message', async () => {
    await expect(startKafkaMock({ topics: [{ name: 'no spaces', partitions: 1 }] })).rejects.toThrow(/invalid topic name/);
  });

  it('delivers keyed gzip batches with headers to a group, in order per key', async () => {
    const p = await producer();
    const keys = ['inv-1', 'inv-2', 'inv-3', 'inv-4', 'inv-5', 'inv-6'];
    const perKey = 25;
    for (let seq = 0; seq < perKey; seq += 5) {
      await p.send({
        topic: 'orders',
        compression: CompressionTypes.GZIP,
        messages: keys.flatMap((key) =>
          [0, 1, 2, 3, 4].map((i) => ({
            key,
            value: JSON.stringify({ key, seq: seq + i }),
            headers: { 'event-type': 'voucher.issued', seq: String(seq + i) },
          })),
        ),
      });
    }

    const got: { key: string; seq: number; partition: number; offset: bigint; type: string }[] = [];
    const c = consumer('orders-group');
    await c.connect();
    await c.subscribe({ topic: 'orders', fromBeginning: true });
    const joined = nextJoin(c);
    const started = Date.now();
    await c.run({
      eachMessage: async ({ partition, message }) => {
        got.push({
          key: message.key?.toString() ?? '',
          seq: Number(message.headers?.seq?.toString()),
          partition,
          offset: BigInt(message.offset),
          type: message.headers?.['event-type']?.toString() ?? '',
        });
      },
    });
    const assignment = await joined;
    console.log(`[kafka-mock] first group join took ${Date.now() - started} ms`);
    expect(assignment.orders?.sort()).toEqual([0, 1, 2]);
    await waitFor('all messages', () => got.length >= keys.length * perKey);
    console.log(`[kafka-mock] ${got.length} messages consumed ${Date.now() - started} ms after run()`);

    expect(got.length).toBe(keys.length * perKey);
    expect(new Set(got.map((m) => m.type))).toEqual(new Set(['voucher.issued']));
    for (const key of keys) {
      const mine = got.filter((m) => m.key === key);
      expect(new Set(mine.map((m) => m.partition)).size).toBe(1); // a key stays on one partition
      expect(mine.map((m) => m.seq)).toEqual([...Array(perKey).keys()]); // and in order
      const offsets = mine.map((m) => m.offset);
      expect([...offsets].sort((a, b) => (a < b ? -1 : 1))).toEqual(offsets);
    }
    expect(new Set(got.map((m) => m.partition)).size).toBeGreaterThan(1);
    await c.disconnect();
  });

  it('resumes a group after its committed offset', async () => {
    const p = await producer();
    await p.send({
      topic: 'resume',
      messages: [...Array(10).keys()].map((i) => ({ key: 'k', value: `m${i}` })),
    });

    const first = consumer('resume-group');
    await first.connect();
    await first.subscribe({ topic: 'resume', fromBeginning: true });
    let committed = false;
    await first.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        if (message.offset === '4') {
          await first.commitOffsets([{ topic, partition, offset: '5' }]); // next offset to read
          committed = true;
        }
      },
    });
    await waitFor('commit', () => committed);
    await first.disconnect();

    const kadmin = track(kafka.admin());
    await kadmin.connect();
    const offsets = await kadmin.fetchOffsets({ groupId: 'resume-group', topics: ['resume'] });
    expect(offsets[0]?.partitions).toEqual([{ partition: 0, offset: '5', metadata: null }]);

    const second = consumer('resume-group');
    await second.connect();
    await second.subscribe({ topic: 'resume', fromBeginning: true });
    const seen: string[] = [];
    await second.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value?.toString() ?? '');
      },
    });
    await waitFor('resumed messages', () => seen.length >= 5);
    await new Promise((r) => setTimeout(r, 300)); // nothing before offset 5 may arrive late
    expect(seen).toEqual(['m5', 'm6', 'm7', 'm8', 'm9']);
    await second.disconnect();
  });

  it('splits partitions between two members of a group on rebalance', { timeout: 90_000 }, async () => {
    const a = consumer('split-group');
    const b = consumer('split-group');
    const byA: number[] = [];
    const byB: number[] = [];
    for (const c of [a, b]) {
      await c.connect();
      await c.subscribe({ topic: 'split', fromBeginning: true });
    }

    const aFirst = nextJoin(a);
    let t = Date.now();
    await within('a.run', a.run({ eachMessage: async ({ partition }) => void byA.push(partition) }));
    expect((await within('first join of a', aFirst)).split?.sort()).toEqual([0, 1, 2, 3]);
    console.log(`[kafka-mock] first join (1 member): ${Date.now() - t} ms`);

    const aSecond = nextJoin(a);
    const bFirst = nextJoin(b);
    t = Date.now();
    await within('b.run', b.run({ eachMessage: async ({ partition }) => void byB.push(partition) }));
    const [assignedA, assignedB] = await within('rebalance to two members', Promise.all([aSecond, bFirst]), 40_000);
    console.log(`[kafka-mock] rebalance to 2 members: ${Date.now() - t} ms`);
    const partsA = assignedA.split ?? [];
    const partsB = assignedB.split ?? [];
    expect(partsA.length).toBe(2);
    expect(partsB.length).toBe(2);
    expect([...partsA, ...partsB].sort()).toEqual([0, 1, 2, 3]);

    const p = await producer();
    await within(
      'send to split',
      p.send({
        topic: 'split',
        messages: [...Array(40).keys()].map((i) => ({ key: `k${i}`, value: String(i) })),
      }),
    );
    await waitFor('split messages', () => byA.length + byB.length >= 40);
    expect(byA.length).toBeGreaterThan(0);
    expect(byB.length).toBeGreaterThan(0);
    expect(byA.every((x) => partsA.includes(x))).toBe(true);
    expect(byB.every((x) => partsB.includes(x))).toBe(true);

    const aAlone = nextJoin(a);
    t = Date.now();
    await within('b.disconnect', b.disconnect());
    expect((await within('rejoin of a alone', aAlone)).split?.sort()).toEqual([0, 1, 2, 3]);
    console.log(`[kafka-mock] rebalance after a member left: ${Date.now() - t} ms`);
    await a.disconnect();
  });
});

describe('kafka mock lifecycle', () => {
  it('exits when its stdin closes (parent gone)', async () => {
    const binary = await ensureKafkaMockLauncher();
    const child = spawn(binary, ['--topic', 't:2'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
      let closedAt = 0;
      child.stdout.once('data', () => {
        closedAt = Date.now();
        child.stdin.end();
      });
      child.once('exit', (code) => resolve({ code, ms: Date.now() - closedAt }));
    });
    const timeout = setTimeout(() => child.kill('SIGKILL'), 5_000);
    const { code, ms } = await exited;
    clearTimeout(timeout);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(3_000);
  });

  it('stops on SIGTERM via stop(), idempotently', async () => {
    const m = await startKafkaMock({ brokers: 3 });
    expect(m.bootstrap.length).toBe(3);
    const started = Date.now();
    await Promise.all([m.stop(), m.stop()]);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(() => process.kill(m.pid, 0)).toThrow();
  });
});
