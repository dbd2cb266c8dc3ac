/**
 * Thin kafkajs wrappers: a producer that validates envelopes before they leave, and a batch
 * consumer that decodes and validates every message, carries the trace id and hands a handler
 * whole batches so it can commit one database transaction per batch.
 *
 * Exactly-once effect comes from the outbox (producer side) and the inbox (consumer side), not
 * from Kafka transactions: that works on any broker and costs no extra round trip per batch. The
 * outbox relay's producer is idempotent (see {@link EventProducerOptions.idempotent}): the broker
 * then drops the duplicates its own retries would write, so a partition holds each relayed event
 * once per producer session, in order; the inboxes still absorb what a relay restart republishes.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { CompressionTypes, Kafka, logLevel, Partitioners, type Consumer, type KafkaMessage, type Producer } from 'kafkajs';
import type { Logger } from '@cascade/logging';
import { traceHeader, withTrace } from '@cascade/logging';
import { decodeEnvelope, encodeEnvelope, EventValidationError, type DecodeOptions, type Envelope, type EventCatalog } from './envelope.ts';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** kafkajs's own messages go here (warn and above); without it they are dropped. */
  logger?: Logger;
  /** Connection and request timeouts, kept short so a missing broker is reported quickly. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

const boundedRetriesWarning = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

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
      // Said once per idempotent producer; the bound is deliberate (EventProducerOptions.idempotent).
      if (message === boundedRetriesWarning) return;
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

export interface EventProducerOptions {
  /**
   * Kafka's idempotent producer: a producer id and per-partition sequence numbers, so the broker
   * discards a batch it already wrote when a retry resends it. Only for a producer whose sends are
   * sequential (the outbox relay): kafkajs numbers a batch when it is built, so two concurrent
   * sends to one partition would collide. One request in flight, bounded retries (kafkajs would
   * retry forever by default; past the bound the relay retries the batch from the outbox).
   */
  idempotent?: boolean;
}

/** Retries of one send by an idempotent producer before the error goes back to the caller. */
export const idempotentSendRetriesMax = 10;

/**
 * No compression: measured on the ledger benchmark, gzip cost the ledger more CPU (compressing
 * its results and events, decompressing commands) than the bytes it saved on loopback and on a
 * broker sharing its two cores (docs/performance.md).
 */
export const producerCompression = CompressionTypes.None;

/**
 * Bytes one produce request carries at most, counting each message's value and key and a margin
 * for its record overhead and headers. The broker refuses a record batch over `message.max.bytes`
 * (1 MiB by default) for one partition, and a send cannot know how the partitioner will spread
 * its messages, so a send stays under the limit as a whole: larger sends go as several requests,
 * in order. An envelope is at most 1,000,000 bytes, so one always fits alone.
 */
export const produceRequestBytesMax = 1_000_000;
const recordOverheadBytes = 200;

/** A message already encoded (an outbox row as stored): sent without parsing it again. */
export interface EncodedMessage {
  topic: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** The Kafka headers every envelope travels with. */
export function envelopeHeaders(envelope: Pick<Envelope, 'traceId' | 'type'>): Record<string, string> {
  return { [traceHeader]: envelope.traceId, 'event-type': envelope.type };
}

export class EventProducer {
  private producer: Producer;
  /** Set after an idempotent send failed: the next send starts a new producer session first. */
  private renewBeforeSend = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly catalog: EventCatalog | null,
    private readonly options: EventProducerOptions = {},
  ) {
    this.producer = this.create();
  }

