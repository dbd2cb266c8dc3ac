/**
 * Where the integration tests' PostgreSQL, Redis and Kafka come from, in this order:
 * 1. the environment (`TEST_DATABASE_URL`, `TEST_REDIS_URL`, `KAFKA_BROKERS`) when given;
 * 2. testcontainers (real postgres:16, redis:7 and apache/kafka images) when a Docker engine answers;
 * 3. local mode: this machine's PostgreSQL and Redis, and librdkafka's mock cluster as broker.
 */
import { existsSync } from 'node:fs';
import { allTopics } from '@cascade/events';
import { startKafkaMock } from './kafka/index.ts';
import { ensureLocalPostgres, ensureLocalRedis } from './local.ts';

export type InfraMode = 'env' | 'containers' | 'local';

export interface InfraSettings {
  mode: InfraMode;
  /** An admin connection URL; tests create their own databases through it. */
  databaseUrl: string;
  redisUrl: string;
  kafkaBrokers: string[];
  /** Control address of the mock broker (local mode only): topics are created through it. */
  kafkaControl?: string;
  /** True when the broker is real Kafka (transactions, restarts and read-committed exist). */
  realKafka: boolean;
}

export interface RunningInfra {
  settings: InfraSettings;
  stop(): Promise<void>;
}

function dockerAnswers(): boolean {
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

export async function startInfra(log: (m: string) => void = () => undefined): Promise<RunningInfra> {
  const env = process.env;
  if (env.KAFKA_BROKERS && env.TEST_DATABASE_URL && env.TEST_REDIS_URL) {
    return {
      settings: {
        mode: 'env',
        databaseUrl: env.TEST_DATABASE_URL,
        redisUrl: env.TEST_REDIS_URL,
        kafkaBrokers: env.KAFKA_BROKERS.split(','),
        realKafka: true,
      },
      stop: async () => undefined,
    };
  }
  if (dockerAnswers() && env.CASCADE_NO_CONTAINERS !== '1') {
    const { startContainers } = await import('./containers.ts');
    return startContainers(log);
  }
  const [databaseUrl, redisUrl] = [await ensureLocalPostgres(log), await ensureLocalRedis(log)];
  const mock = await startKafkaMock({ brokers: 1, topics: allTopics().map((t) => ({ name: t.name, partitions: t.partitions })) });
  return {
    settings: { mode: 'local', databaseUrl, redisUrl, kafkaBrokers: mock.bootstrap, kafkaControl: mock.control, realKafka: false },
    stop: () => mock.stop(),
  };
}
