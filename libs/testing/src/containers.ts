/**
 * Real images through testcontainers, used when a Docker engine answers. Loaded lazily so that
 * machines without Docker never import testcontainers' Docker client.
 */
import { GenericContainer, Wait } from 'testcontainers';
import type { RunningInfra } from './infra.ts';

export const postgresImage = 'postgres:16-alpine';
export const redisImage = 'redis:7-alpine';
export const kafkaImage = 'apache/kafka:3.9.1';

export async function startContainers(log: (m: string) => void): Promise<RunningInfra> {
  log('starting PostgreSQL, Redis and Kafka containers');
  const [postgres, redis, kafka] = await Promise.all([
    new GenericContainer(postgresImage)
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start(),
    new GenericContainer(redisImage).withExposedPorts(6379).start(),
    // KRaft single node; the advertised listener is rewritten to the mapped port below.
    new GenericContainer(kafkaImage)
      .withExposedPorts({ container: 9092, host: 39092 })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
        KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://127.0.0.1:39092',
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .start(),
  ]);
  return {
    settings: {
      mode: 'containers',
      databaseUrl: `postgres://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres`,
      redisUrl: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
      kafkaBrokers: ['127.0.0.1:39092'],
      realKafka: true,
    },
    stop: async () => {
      await Promise.all([postgres.stop(), redis.stop(), kafka.stop()]);
    },
  };
}
