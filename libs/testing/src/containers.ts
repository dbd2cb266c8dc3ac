/**
 * Real images through testcontainers, used when a Docker engine answers. Loaded lazily so that
 * machines without Docker never import testcontainers' Docker client.
 */
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import type { RunningInfra, RunningKafka } from './infra.ts';
import { freePort, kafkaVersion } from './kafka/index.ts';

export const postgresImage = 'postgres:16-alpine';
export const redisImage = 'redis:7-alpine';
/** The same Apache Kafka version as the broker local mode runs from Maven Central (infra/kafka/pom.xml). */
export const kafkaImage = `apache/kafka:${kafkaVersion()}`;

/** KRaft single node; the advertised listener is the host port, picked free beforehand. */
async function kafkaContainer(): Promise<{ container: StartedTestContainer; brokers: string[] }> {
  const hostPort = await freePort();
  const container = await new GenericContainer(kafkaImage)
    .withExposedPorts({ container: 9092, host: hostPort })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${hostPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_GROUP_MIN_SESSION_TIMEOUT_MS: '1000',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  return { container, brokers: [`127.0.0.1:${hostPort}`] };
}

export async function startKafkaContainer(log: (m: string) => void): Promise<RunningKafka> {
  log(`starting ${kafkaImage}`);
  const { container, brokers } = await kafkaContainer();
  return { brokers, kind: 'container', description: `Apache Kafka (${kafkaImage} container)`, realKafka: true, stop: async () => void (await container.stop()) };
}

export async function startContainers(log: (m: string) => void): Promise<RunningInfra> {
  log('starting PostgreSQL, Redis and Kafka containers');
  const [postgres, redis, kafka] = await Promise.all([
    new GenericContainer(postgresImage)
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start(),
    new GenericContainer(redisImage).withExposedPorts(6379).start(),
    kafkaContainer(),
  ]);
  return {
    settings: {
      mode: 'containers',
      databaseUrl: `postgres://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres`,
      redisUrl: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
      kafkaBrokers: kafka.brokers,
      kafkaKind: 'container',
      kafkaDescription: `Apache Kafka (${kafkaImage} container)`,
      realKafka: true,
    },
    stop: async () => {
      await Promise.all([postgres.stop(), redis.stop(), kafka.container.stop()]);
    },
  };
}
