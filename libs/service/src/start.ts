/**
 * The composition root shared by the four services: config → platform (PostgreSQL, Redis, Kafka,
 * outbox relay) → fastify app → listen, run until SIGTERM. A service passes its name, its
 * migrations and a function that adds its own routes and parts.
 */
import type { FastifyInstance } from 'fastify';
import { commonSettings, loadConfig, parse, type Spec } from '@cascade/config';
import type { EventCatalog } from '@cascade/events';
import { createLogger } from '@cascade/logging';
import { buildServiceApp } from './http.ts';
import { internalIdentity } from './internal-auth.ts';
import { runUntilSignalled, type Part } from './lifecycle.ts';
import { createPlatform, type Platform } from './platform.ts';

export interface ServiceDefinition {
  name: string;
  schema: string;
  portDefault: number;
  migrationsDirs: string[];
  catalog: EventCatalog | null;
  /**
   * The edge (the gateway) authenticates clients itself; every other service takes its caller
   * only from the gateway's internal token on its `/v1` routes (`internal-auth.ts`).
   */
  edge?: boolean;
  /** Its Redis commands are auto-pipelined (`PlatformSettings.redisAutoPipelining`). */
  redisAutoPipelining?: boolean;
  /** The service's own settings, read and checked with the common ones at start. */
  settings?: Spec;
  /**
   * Adds the service's routes to the app and returns its own lifecycle parts (consumers, jobs),
   * started after the platform's and stopped before them. `config` holds every setting.
   */
  compose?: (app: FastifyInstance, platform: Platform, config: Record<string, unknown>) => Part[] | Promise<Part[]>;
}

export function serviceSpec(definition: ServiceDefinition) {
  return {
    ...commonSettings,
    ...definition.settings,
    port: { env: 'PORT', doc: `HTTP port of the ${definition.name} service (0: one the system picks, logged as it listens)`, parse: parse.int(0, 65_535), default: definition.portDefault },
  } satisfies Spec;
}

export async function startService(definition: ServiceDefinition): Promise<void> {
  const config = loadConfig(serviceSpec(definition));
  const logger = createLogger({ service: definition.name, level: config.logLevel });
  const platform = createPlatform({
    service: definition.name,
    schema: definition.schema,
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl,
    kafkaBrokers: config.kafkaBrokers,
    kafkaIdempotentProducer: config.kafkaIdempotentProducer,
    migrationsDirs: definition.migrationsDirs,
    catalog: definition.catalog,
    logger,
    logLevel: config.logLevel,
    redisAutoPipelining: definition.redisAutoPipelining,
    clockFile: config.clockFile,
  });
  const app = buildServiceApp({ name: definition.name, logger, readiness: platform.readiness, registry: platform.registry });
  if (!definition.edge) await app.register(internalIdentity, { key: config.internalAuthKey, audience: definition.name });
  const own = (await definition.compose?.(app, platform, config as Record<string, unknown>)) ?? [];
  const http: Part = {
    name: 'http',
    start: async () => {
      const address = await app.listen({ host: config.host, port: config.port });
      logger.info({ address }, 'listening');
    },
    stop: () => app.close(),
  };
  await runUntilSignalled({ logger, parts: [...platform.parts, ...own, http], shutdownTimeoutMs: config.shutdownTimeoutMs });
}
