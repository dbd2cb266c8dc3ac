/**
 * Builds the gateway on a platform (PostgreSQL pool, Redis, Kafka): its stores, caches, the link
 * to the ledger and the registry consumer, and its routes on the app. Returns the lifecycle parts
 * to start after the platform's. `main.ts` calls it through `startService`; tests call it on an
 * app of their own, twice when they need two gateways on one database and one Redis.
 */
import type { FastifyInstance } from 'fastify';
import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import type client from 'prom-client';
import type { Pool } from '@cascade/db';
import { prefixedTopics } from '@cascade/events';
import type { Logger } from '@cascade/logging';
import type { Part } from '@cascade/service';
import { registerGatewayRoutes } from './app.ts';
import { registerConsole } from './entry-points/console/static.ts';
import { readGatewayGenesis, type GatewayConfig } from './config.ts';
import { TokenStore } from './data-access/tokens.ts';
import { Authenticator } from './edge/auth.ts';
import { IdempotencyStore } from './edge/idempotency.ts';
import { LiveStreams } from './edge/live-streams.ts';
import { RateLimiter } from './edge/rate-limit.ts';
import { withGatewayScripts } from './edge/redis-scripts.ts';
import { RegistryView } from './edge/registry-view.ts';
import { Upstreams } from './edge/upstream.ts';
import { LedgerLink } from './messaging/ledger-link.ts';
import { createLiveEventsConsumer } from './messaging/live-events.ts';
import { createRegistryConsumer, seedGenesis } from './messaging/registry-consumer.ts';
import type { GatewayContext } from './route-table.ts';
import { gatewayRoutes } from './routes.ts';

/** How often expired login nonces are swept. */
export const sweepIntervalMs = 60_000;

export interface GatewayPlatform {
  pool: Pool;
  redis: Redis;
  kafka: Kafka;
  logger: Logger;
  registry?: client.Registry;
  readiness?: Record<string, () => Promise<void>>;
  /** What a command's createdAt is checked against (default real time; local mode's simulated clock). */
  clock?: () => Date;
}

export async function composeGateway(app: FastifyInstance, platform: GatewayPlatform, config: GatewayConfig): Promise<{ parts: Part[]; context: GatewayContext }> {
  const genesis = readGatewayGenesis(config.genesisFile);
  const topics = prefixedTopics(config.topicPrefix);
  const redis = withGatewayScripts(platform.redis);
  const registry = new RegistryView(platform.pool, redis, `${config.redisPrefix}registry`);
  const tokens = new TokenStore(platform.pool);
  const link = new LedgerLink(platform.kafka, {
    commandsTopic: topics.ledgerCommands.name,
    resultsTopic: topics.ledgerResults.name,
    groupPrefix: config.resultsGroupPrefix,
    lingerMs: config.producerLingerMs,
    batchSizeMax: config.producerBatchSizeMax,
    logger: platform.logger,
  });
  const live = new LiveStreams({ perTokenMax: config.liveStreamsPerTokenMax, perPartyMax: config.liveStreamsPerPartyMax, perProcessMax: config.liveStreamsMax });
  // A revoked token's streams end at once, in every process (the revocation is announced to all).
  registry.listeners.push((what) => {
    if (what.startsWith('token:')) live.endToken(what.slice('token:'.length));
  });
  const context: GatewayContext = {
    clock: platform.clock ?? (() => new Date()),
    config,
    genesis,
    pool: platform.pool,
    redis,
    logger: platform.logger,
    registry,
    tokens,
    auth: new Authenticator(tokens, registry),
    limiter: new RateLimiter(redis, config.redisPrefix, config.rateLimitWindowMs),
    // A claim's lease outlives the longest a request can take (its wait for the ledger and more).
    idempotency: new IdempotencyStore(redis, { prefix: config.redisPrefix, ttlMs: config.idempotencyTtlSeconds * 1000, leaseMs: config.commandWaitMs + 30_000, waitMs: config.commandWaitMs + 5_000 }),
    link,
    upstreams: new Upstreams({ urls: { ledger: config.ledgerUrl, invoices: config.invoicesUrl, risk: config.riskUrl, workflows: config.workflowsUrl }, key: config.internalAuthKey, timeoutMs: config.upstreamTimeoutMs }),
    live,
  };
  // An open stream would keep the server from closing: they end before it does.
  app.addHook('preClose', async () => live.stop());
  await registerGatewayRoutes(app, context, gatewayRoutes, platform.registry);
  await registerConsole(app, platform.logger);
  const consumer = createRegistryConsumer({ kafka: platform.kafka, pool: platform.pool, view: registry, topic: topics.ledgerEvents.name, groupId: config.registryGroupId, logger: platform.logger });
  const liveConsumer = createLiveEventsConsumer({ kafka: platform.kafka, topic: topics.ledgerEvents.name, groupPrefix: config.liveGroupPrefix, streams: live, registry, logger: platform.logger });
  if (platform.readiness) {
    platform.readiness.results = async () => {
      const dead = link.progress().deadBecause;
      if (dead) throw new Error(dead);
    };
    platform.readiness.registry = async () => {
      const dead = consumer.progress().deadBecause;
      if (dead) throw new Error(dead);
    };
    platform.readiness.liveEvents = async () => {
      const dead = liveConsumer.progress().deadBecause;
      if (dead) throw new Error(dead);
    };
  }
  let sweeper: NodeJS.Timeout | null = null;
  const parts: Part[] = [
    { name: 'registry-seed', start: () => seedGenesis(platform.pool, genesis, new Date()), stop: async () => undefined },
    { name: 'registry-view', start: () => registry.start(), stop: () => registry.stop() },
    { name: 'ledger-link', start: () => link.start(), stop: () => link.stop() },
    { name: 'registry-consumer', start: () => consumer.start(), stop: () => consumer.stop() },
    {
      name: 'live-events',
      start: async () => {
        live.start();
        await liveConsumer.start();
      },
      stop: async () => {
        live.stop();
        await liveConsumer.stop();
      },
    },
    {
      name: 'sweeper',
      start: async () => {
        sweeper = setInterval(() => void tokens.sweep(new Date(Date.now() - 10 * 60_000)).catch(() => undefined), sweepIntervalMs);
        sweeper.unref();
      },
      stop: async () => {
        if (sweeper) clearInterval(sweeper);
      },
    },
  ];
  return { parts, context };
}
