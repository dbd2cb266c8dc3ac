/**
 * Where PostgreSQL, Redis and Kafka come from, for the integration tests and for local mode
 * (`infra/cascade up`), in this order:
 * 1. the environment (`TEST_DATABASE_URL`, `TEST_REDIS_URL`, `KAFKA_BROKERS`) when given;
 * 2. testcontainers (real postgres:16, redis:7 and apache/kafka images) when a Docker engine answers;
 * 3. local mode: this machine's PostgreSQL and Redis, and Kafka chosen by {@link startKafka}:
 *    the real Apache Kafka broker from Maven Central when a JDK is present or installable, and
 *    librdkafka's mock cluster only when it is not (a reduced mode, announced as such).
 */
import { existsSync } from 'node:fs';
import { kafkaBrokerPossible, startKafkaBroker, startKafkaMock } from './kafka/index.ts';
import { ensureLocalPostgres, ensureLocalRedis } from './local.ts';

export type InfraMode = 'env' | 'containers' | 'local';

/** Which broker is underneath: a given cluster, a container, the broker from Maven Central, or the mock. */
export type KafkaKind = 'env' | 'container' | 'broker' | 'mock';

export interface InfraSettings {
  mode: InfraMode;
  /** An admin connection URL; tests create their own databases through it. */
  databaseUrl: string;
  redisUrl: string;
  kafkaBrokers: string[];
  kafkaKind: KafkaKind;
  /** What the broker is, for people: "Apache Kafka 4.4.0 (KRaft, one node, from Maven Central)". */
  kafkaDescription: string;
  /** Control address of the mock broker (mock only): topics are created through it. */
  kafkaControl?: string;
  /** True when the broker is real Kafka (transactions, restarts and read-committed exist). */
  realKafka: boolean;
}

export interface RunningInfra {
  settings: InfraSettings;
  stop(): Promise<void>;
}

export interface RunningKafka {
  brokers: string[];
  kind: KafkaKind;
  description: string;
  control?: string;
  realKafka: boolean;
  /** The broker's process id, when it runs here as a process of ours (for CPU accounting). */
  pid?: () => number;
  stop(): Promise<void>;
}

export function dockerAnswers(): boolean {
  return process.env.CASCADE_NO_CONTAINERS !== '1' && (Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock'));
}

const reducedModeBanner = [
  '',
  '!!! REDUCED MODE: no Docker and no Java here, so Kafka is librdkafka\'s MOCK cluster, not Apache Kafka.',
  '!!! It has no CreateTopics, no transactions, keeps only ~5 MiB per partition and returns one message',
  '!!! set per partition per fetch: latency and throughput figures measured on it mean nothing.',
  '!!! Install a JDK (17 or later) to run the real broker.',
  '',
].join('\n');

/**
 * The one choice of broker for tests and local mode: `KAFKA_BROKERS` from the environment; a
 * Kafka container when Docker answers; the real broker from Maven Central when a JDK is present
 * or installable; the mock only when none of these is possible (or `CASCADE_KAFKA=mock` asks for
 * it, to compare the two).
 */
export async function startKafka(log: (m: string) => void = () => undefined): Promise<RunningKafka> {
  const env = process.env;
  if (env.KAFKA_BROKERS) {
    const brokers = env.KAFKA_BROKERS.split(',').filter((b) => b.length > 0);
    return { brokers, kind: 'env', description: `Kafka at ${brokers.join(',')} (KAFKA_BROKERS)`, realKafka: true, stop: async () => undefined };
  }
  const wanted = env.CASCADE_KAFKA ?? 'auto';
  if (!['auto', 'broker', 'mock'].includes(wanted)) throw new Error(`CASCADE_KAFKA must be auto, broker or mock, got ${JSON.stringify(wanted)}`);
  if (wanted === 'auto' && dockerAnswers()) {
    const { startKafkaContainer } = await import('./containers.ts');
    return startKafkaContainer(log);
  }
  if (wanted === 'broker' || (wanted === 'auto' && kafkaBrokerPossible())) {
    const broker = await startKafkaBroker({ log });
    return {
      brokers: broker.bootstrap,
      kind: 'broker',
      description: `Apache Kafka ${broker.version} (KRaft, one node, from Maven Central)`,
      realKafka: true,
      pid: () => broker.pid(),
      stop: () => broker.stop(),
    };
  }
  log(wanted === 'mock' ? 'CASCADE_KAFKA=mock: Kafka is librdkafka\'s mock cluster (REDUCED MODE, not Apache Kafka)' : reducedModeBanner);
  const mock = await startKafkaMock({ brokers: 1 });
  // The mock cannot serve kafkajs's idempotent producer (its InitProducerId names no broker);
  // services started from here, and the tests' child processes, inherit this.
  process.env.KAFKA_IDEMPOTENT_PRODUCER = 'false';
  return {
    brokers: mock.bootstrap,
    kind: 'mock',
    description: "librdkafka's mock cluster (REDUCED MODE: not Apache Kafka)",
    control: mock.control,
    realKafka: false,
    stop: () => mock.stop(),
  };
}

export async function startInfra(log: (m: string) => void = () => undefined): Promise<RunningInfra> {
  const env = process.env;
  if (env.KAFKA_BROKERS && env.TEST_DATABASE_URL && env.TEST_REDIS_URL) {
    const brokers = env.KAFKA_BROKERS.split(',');
    return {
      settings: {
        mode: 'env',
        databaseUrl: env.TEST_DATABASE_URL,
        redisUrl: env.TEST_REDIS_URL,
        kafkaBrokers: brokers,
        kafkaKind: 'env',
        kafkaDescription: `Kafka at ${brokers.join(',')} (KAFKA_BROKERS)`,
        realKafka: true,
      },
      stop: async () => undefined,
    };
  }
  if (dockerAnswers() && (env.CASCADE_KAFKA ?? 'auto') === 'auto') {
    const { startContainers } = await import('./containers.ts');
    return startContainers(log);
  }
  const [databaseUrl, redisUrl] = [await ensureLocalPostgres(log), await ensureLocalRedis(log)];
  const kafka = await startKafka(log);
  return {
    settings: {
      mode: 'local',
      databaseUrl,
      redisUrl,
      kafkaBrokers: kafka.brokers,
      kafkaKind: kafka.kind,
      kafkaDescription: kafka.description,
      ...(kafka.control ? { kafkaControl: kafka.control } : {}),
      realKafka: kafka.realKafka,
    },
    stop: () => kafka.stop(),
  };
}
