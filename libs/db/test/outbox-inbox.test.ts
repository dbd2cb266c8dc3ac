/**
 * Outbox and inbox against real PostgreSQL and a real Kafka-protocol broker: an event written
 * through the outbox is consumed and applied once; redelivered, it is still applied once; and a
 * relay killed between publishing and stamping still gets it delivered, exactly once in effect.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendToOutbox, claimEvents, createPool, migrate, OutboxRelay, withTransaction, type Pool } from '@cascade/db';
import { BatchConsumer, createKafka, EventCatalog, EventProducer, makeEnvelope, type TopicSpec } from '@cascade/events';
import { createLogger } from '@cascade/logging';
import { createTestDatabase, createTestTopics, eventually, infra, type TestDatabase } from '@cascade/testing';

const here = path.dirname(fileURLToPath(import.meta.url));
const logger = createLogger({ service: 'test', level: 'silent' });
const catalog = new EventCatalog([
  { type: 'ThingHappened', version: 1, schema: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } }, additionalProperties: false } },
]);

let db: TestDatabase;
let pool: Pool;
let topic: TopicSpec;
let producer: EventProducer;
let consumer: BatchConsumer;
/** Every delivery the consumer saw, including redeliveries the inbox then skipped. */
const deliveries: string[] = [];

async function appliedCount(eventId: string): Promise<number | undefined> {
  const { rows } = await pool.query<{ applied: number }>('SELECT applied FROM effects WHERE event_id = $1', [eventId]);
  return rows[0]?.applied;
}

async function commitThing(n: number): Promise<string> {
  const envelope = makeEnvelope('test', { type: 'ThingHappened', key: `k${n}`, data: { n } });
  await withTransaction(pool, async (client) => {
    await client.query('INSERT INTO things (n) VALUES ($1)', [n]);
    await appendToOutbox(client, [{ topic: topic.name, envelope }]);
  });
  return envelope.id;
}

beforeAll(async () => {
  db = await createTestDatabase('outbox');
  await migrate({ databaseUrl: db.url, schema: 'svc', dirs: [] });
  pool = createPool({ databaseUrl: db.url, schema: 'svc' });
  await pool.query('CREATE TABLE things (n int); CREATE TABLE effects (event_id uuid PRIMARY KEY, applied int NOT NULL)');
  topic = (await createTestTopics()).ledgerEvents;
  const kafka = createKafka({ brokers: infra().kafkaBrokers, clientId: 'outbox-test' });
  producer = new EventProducer(kafka, catalog);
  await producer.connect();
  consumer = new BatchConsumer({
    kafka,
    groupId: `g-${topic.name}`,
    topics: [topic.name],
    catalog,
    logger,
    sessionTimeoutMs: 6_000,
    handleBatch: async (events) => {
      for (const e of events) deliveries.push(e.envelope.id);
      await withTransaction(pool, async (client) => {
        const fresh = await claimEvents(client, 'effects-writer', events.map((e) => e.envelope.id));
        for (const e of events) {
          if (!fresh.has(e.envelope.id)) continue;
          // An upsert that counts: a second application would show as applied = 2.
          await client.query('INSERT INTO effects VALUES ($1, 1) ON CONFLICT (event_id) DO UPDATE SET applied = effects.applied + 1', [e.envelope.id]);
        }
      });
    },
  });
  await consumer.start();
});

afterAll(async () => {
  await consumer?.stop();
  await producer?.disconnect();
  await pool?.end();
  await db?.drop();
});

