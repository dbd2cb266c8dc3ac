/**
 * Creating topics in tests, whichever broker is underneath: the librdkafka mock has no CreateTopics
 * API (topics are made through the launcher's control port), real Kafka has one (kafkajs admin).
 */
import net from 'node:net';
import { Kafka, logLevel, type Admin } from 'kafkajs';

export interface TopicSpec {
  name: string;
  partitions: number;
}

export interface TopicAdmin {
  /** Creates missing topics; existing ones must already have the requested partition count. */
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  close(): Promise<void>;
}

const topicNamePattern = /^[A-Za-z0-9._-]{1,200}$/;

function validate(topics: TopicSpec[]): void {
  for (const t of topics) {
    if (!topicNamePattern.test(t.name) || t.name === '.' || t.name === '..') {
      throw new Error(`invalid topic name ${JSON.stringify(t.name)} (allowed: [A-Za-z0-9._-]{1,200})`);
    }
    if (!Number.isInteger(t.partitions) || t.partitions < 1 || t.partitions > 256) {
      throw new Error(`topic ${t.name}: partitions must be an integer 1..256, got ${t.partitions}`);
    }
  }
}

function splitHostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  const port = Number(address.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65_535) throw new Error(`invalid address ${address}`);
  return { host: address.slice(0, i), port };
}

/**
 * Sends request lines to the launcher's control port over one connection and returns one reply
 * line per request (the launcher answers requests in order).
 */
export function mockControlRequest(control: string, lines: string[], timeoutMs = 10_000): Promise<string[]> {
  const { host, port } = splitHostPort(control);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const replies: string[] = [];
    let buffered = '';
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(replies);
    };
    const timer = setTimeout(() => finish(new Error(`kafka-mock control ${control}: no reply within ${timeoutMs} ms`)), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(lines.map((l) => `${l}\n`).join('')));
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        replies.push(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
      if (replies.length >= lines.length) finish();
    });
    socket.on('error', (err) => finish(new Error(`kafka-mock control ${control}: ${err.message}`)));
    socket.on('close', () => {
      if (replies.length < lines.length) finish(new Error(`kafka-mock control ${control}: connection closed after ${replies.length}/${lines.length} replies`));
    });
    if (lines.length === 0) finish();
  });
}

/** Talks to the mock launcher's control port (`create <topic> <partitions>`). */
export class MockTopicAdmin implements TopicAdmin {
  constructor(private readonly control: string) {}

  async ping(): Promise<void> {
    const [reply] = await mockControlRequest(this.control, ['ping']);
    if (reply !== 'ok') throw new Error(`kafka-mock control ${this.control}: ping answered ${reply}`);
  }

  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    validate(topics);
    if (topics.length === 0) return;
    const replies = await mockControlRequest(
      this.control,
      topics.map((t) => `create ${t.name} ${t.partitions}`),
    );
    const failures = topics
      .map((t, i) => ({ t, reply: replies[i] ?? 'err no reply' }))
      .filter((r) => r.reply !== 'ok')
      .map((r) => `${r.t.name}: ${r.reply.replace(/^err /, '')}`);
    if (failures.length > 0) throw new Error(`kafka-mock: creating topics failed: ${failures.join('; ')}`);
  }

  async close(): Promise<void> {
    // One connection per call: nothing held open.
  }
}

export interface KafkaTopicAdminOptions {
  /** Replication factor for new topics (default 1: test clusters have one broker). */
  replicationFactor?: number;
  clientId?: string;
  timeoutMs?: number;
}

/** Real Kafka: kafkajs admin CreateTopics, waiting for partition leaders. */
export class KafkaTopicAdmin implements TopicAdmin {
  private readonly admin: Admin;
  private connected: Promise<void> | undefined;

  constructor(
    brokers: string[],
    private readonly options: KafkaTopicAdminOptions = {},
  ) {
    const kafka = new Kafka({
      clientId: options.clientId ?? 'cascade-topic-admin',
      brokers,
      // Failures reach the caller as errors; a lost creation race is expected and handled below.
      logLevel: logLevel.NOTHING,
      retry: { retries: 5, initialRetryTime: 100 },
    });
    this.admin = kafka.admin();
  }

  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    validate(topics);
    if (topics.length === 0) return;
    this.connected ??= this.admin.connect();
    await this.connected;
    const existing = new Set(await this.admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      try {
        await this.admin.createTopics({
          waitForLeaders: true,
          timeout: this.options.timeoutMs ?? 30_000,
          topics: missing.map((t) => ({
            topic: t.name,
            numPartitions: t.partitions,
            replicationFactor: this.options.replicationFactor ?? 1,
          })),
        });
      } catch (err) {
        // A concurrent creator won the race: fine as long as the partition counts agree (checked
        // below). A broker under load may also answer the creation's own wait for leaders with
        // "does not host this topic-partition" while the new topic's metadata spreads: the
        // topics exist, and the check below waits for their leaders.
        const errors = (err as { errors?: { type?: string }[] }).errors;
        const allExist = Array.isArray(errors) && errors.length > 0 && errors.every((e) => e.type === 'TOPIC_ALREADY_EXISTS');
        if (!allExist && !isUnknownTopicOrPartition(err)) throw err;
      }
    }
    await this.awaitPartitions(topics);
  }

  /** Until every topic has its partitions, each with a leader (or the timeout: then the last mismatch is the error). */
  private async awaitPartitions(topics: TopicSpec[]): Promise<void> {
    const deadline = Date.now() + (this.options.timeoutMs ?? 30_000);
    for (let wait = 50; ; wait = Math.min(1_000, wait * 2)) {
      let mismatches: string[];
      try {
        const metadata = await this.admin.fetchTopicMetadata({ topics: topics.map((t) => t.name) });
        mismatches = [];
        for (const t of topics) {
          const found = metadata.topics.find((m) => m.name === t.name);
          const count = found?.partitions.length ?? 0;
          if (count !== t.partitions) mismatches.push(`${t.name} has ${count} partitions, wanted ${t.partitions}`);
          else if (found!.partitions.some((p) => p.leader < 0)) mismatches.push(`${t.name} has a partition without a leader`);
        }
      } catch (err) {
        if (!isUnknownTopicOrPartition(err)) throw err;
        mismatches = [`not every topic is known yet: ${(err as Error).message}`];
      }
      if (mismatches.length === 0) return;
      // A partition count that disagrees is an answer, not a delay.
      if (mismatches.some((m) => m.includes('wanted')) && !mismatches.some((m) => m.includes(' has 0 partitions'))) throw new Error(`kafka: ${mismatches.join('; ')}`);
      if (Date.now() > deadline) throw new Error(`kafka: ${mismatches.join('; ')}`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }


  async close(): Promise<void> {
    if (this.connected) {
      this.connected = undefined;
      await this.admin.disconnect();
    }
  }
}

function isUnknownTopicOrPartition(err: unknown): boolean {
  const e = err as { type?: string; cause?: { type?: string } } | null;
  return e?.type === 'UNKNOWN_TOPIC_OR_PARTITION' || e?.cause?.type === 'UNKNOWN_TOPIC_OR_PARTITION';
}

/** The mock's control port when there is one, else the broker's own CreateTopics API. */
export function topicAdminFor(target: { bootstrap: string[]; control?: string | undefined }): TopicAdmin {
  return target.control ? new MockTopicAdmin(target.control) : new KafkaTopicAdmin(target.bootstrap);
}
