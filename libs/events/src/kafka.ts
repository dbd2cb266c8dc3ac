/**
 * Thin kafkajs wrappers: a producer that validates envelopes before they leave, and a batch
 * consumer that decodes and validates every message, carries the trace id and hands a handler
 * whole batches so it can commit one database transaction per batch.
 *
 * Producers are deliberately not idempotent or transactional: exactly-once effect comes from the
 * outbox (producer side) and the inbox (consumer side), which also works against brokers that do
 * not implement Kafka transactions.
 */
import { CompressionTypes, Kafka, logLevel, Partitioners, type Consumer, type KafkaMessage, type Producer } from 'kafkajs';
import type { Logger } from '@cascade/logging';
import { traceHeader, withTrace } from '@cascade/logging';
import { decodeEnvelope, encodeEnvelope, EventValidationError, type Envelope, type EventCatalog } from './envelope.ts';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** kafkajs's own messages go here (warn and above); without it they are dropped. */
  logger?: Logger;
  /** Connection and request timeouts, kept short so a missing broker is reported quickly. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export function createKafka(settings: KafkaSettings): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: settings.connectionTimeoutMs ?? 3_000,
    requestTimeout: settings.requestTimeoutMs ?? 30_000,
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      const { message, ...rest } = entry.log;
      if (!settings.logger) return;
      if (entry.level <= logLevel.ERROR) settings.logger.error({ kafkajs: entry.namespace, ...rest }, message);
      else settings.logger.warn({ kafkajs: entry.namespace, ...rest }, message);
    },
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 3_000 },
  });
}

export interface OutgoingMessage {
  topic: string;
  envelope: Envelope;
}

export class EventProducer {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly catalog: EventCatalog | null,
  ) {
    // The default (murmur2) partitioner is the Java client's, so keys land where other clients expect.
    this.producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false, maxInFlightRequests: 5, createPartitioner: Partitioners.DefaultPartitioner });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  /**
   * Sends envelopes (already stored in an outbox, or fire-and-forget replies), grouped by topic,
   * keyed by `envelope.key`, with acks from all in-sync replicas.
   */
  async send(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const byTopic = new Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>();
    for (const { topic, envelope } of messages) {
      this.catalog?.assertValid(envelope);
      const list = byTopic.get(topic) ?? [];
      list.push({ key: envelope.key, value: encodeEnvelope(envelope), headers: { [traceHeader]: envelope.traceId, 'event-type': envelope.type } });
      byTopic.set(topic, list);
    }
    await this.producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.GZIP,
      topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
    });
  }
}

export interface ReceivedEvent {
  envelope: Envelope;
  topic: string;
  partition: number;
  offset: string;
}

export interface BatchConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  catalog: EventCatalog;
  logger: Logger;
  /** Called with the valid events of one fetched batch, in partition order. */
  handleBatch: (events: ReceivedEvent[], context: { partition: number; topic: string }) => Promise<void>;
  /** Called for a message that fails validation; it is then skipped (and logged). */
  onInvalid?: (message: KafkaMessage, error: Error, where: { topic: string; partition: number }) => Promise<void> | void;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  fromBeginning?: boolean;
  /** Skip, without a warning, messages whose event type the catalog does not know (shared topics). */
  ignoreUnknownTypes?: boolean;
  /** Upper bound on the bytes fetched per partition per request; bounds batch size. */
  maxBytesPerPartition?: number;
}

export class BatchConsumer {
  private readonly consumer: Consumer;
  private running = false;

  constructor(private readonly options: BatchConsumerOptions) {
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 1_000,
      rebalanceTimeout: options.sessionTimeoutMs ?? 10_000,
      maxWaitTimeInMs: 50,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
      allowAutoTopicCreation: false,
      retry: { retries: 8 },
    });
  }

  /** Resolves once the consumer has joined its group and started fetching. */
  async start(): Promise<void> {
    const { consumer, options } = this;
    await consumer.connect();
    await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
    const joined = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    this.running = true;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const events: ReceivedEvent[] = [];
        for (const message of batch.messages) {
          try {
            if (options.ignoreUnknownTypes) {
              const type = message.headers?.['event-type']?.toString();
              if (type !== undefined && !options.catalog.knowsType(type)) continue;
            }
            const envelope = decodeEnvelope(message.value, options.catalog);
            events.push({ envelope, topic: batch.topic, partition: batch.partition, offset: message.offset });
          } catch (error) {
            if (!(error instanceof EventValidationError)) throw error;
            options.logger.warn({ topic: batch.topic, partition: batch.partition, offset: message.offset, err: error.message }, 'skipping invalid event');
            await options.onInvalid?.(message, error, { topic: batch.topic, partition: batch.partition });
          }
        }
        if (!isRunning() || isStale()) return;
        if (events.length > 0) {
          const traceId = events[0]!.envelope.traceId;
          await withTrace(traceId, () => options.handleBatch(events, { partition: batch.partition, topic: batch.topic }));
        }
        const last = batch.messages[batch.messages.length - 1];
        if (last) {
          resolveOffset(last.offset);
          // The handler has committed its effects (and its inbox rows) already; committing the
          // offset now only saves a redelivery, which the inbox would absorb anyway.
          await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
        }
        await heartbeat();
      },
    });
    await joined;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.consumer.disconnect();
  }
}