describe('outbox → Kafka → inbox', () => {
  it('delivers an event committed with its state change and applies it once', async () => {
    const relay = new OutboxRelay({ pool, publisher: producer, logger, pollIntervalMs: 50, lockName: 'svc' });
    relay.start();
    try {
      const id = await commitThing(1);
      expect(await eventually(() => appliedCount(id), 20_000, 'event applied')).toBe(1);
      const { rows } = await pool.query('SELECT published_at FROM outbox WHERE id = $1', [id]);
      expect(rows[0].published_at).not.toBeNull();
    } finally {
      await relay.stop();
    }
  });

  it('applies a redelivered event once', async () => {
    const relay = new OutboxRelay({ pool, publisher: producer, logger, pollIntervalMs: 50, lockName: 'svc' });
    relay.start();
    const id = await commitThing(2);
    await eventually(() => appliedCount(id), 20_000, 'first delivery');
    await relay.stop();
    const { rows } = await pool.query<{ envelope: string }>('SELECT envelope FROM outbox WHERE id = $1', [id]);
    await producer.send([{ topic: topic.name, envelope: JSON.parse(rows[0]!.envelope) }]);
    await eventually(() => (deliveries.filter((d) => d === id).length >= 2 ? true : undefined), 20_000, 'redelivery');
    expect(await appliedCount(id)).toBe(1);
  });

  it('a relay SIGKILLed between publish and stamp still delivers, applied exactly once', async () => {
    const id = await commitThing(3);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'relay-child.ts')], {
      env: { ...process.env, RELAY_DATABASE_URL: db.url, RELAY_SCHEMA: 'svc', RELAY_BROKERS: infra().kafkaBrokers.join(',') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('sent') && resolve());
      child.once('exit', (code) => reject(new Error(`relay child exited early with ${code}`)));
    });
    child.kill('SIGKILL');
    await exited;
    // The child published but died before stamping: the row is still unpublished.
    const before = await pool.query('SELECT published_at FROM outbox WHERE id = $1', [id]);
    expect(before.rows[0].published_at).toBeNull();

    const relay = new OutboxRelay({ pool, publisher: producer, logger, pollIntervalMs: 50, lockName: 'svc' });
    relay.start();
    try {
      await eventually(async () => {
        const { rows } = await pool.query('SELECT published_at FROM outbox WHERE id = $1', [id]);
        return rows[0].published_at ?? undefined;
      }, 20_000, 'republished');
      await eventually(() => (deliveries.filter((d) => d === id).length >= 2 ? true : undefined), 20_000, 'both deliveries');
      expect(await appliedCount(id)).toBe(1);
    } finally {
      await relay.stop();
    }
  });

  it('relays of two services sharing one database both publish (one lock per schema)', async () => {
    await migrate({ databaseUrl: db.url, schema: 'svc2', dirs: [] });
    const pool2 = createPool({ databaseUrl: db.url, schema: 'svc2' });
    const first = new OutboxRelay({ pool, publisher: producer, logger, pollIntervalMs: 50, lockName: 'svc' });
    const second = new OutboxRelay({ pool: pool2, publisher: producer, logger, pollIntervalMs: 50, lockName: 'svc2' });
    first.start();
    second.start();
    try {
      const envelope = makeEnvelope('test', { type: 'ThingHappened', key: 'k2', data: { n: 42 } });
      await withTransaction(pool2, (client) => appendToOutbox(client, [{ topic: topic.name, envelope }]));
      const id = await commitThing(5);
      expect(await eventually(() => appliedCount(envelope.id), 20_000, 'second schema relayed')).toBe(1);
      expect(await eventually(() => appliedCount(id), 20_000, 'first schema relayed')).toBe(1);
    } finally {
      await first.stop();
      await second.stop();
      await pool2.end();
    }
  });

  it('refuses to append an invalid envelope, rolling back its state change', async () => {
    const bad = makeEnvelope('test', { type: 'ThingHappened', key: 'k', data: { n: 'two' } });
    const before = (await pool.query('SELECT count(*)::int AS n FROM things')).rows[0].n;
    await expect(
      withTransaction(pool, async (client) => {
        await client.query('INSERT INTO things (n) VALUES (99)');
        await appendToOutbox(client, [{ topic: topic.name, envelope: bad }], catalog);
      }),
    ).rejects.toThrow(/invalid ThingHappened@1 data/);
    expect((await pool.query('SELECT count(*)::int AS n FROM things')).rows[0].n).toBe(before);
    expect((await pool.query('SELECT count(*)::int AS n FROM outbox WHERE id = $1', [bad.id])).rows[0].n).toBe(0);
  });

  it('refuses to append an envelope over the size limit (the relay could never publish it), rolling back', async () => {
    const huge = makeEnvelope('test', { type: 'ThingHappened', key: 'k', data: { n: 1, note: 'x'.repeat(1_000_001) } });
    const before = (await pool.query('SELECT count(*)::int AS n FROM things')).rows[0].n;
    await expect(
      withTransaction(pool, async (client) => {
        await client.query('INSERT INTO things (n) VALUES (98)');
        await appendToOutbox(client, [{ topic: topic.name, envelope: huge }]);
      }),
    ).rejects.toThrow(/ThingHappened envelope of \d+ bytes is over the limit of 1000000/);
    expect((await pool.query('SELECT count(*)::int AS n FROM things')).rows[0].n).toBe(before);
  });

  it('prunes published rows past the retention, and nothing else', async () => {
    const relay = new OutboxRelay({ pool, publisher: producer, logger, lockName: 'svc', retentionMs: 60_000 });
    const old = makeEnvelope('test', { type: 'ThingHappened', key: 'k', data: { n: 7 } });
    const unpublished = makeEnvelope('test', { type: 'ThingHappened', key: 'k', data: { n: 8 } });
    await withTransaction(pool, (client) => appendToOutbox(client, [{ topic: 'nowhere', envelope: old }, { topic: 'nowhere', envelope: unpublished }]));
    await pool.query(`UPDATE outbox SET published_at = now() - interval '2 minutes' WHERE id = $1`, [old.id]);
    const recentBefore = (await pool.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at > now() - interval '1 minute'`)).rows[0].n;
    expect(await relay.prune()).toBe(1);
    expect((await pool.query('SELECT id FROM outbox WHERE id = ANY($1::uuid[])', [[old.id, unpublished.id]])).rows.map((r) => r.id)).toEqual([unpublished.id]);
    expect((await pool.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at > now() - interval '1 minute'`)).rows[0].n).toBe(recentBefore);
    await pool.query('DELETE FROM outbox WHERE id = $1', [unpublished.id]); // keep it from other tests' relays
  });

  it('publishes a stored envelope as stored, with its type and trace id in the Kafka headers', async () => {
    const envelope = makeEnvelope('test', { type: 'ThingHappened', key: 'headers', data: { n: 4242 } });
    await withTransaction(pool, (client) => appendToOutbox(client, [{ topic: topic.name, envelope }]));
    const relay = new OutboxRelay({ pool, publisher: producer, logger, lockName: 'svc' });
    await relay.drainOnce();
    const raw = createKafka({ brokers: infra().kafkaBrokers, clientId: 'headers' }).consumer({ groupId: `h-${envelope.id}` });
    const seen: { value: string; headers: Record<string, string> }[] = [];
    await raw.connect();
    try {
      await raw.subscribe({ topic: topic.name, fromBeginning: true });
      await raw.run({
        eachMessage: async ({ message }) => {
          const value = message.value!.toString();
          if (value.includes(envelope.id)) seen.push({ value, headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])) });
        },
      });
      await eventually(() => (seen.length > 0 ? true : undefined), 20_000, 'the relayed envelope');
    } finally {
      await raw.disconnect();
    }
    expect(JSON.parse(seen[0]!.value)).toEqual(envelope);
    expect(seen[0]!.headers).toMatchObject({ 'event-type': 'ThingHappened', 'x-trace-id': envelope.traceId });
  });

  it('refuses to publish an envelope whose data does not match its schema', async () => {
    const bad = makeEnvelope('test', { type: 'ThingHappened', key: 'k', data: { n: 'one' } });
    await expect(producer.send([{ topic: topic.name, envelope: bad }])).rejects.toThrow(/invalid ThingHappened@1 data/);
  });
});
