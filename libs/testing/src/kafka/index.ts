export {
  startKafkaMock,
  ensureKafkaMockLauncher,
  kafkaMockBinary,
  kafkaMockSource,
  type KafkaMock,
  type KafkaMockOptions,
  type KafkaMockTopic,
} from './kafka-mock.ts';
export {
  MockTopicAdmin,
  KafkaTopicAdmin,
  topicAdminFor,
  mockControlRequest,
  type TopicAdmin,
  type TopicSpec,
  type KafkaTopicAdminOptions,
} from './topic-admin.ts';
export {
  startKafkaBroker,
  ensureKafkaBroker,
  kafkaBrokerPossible,
  kafkaCacheDir,
  kafkaCacheBytes,
  kafkaVersion,
  javaMajorVersion,
  freePort,
  newClusterId,
  type KafkaBroker,
  type KafkaBrokerOptions,
  type KafkaInstall,
} from './kafka-broker.ts';