  private create(): Producer {
    // The default (murmur2) partitioner is the Java client's, so keys land where other clients expect.
    return this.options.idempotent
      ? this.kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1, retry: { retries: idempotentSendRetriesMax }, createPartitioner: Partitioners.DefaultPartitioner })
      : this.kafka.producer({ allowAutoTopicCreation: false, idempotent: false, maxInFlightRequests: 5, createPartitioner: Partitioners.DefaultPartitioner });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  /**
   * A new producer session (a new producer id, sequences from zero). After a failed idempotent
   * send the old session's sequence numbers may be out of step with the broker — a batch it gave
   * up on may have landed — and kafkajs would then fail every later send of that session with an
   * out-of-order sequence. The caller resends from the outbox; the inboxes absorb a duplicate.
   */
  private async renew(): Promise<void> {
    const old = this.producer;
    this.producer = this.create();
    await old.disconnect().catch(() => undefined);
    await this.producer.connect();
    this.renewBeforeSend = false;
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
      list.push({ key: envelope.key, value: encodeEnvelope(envelope), headers: envelopeHeaders(envelope) });
      byTopic.set(topic, list);
    }
    await this.sendGrouped(byTopic);
  }

  /** Sends messages encoded already (outbox rows, validated when they were appended). */
  async sendEncoded(messages: EncodedMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const byTopic = new Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic) ?? [];
      list.push({ key: m.key, value: m.value, headers: m.headers });
      byTopic.set(m.topic, list);
    }
    await this.sendGrouped(byTopic);
  }

  private async sendGrouped(byTopic: Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>): Promise<void> {
    if (this.renewBeforeSend) await this.renew();
    try {
      for (const chunk of requestsOf(byTopic)) await this.sendBatch(chunk);
    } catch (error) {
      if (this.options.idempotent) this.renewBeforeSend = true;
      throw error;
    }
  }

  private async sendBatch(byTopic: Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>): Promise<void> {
    await this.producer.sendBatch({
      acks: -1,
      compression: producerCompression,
      topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
    });
  }
}

/** Splits messages into produce requests of at most `produceRequestBytesMax`, keeping their order. */
function requestsOf(byTopic: Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>): Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>[] {
  const requests: Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>[] = [];
  let current = new Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>();
  let bytes = 0;
  for (const [topic, messages] of byTopic) {
    for (const m of messages) {
      const size = m.value.length + m.key.length * 3 + recordOverheadBytes;
      if (bytes > 0 && bytes + size > produceRequestBytesMax) {
        requests.push(current);
        current = new Map();
        bytes = 0;
      }
      const list = current.get(topic) ?? [];
      list.push(m);
      current.set(topic, list);
      bytes += size;
    }
  }
  if (bytes > 0) requests.push(current);
  return requests;
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
  /**
   * Called with the valid events of one fetched batch, in partition order. A handler that
   * commits its effects later returns `{ durable }`: the consumer moves on to the next batch at
   * once, commits the offsets only when `durable` resolves, and if it rejects, has every batch
   * of those partitions from the first one not yet durable delivered again (in order).
   */
  handleBatch: (events: ReceivedEvent[], context: { partition: number; topic: string }) => Promise<void | { durable: Promise<void> }>;
  /**
   * Called for a message that fails validation, before its offset moves on; it is then skipped
   * (and logged). A consumer that must lose nothing parks it here (a dead-letter topic): if this
   * throws, the batch is not acknowledged and comes again.
   */
  onInvalid?: (message: KafkaMessage, error: Error, where: { topic: string; partition: number }) => Promise<void> | void;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  fromBeginning?: boolean;
  /**
   * Group commit: take batches of up to this many partitions at once and hand them to
   * `handleBatch` together (each partition's events stay contiguous and in order). One handler
   * call then covers many partitions, so a writer that commits once per call commits once per
   * fetch instead of once per partition. 1 (the default) hands partitions over one by one.
   */
  partitionsTogether?: number;
  /** Skip, without a warning, messages whose event type the catalog does not know (shared topics). */
  ignoreUnknownTypes?: boolean;
  /** Upper bound on the bytes fetched per partition per request; bounds batch size. */
  maxBytesPerPartition?: number;
  /** Passed to decodeEnvelope: a parser refusing duplicate keys, for consumers of signed content. */
  parseJson?: DecodeOptions['parseJson'];
  /**
   * A check of each decoded envelope beyond its schema (a fact's signature, say): an
   * `EventValidationError` it throws is handled like an unreadable message (`onInvalid`).
   */
  admit?: (envelope: Envelope, where: { topic: string; partition: number }) => void;
  /**
   * The group is this process's alone (a name made per process, reading from the latest): `stop`
   * deletes it from the broker, so restarts do not leave groups behind. A process that dies
   * without stopping leaves its group until the broker expires it (offsets.retention.minutes).
   */
  ephemeralGroup?: boolean;
}

