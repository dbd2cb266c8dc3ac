/**
 * The connections every Cascade service holds — a PostgreSQL pool on its own schema (migrated at
 * start), Redis, a Kafka producer and the outbox relay — as lifecycle parts, plus the readiness
 * checks that go with them. A service's `main.ts` composes these with its own routes and
 * consumers; nothing here knows any business word.
 */
import { Redis } from 'ioredis';
import client from 'prom-client';
import type { Kafka } from 'kafkajs';
import { clockOf, type Clock } from '@cascade/config';
import { createPool, migrate, ping, type Pool } from '@cascade/db';
import { createKafka, EventProducer, type EventCatalog } from '@cascade/events';
import type { Logger } from '@cascade/logging';
import type { ReadinessCheck } from './http.ts';
import type { Part } from './lifecycle.ts';
import { RelayThread } from './relay-thread.ts';

export interface PlatformSettings {
  service: string;
  schema: string;
  databaseUrl: string;
  redisUrl: string;
  kafkaBrokers: string[];
  /** The relay's producer is Kafka's idempotent producer (default true). */
  kafkaIdempotentProducer?: boolean;
  migrationsDirs: string[];
  catalog: EventCatalog | null;
  logger: Logger;
  /** The level the relay thread logs at (the service's). */
  logLevel?: string;
  poolSize?: number;
  /**
   * Commands issued in the same turn of the event loop go to Redis in one write (ioredis'
   * auto-pipelining): for a service that sends Redis commands from many requests at once.
   */
  redisAutoPipelining?: boolean;
  /** `CASCADE_CLOCK_FILE` (local mode only, never in production): the simulated clock's offset file. */
  clockFile?: string;
}

export interface Platform {
  logger: Logger;
  /** Prometheus registry served on /metrics; services add their own metrics to it. */
  registry: client.Registry;
  pool: Pool;
  redis: Redis;
  kafka: Kafka;
  producer: EventProducer;
  /** The outbox relay, on a thread of its own (relay-thread.ts). */
  relay: RelayThread;
  parts: Part[];
  readiness: Record<string, ReadinessCheck>;
  /** The time a service decides by: real time, or the simulated clock of local mode (`@cascade/config` clockOf). */
  clock: Clock;
}

export function createPlatform(settings: PlatformSettings): Platform {
  const { logger } = settings;
  const pool = createPool({ databaseUrl: settings.databaseUrl, schema: settings.schema, size: settings.poolSize, applicationName: settings.service });
  pool.on('error', (error) => logger.warn({ err: error.message }, 'idle PostgreSQL client failed'));
  const redis = new Redis(settings.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: false, enableAutoPipelining: settings.redisAutoPipelining ?? false });
  redis.on('error', (error) => logger.warn({ err: error.message }, 'Redis connection error'));
  const kafka = createKafka({ brokers: settings.kafkaBrokers, clientId: settings.service, logger });
  const producer = new EventProducer(kafka, settings.catalog);
  // The relay publishes rows as stored (they were checked when appended), with sequential sends,
  // so its producer can be Kafka's idempotent one (no duplicates from its own retries); it runs
  // on its own thread, off the thread that decides.
  const relay = new RelayThread(
    { service: settings.service, schema: settings.schema, databaseUrl: settings.databaseUrl, kafkaBrokers: settings.kafkaBrokers, idempotent: settings.kafkaIdempotentProducer ?? true, logLevel: settings.logLevel ?? 'info' },
    logger,
  );
  let producerConnected = false;

  const parts: Part[] = [
    {
      name: 'postgres',
      start: async () => {
        const ran = await migrate({ databaseUrl: settings.databaseUrl, schema: settings.schema, dirs: settings.migrationsDirs });
        if (ran.length > 0) logger.info({ migrations: ran }, 'migrated');
        await ping(pool);
      },
      stop: () => pool.end(),
    },
    { name: 'redis', start: () => redis.connect(), stop: async () => void (await redis.quit()) },
    {
      name: 'kafka-producer',
      start: async () => {
        await producer.connect();
        producerConnected = true;
      },
      stop: async () => {
        producerConnected = false;
        await producer.disconnect();
      },
    },
    { name: 'outbox-relay', start: () => relay.start(), stop: () => relay.stop() },
  ];

  const readiness: Record<string, ReadinessCheck> = {
    postgres: () => ping(pool),
    redis: async () => {
      if ((await redis.ping()) !== 'PONG') throw new Error('Redis did not answer PONG');
    },
    kafka: async () => {
      if (!producerConnected) throw new Error('Kafka producer not connected');
    },
  };
  const registry = new client.Registry();
  const clock = clockOf(settings.clockFile);
  if (settings.clockFile) logger.warn({ clockFile: settings.clockFile }, 'CASCADE_CLOCK_FILE is set: this process decides by a simulated clock (local mode only, never in production)');
  return { logger, registry, pool, redis, kafka, producer, relay, parts, readiness, clock };
}
