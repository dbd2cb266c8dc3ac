/**
 * The connections every Cascade service holds — a PostgreSQL pool on its own schema (migrated at
 * start), Redis, a Kafka producer and the outbox relay — as lifecycle parts, plus the readiness
 * checks that go with them. A service's `main.ts` composes these with its own routes and
 * consumers; nothing here knows any business word.
 */
import { Redis } from 'ioredis';
import client from 'prom-client';
import type { Kafka } from 'kafkajs';
import { createPool, migrate, OutboxRelay, ping, type Pool } from '@cascade/db';
import { createKafka, EventProducer, type EventCatalog } from '@cascade/events';
import type { Logger } from '@cascade/logging';
import type { ReadinessCheck } from './http.ts';
import type { Part } from './lifecycle.ts';

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
  poolSize?: number;
}

export interface Platform {
  logger: Logger;
  /** Prometheus registry served on /metrics; services add their own metrics to it. */
  registry: client.Registry;
  pool: Pool;
  redis: Redis;
  kafka: Kafka;
  producer: EventProducer;
  relay: OutboxRelay;
  parts: Part[];
  readiness: Record<string, ReadinessCheck>;
}

export function createPlatform(settings: PlatformSettings): Platform {
  const { logger } = settings;
  const pool = createPool({ databaseUrl: settings.databaseUrl, schema: settings.schema, size: settings.poolSize, applicationName: settings.service });
  pool.on('error', (error) => logger.warn({ err: error.message }, 'idle PostgreSQL client failed'));
  const redis = new Redis(settings.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: false });
  redis.on('error', (error) => logger.warn({ err: error.message }, 'Redis connection error'));
  const kafka = createKafka({ brokers: settings.kafkaBrokers, clientId: settings.service, logger });
  const producer = new EventProducer(kafka, settings.catalog);
  // Outbox rows were validated when appended (in the state change's transaction), so the relay
  // sends them as stored rather than validating every row again on the hot path. Its sends are
  // sequential, so it can be Kafka's idempotent producer (no duplicates from its own retries).
  const relayProducer = new EventProducer(kafka, null, { idempotent: settings.kafkaIdempotentProducer ?? true });
  const relay = new OutboxRelay({ pool, publisher: relayProducer, logger, lockName: settings.schema });
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
        await Promise.all([producer.connect(), relayProducer.connect()]);
        producerConnected = true;
      },
      stop: async () => {
        producerConnected = false;
        await Promise.all([producer.disconnect(), relayProducer.disconnect()]);
      },
    },
    { name: 'outbox-relay', start: async () => relay.start(), stop: () => relay.stop() },
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
  return { logger, registry, pool, redis, kafka, producer, relay, parts, readiness };
}