/** A group name for one process alone (`ephemeralGroup`): the prefix, the host, the pid and a random tail. */
export function ephemeralGroupId(prefix: string): string {
  return `${prefix}-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

interface PendingBatch {
  events: ReceivedEvent[];
  done: (error?: unknown, durable?: Promise<void>) => void;
}

/** How long `start` waits for the group join (a dead member's session must expire first). */
export const groupJoinTimeoutMs = 60_000;

/** How long a group commit waits for more partitions' batches before it runs. */
export const groupCommitWindowMs = 2;

/** How far a consumer is behind, for readiness and metrics. */
export interface ConsumerProgress {
  /** When the oldest batch fetched and not yet handled successfully first arrived (ms since epoch), or null. */
  oldestPendingSinceMs: number | null;
  /** Messages behind the partitions' high watermarks, as of each partition's last handled batch. */
  lagMessages: number;
  /** When a batch was last handled successfully (ms since epoch), or null. */
  lastHandledAtMs: number | null;
  /** Set when kafkajs crashed the consumer with an error it does not restart on: it consumes no more. */
  deadBecause: string | null;
}

/** The wait before a consumer that kafkajs gave up on joins its group again, doubling up to the last. */
const rejoinDelaysMs = [1_000, 2_000, 5_000, 10_000, 30_000];

export class BatchConsumer {
  private consumer: Consumer;
  private rejoins = 0;
  private running = false;
  /** `${topic}\u0000${partition}` → when its batch in hand first arrived (kept across redeliveries). */
  private readonly pendingSince = new Map<string, number>();
  private readonly lagByPartition = new Map<string, number>();
  private lastHandledAtMs: number | null = null;
  private deadBecause: string | null = null;
  private pending: PendingBatch[] = [];
  /**
   * Per partition, the first offset of each batch handed over and not yet durable, oldest
   * first: where to go back to if one of them fails.
   */
  private readonly undurable = new Map<string, bigint[]>();
  private flushing: Promise<void> | null = null;
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: BatchConsumerOptions) {
    this.consumer = this.newConsumer();
  }

  private newConsumer(): Consumer {
    const { options } = this;
    return options.kafka.consumer({
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

  /**
   * kafkajs gave up on this consumer (say the group forgot it after a batch that outlasted the
   * session): a fresh one joins the group again, after a pause, and takes up from the committed
   * offsets — the handlers' inboxes absorb what comes again. Until it has joined, readiness
   * reports the consumer dead.
   */
  private async rejoin(): Promise<void> {
    const delay = rejoinDelaysMs[Math.min(this.rejoins, rejoinDelaysMs.length - 1)]!;
    this.rejoins += 1;
    const old = this.consumer;
    await Promise.race([old.disconnect().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
    await new Promise((r) => setTimeout(r, delay));
    if (!this.running) return;
    this.undurable.clear();
    this.consumer = this.newConsumer();
    this.running = false;
    try {
      await this.start();
      this.rejoins = 0;
      this.options.logger.warn({ groupId: this.options.groupId }, 'Kafka consumer joined its group again after a crash');
    } catch (error) {
      this.running = true;
      this.options.logger.error({ groupId: this.options.groupId, err: (error as Error).message }, 'joining the group again failed; trying later');
      void this.rejoin();
    }
  }

  /** How far behind this consumer is (see ConsumerProgress). */
  progress(): ConsumerProgress {
    let oldest: number | null = null;
    for (const since of this.pendingSince.values()) oldest = oldest === null ? since : Math.min(oldest, since);
    let lag = 0;
    for (const l of this.lagByPartition.values()) lag += l;
    return { oldestPendingSinceMs: oldest, lagMessages: lag, lastHandledAtMs: this.lastHandledAtMs, deadBecause: this.deadBecause };
  }

  /** Resolves once the consumer has joined its group and started fetching. */
  async start(): Promise<void> {
    const { consumer, options } = this;
    await consumer.connect();
    // After a rebalance this member may hold other partitions: what it no longer holds is not its
    // to report. What it still holds keeps its age (a consumer restarted by a failing handler
    // rejoins with the same partitions, and the input has waited all along).
    // kafkajs restarts a crashed consumer only for errors it deems retriable; otherwise the consumer
    // is gone while the process lives on. Say so loudly, and let readiness report it.
    consumer.on(consumer.events.CRASH, (event) => {
      const message = event.payload.error?.message ?? String(event.payload.error);
      options.logger.error({ groupId: options.groupId, err: message, restart: event.payload.restart }, 'Kafka consumer crashed');
      if (event.payload.restart) return;
      this.deadBecause = `the consumer of group ${options.groupId} crashed and kafkajs will not restart it (${message}); joining the group again`;
      if (this.running) void this.rejoin();
    });
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.deadBecause = null;
      const assigned = new Set(Object.entries(event.payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((p) => `${topic}\u0000${p}`)));
      for (const map of [this.pendingSince, this.lagByPartition]) for (const key of map.keys()) if (!assigned.has(key)) map.delete(key);
    });
    await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
    const joined = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumer group ${options.groupId} not joined within ${groupJoinTimeoutMs} ms`)), groupJoinTimeoutMs);
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        clearTimeout(timer);
        off();
        resolve();
      });
    });
    this.running = true;
    const together = Math.max(1, options.partitionsTogether ?? 1);
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: together,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const where = `${batch.topic}\u0000${batch.partition}`;
        if (batch.messages.length > 0 && !this.pendingSince.has(where)) this.pendingSince.set(where, Date.now());
        const events: ReceivedEvent[] = [];
        for (const message of batch.messages) {
          try {
            if (options.ignoreUnknownTypes) {
              const type = message.headers?.['event-type']?.toString();
              if (type !== undefined && !options.catalog.knowsType(type)) continue;
            }
            const envelope = decodeEnvelope(message.value, options.catalog, { parseJson: options.parseJson });
            options.admit?.(envelope, { topic: batch.topic, partition: batch.partition });
            events.push({ envelope, topic: batch.topic, partition: batch.partition, offset: message.offset });
          } catch (error) {
            if (!(error instanceof EventValidationError)) throw error;
            options.logger.warn({ topic: batch.topic, partition: batch.partition, offset: message.offset, err: error.message }, 'skipping invalid event');
            await options.onInvalid?.(message, error, { topic: batch.topic, partition: batch.partition });
          }
        }
        if (!isRunning() || isStale()) return;
        let durable: Promise<void> | undefined;
        // A long batch must not outlast the session: the group would forget this member.
        const beat = setInterval(() => void heartbeat().catch(() => undefined), options.heartbeatIntervalMs ?? 1_000);
        try {
          if (events.length > 0) {
            if (together === 1) {
              const traceId = events[0]!.envelope.traceId;
              const handled = await withTrace(traceId, () => options.handleBatch(events, { partition: batch.partition, topic: batch.topic }));
              durable = (handled as { durable?: Promise<void> } | undefined)?.durable;
            } else {
              durable = (await this.joinGroupCommit(events)).durable;
            }
          }
        } finally {
          clearInterval(beat);
        }
        const last = batch.messages[batch.messages.length - 1];
        const first = batch.messages[0];
        const lag = Math.max(0, Number(batch.offsetLag()));
        const committed = async (): Promise<void> => {
          if (last) {
            // The handler has committed its effects (and its inbox rows) already; committing the
            // offset now only saves a redelivery, which the inbox would absorb anyway.
            await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
            this.lagByPartition.set(where, lag);
          }
          this.pendingSince.delete(where);
          this.lastHandledAtMs = Date.now();
        };
        if (last) resolveOffset(last.offset);
        if (durable === undefined || !first) {
          await committed();
        } else {
          const firstOffset = BigInt(first.offset);
          const queue = this.undurable.get(where) ?? [];
          queue.push(firstOffset);
          this.undurable.set(where, queue);
          void durable.then(
            async () => {
              const q = this.undurable.get(where);
              if (q?.[0] === firstOffset) q.shift();
              if (q?.length === 0) await committed().catch((error: Error) => options.logger.warn({ err: error.message }, 'offset commit failed; the batch will be delivered again'));
              else if (last) await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]).catch(() => undefined);
            },
            (error: Error) => this.deliverAgain(batch.topic, batch.partition, where, error),
          );
        }
        await heartbeat();
      },
    });
    await joined;
  }

  /**
   * A batch handed over was not made durable: go back to the first batch of that partition not
   * yet durable, so it and everything after it come again, in order (kafkajs discards what it
   * had fetched beyond).
   */
  private deliverAgain(topic: string, partition: number, where: string, error: Error): void {
    const queue = this.undurable.get(where);
    const from = queue?.[0];
    this.undurable.delete(where);
    if (from === undefined) return; // an earlier failure of this partition already went back
    this.options.logger.warn({ topic, partition, offset: String(from), err: error.message }, 'batch not committed; delivering it again');
    try {
      this.consumer.seek({ topic, partition, offset: String(from) });
    } catch (seekError) {
      this.options.logger.error({ err: (seekError as Error).message }, 'seek failed; the consumer restarts from its committed offsets');
    }
  }

  /**
   * Adds one partition's events to the next group commit and resolves when that group is
   * handled, with its `durable` when the handler gave one. Kafka hands out a partition's next
   * batch only after this one resolves, so per-partition order holds across commits.
   */
  private joinGroupCommit(events: ReceivedEvent[]): Promise<{ durable?: Promise<void> }> {
    // Wrapped: resolving with the promise itself would wait for it (a promise adopts a promise).
    return new Promise<{ durable?: Promise<void> }>((resolve, reject) => {
      this.pending.push({ events, done: (error, durable) => (error ? reject(error) : resolve(durable ? { durable } : {})) });
      if (!this.flushTimer && !this.flushing) this.flushTimer = setTimeout(() => void this.flush(), groupCommitWindowMs);
    });
  }

  private async flush(): Promise<void> {
    this.flushTimer = null;
    const group = this.pending;
    this.pending = [];
    if (group.length === 0) return;
    const all = group.flatMap((g) => g.events);
    this.flushing = (async () => {
      try {
        const handled = await withTrace(all[0]!.envelope.traceId, () => this.options.handleBatch(all, { partition: -1, topic: '*' }));
        for (const g of group) g.done(undefined, (handled as { durable?: Promise<void> } | undefined)?.durable);
      } catch (error) {
        for (const g of group) g.done(error);
      }
    })();
    await this.flushing;
    this.flushing = null;
    // Batches that arrived while this commit ran go next, at once.
    if (this.pending.length > 0) void this.flush();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.consumer.disconnect();
    if (this.options.ephemeralGroup) await this.deleteGroup();
  }

  /** Best effort: a group left behind costs the broker a little metadata until it expires, never correctness. */
  private async deleteGroup(): Promise<void> {
    const admin = this.options.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.options.groupId]);
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message, groupId: this.options.groupId }, 'could not delete this process\'s consumer group; the broker expires it later');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
