/**
 * Request/reply with the ledger over Kafka. Commands go to ledger.commands through a lingering
 * batcher, as Kafka's own producers send: the first command starts a short timer
 * (`producerLingerMs`), everything that arrives meanwhile joins it, and the whole batch leaves in
 * one produce request (kafkajs groups it per partition). A full batch leaves at once. The ledger
 * decides in batches too, so this is what keeps its throughput up under many small requests.
 *
 * Results: every gateway process reads all of ledger.results with a consumer group of its own
 * (`<prefix>-<instance>`, from the latest offset), and wakes the requests it is waiting on; a
 * result for a command another process sent is simply not waited for here. This needs no change
 * to the ledger and no reply-routing scheme, at the cost of each process reading every result
 * (cheap: one small message per command). A request that waits past `commandWaitMs` is answered
 * 202 with the command's URL; the result is then read from the ledger's stored results.
 */
import type { Kafka } from 'kafkajs';
import { BatchConsumer, ephemeralGroupId, EventCatalog, EventProducer, ledgerPublishedSpecs, makeEnvelope, type Envelope } from '@cascade/events';
import type { Logger } from '@cascade/logging';

export interface LedgerResult {
  submissionId: string;
  actor: string | null;
  nonce: string | null;
  status: 'accepted' | 'refused';
  seq?: number;
  opId?: string;
  blockHeight?: number;
  events?: unknown[];
  eventsOmitted?: boolean;
  problem?: { type: string; title: string; status: number; code: string; detail?: string };
  replayed?: boolean;
}

interface Queued {
  envelope: Envelope;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Produce requests in flight at once; a batch beyond waits for one to finish. */
export const producerRequestsInFlightMax = 4;
/** Requests waiting for their result in one process; past it a request is answered 202 at once. */
export const resultWaitersMax = 100_000;

export class LedgerLink {
  private readonly producer: EventProducer;
  private readonly consumer: BatchConsumer;
  private queue: Queued[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private readonly waiters = new Map<string, ((r: LedgerResult) => void)[]>();
  private waiting = 0;
  /** Batches sent and commands in them, for /metrics. */
  readonly stats = { batches: 0, commands: 0 };

  constructor(
    kafka: Kafka,
    private readonly options: { commandsTopic: string; resultsTopic: string; groupPrefix: string; lingerMs: number; batchSizeMax: number; logger: Logger },
  ) {
    // No catalog check at send: every command was validated against its route's schema (the
    // envelope and the payload, stricter than the intake's CommandSubmitted schema) and the
    // envelope is made by makeEnvelope, so checking again would only spend the hot path's CPU.
    this.producer = new EventProducer(kafka, null);
    this.consumer = new BatchConsumer({
      kafka,
      groupId: ephemeralGroupId(options.groupPrefix),
      topics: [options.resultsTopic],
      catalog: new EventCatalog(ledgerPublishedSpecs.filter((s) => s.type === 'CommandDecided')),
      logger: options.logger,
      ignoreUnknownTypes: true,
      fromBeginning: false,
      ephemeralGroup: true,
      sessionTimeoutMs: 10_000,
      handleBatch: async (events) => {
        for (const e of events) this.deliver(e.envelope.data as LedgerResult);
      },
    });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.start();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.flush();
    await this.consumer.stop();
    await this.producer.disconnect();
  }

  progress() {
    return this.consumer.progress();
  }

  /** Resolves once Kafka has the command (acks from all in-sync replicas); rejects if it could not be sent. */
  submit(key: string, data: { command: unknown; signatures: unknown[] }): Promise<void> {
    const envelope = makeEnvelope('gateway', { type: 'CommandSubmitted', key, data });
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ envelope, resolve, reject });
      if (this.queue.length >= this.options.batchSizeMax) void this.flush();
      else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.options.lingerMs);
    });
  }

  private async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.queue.length === 0 || this.inFlight >= producerRequestsInFlightMax) return;
    const batch = this.queue.splice(0, this.options.batchSizeMax);
    this.inFlight += 1;
    try {
      await this.producer.send(batch.map((q) => ({ topic: this.options.commandsTopic, envelope: q.envelope })));
      this.stats.batches += 1;
      this.stats.commands += batch.length;
      for (const q of batch) q.resolve();
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message, commands: batch.length }, 'could not send commands to the ledger');
      for (const q of batch) q.reject(error as Error);
    } finally {
      this.inFlight -= 1;
      // What queued up while this request was out goes next.
      if (this.queue.length > 0 && !this.timer) this.timer = setTimeout(() => void this.flush(), this.queue.length >= this.options.batchSizeMax ? 0 : this.options.lingerMs);
    }
  }

  /**
   * Waits for the result of (actor, nonce) up to `timeoutMs`; undefined when it did not come.
   * Call before submitting, so a fast result cannot be missed; `cancel` drops the waiter.
   */
  waitFor(actor: string, nonce: string, timeoutMs: number): { result: Promise<LedgerResult | undefined>; cancel: () => void } {
    const key = `${actor}:${nonce}`;
    if (this.waiting >= resultWaitersMax || timeoutMs <= 0) return { result: Promise.resolve(undefined), cancel: () => undefined };
    let done: (r: LedgerResult | undefined) => void = () => undefined;
    let timer: NodeJS.Timeout | undefined;
    const wake = (r: LedgerResult) => done(r);
    const remove = () => {
      const list = this.waiters.get(key);
      if (!list) return;
      const i = list.indexOf(wake);
      if (i >= 0) {
        list.splice(i, 1);
        this.waiting -= 1;
      }
      if (list.length === 0) this.waiters.delete(key);
    };
    const result = new Promise<LedgerResult | undefined>((resolve) => {
      done = (r) => {
        clearTimeout(timer);
        remove();
        resolve(r);
      };
      timer = setTimeout(() => done(undefined), timeoutMs);
    });
    const list = this.waiters.get(key) ?? [];
    list.push(wake);
    this.waiters.set(key, list);
    this.waiting += 1;
    return { result, cancel: () => done(undefined) };
  }

  private deliver(r: LedgerResult): void {
    if (!r.actor || !r.nonce) return;
    const list = this.waiters.get(`${r.actor}:${r.nonce}`);
    if (!list) return;
    for (const wake of [...list]) wake(r);
  }
}
