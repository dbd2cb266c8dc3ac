/**
 * A client of the ledger's Kafka contract, as the gateway speaks it: signed commands go to
 * `ledger.commands` keyed by root voucher id (issue: by issuer) and results come back on
 * `ledger.results`. Used by the demo, the benchmark and the crash test.
 */
import type { Kafka } from 'kafkajs';
import { signCommand, type PrivateKey, type Signature } from '@cascade/crypto';
import { BatchConsumer, EventProducer, makeEnvelope, prefixedTopics, signFact, type Envelope } from '@cascade/events';
import type { Logger } from '@cascade/logging';
import type { CommandResult } from './application/batch.ts';
import { publishCatalog } from './catalog.ts';

export interface SignedSubmission {
  command: { type: string; chain: string; actor: string; nonce: string; createdAt: string; payload: Record<string, unknown> };
  signatures: Signature[];
  /** The Kafka message key: the root voucher id, or the issuer for an issue. */
  key: string;
}

export function signSubmission(command: SignedSubmission['command'], keys: PrivateKey[], key: string): SignedSubmission {
  return { command, signatures: keys.map((k) => signCommand(command, k)), key };
}

export class LedgerKafkaClient {
  private readonly producer: EventProducer;
  private readonly consumer: BatchConsumer;
  private readonly waiters = new Map<string, ((r: CommandResult) => void)[]>();
  /** Every result seen, by `actor:nonce`, in arrival order (replays and republished ones included). */
  readonly results = new Map<string, CommandResult[]>();
  private readonly topics;

  /**
   * @param options.fromBeginning read the results topic from its start (a new group sees every
   * result ever published: right for a test or a demo, wasteful for a long-lived process, which
   * passes false and sees the results of what it sends after it started).
   */
  constructor(kafka: Kafka, options: { topicPrefix?: string; groupId: string; logger: Logger; onResult?: (r: CommandResult, envelope: Envelope) => void; fromBeginning?: boolean }) {
    this.topics = prefixedTopics(options.topicPrefix ?? '');
    this.producer = new EventProducer(kafka, publishCatalog());
    this.consumer = new BatchConsumer({
      kafka,
      groupId: options.groupId,
      topics: [this.topics.ledgerResults.name],
      catalog: publishCatalog(),
      logger: options.logger,
      sessionTimeoutMs: 6_000,
      fromBeginning: options.fromBeginning ?? true,
      handleBatch: async (events) => {
        for (const e of events) {
          const r = e.envelope.data as CommandResult;
          const k = r.actor && r.nonce ? `${r.actor}:${r.nonce}` : r.submissionId;
          this.results.set(k, [...(this.results.get(k) ?? []), r]);
          options.onResult?.(r, e.envelope);
          const ws = this.waiters.get(k);
          if (ws) {
            this.waiters.delete(k);
            for (const w of ws) w(r);
          }
        }
      },
    });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.start();
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
    await this.producer.disconnect();
  }

  /** Sends submissions (in order per key); returns their result keys. */
  async send(submissions: SignedSubmission[]): Promise<string[]> {
    await this.producer.send(
      submissions.map((s) => ({
        topic: this.topics.ledgerCommands.name,
        envelope: makeEnvelope('ledger-client', { type: 'CommandSubmitted', key: s.key, data: { command: s.command, signatures: s.signatures } }),
      })),
    );
    return submissions.map((s) => `${s.command.actor}:${s.command.nonce}`);
  }

  /** Resolves with the first result for `resultKey`, or rejects after `timeoutMs`. */
  result(resultKey: string, timeoutMs = 30_000): Promise<CommandResult> {
    const seen = this.results.get(resultKey);
    if (seen?.[0]) return Promise.resolve(seen[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no result for ${resultKey} within ${timeoutMs} ms`)), timeoutMs);
      const list = this.waiters.get(resultKey) ?? [];
      list.push((r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.waiters.set(resultKey, list);
    });
  }

  async sendAndWait(submission: SignedSubmission, timeoutMs?: number): Promise<CommandResult> {
    const [k] = await this.send([submission]);
    return this.result(k!, timeoutMs);
  }

  /**
   * Publishes a PayableConfirmed fact as the invoices service does: signed with the invoices
   * service key the genesis names, for the ledger of `chain` (`@cascade/events` facts.ts).
   */
  async confirmPayable(fact: { payableId: string; debtor: string; creditor: string; amount: string; invoices: string[] }, signer: { chain: string; key: PrivateKey }): Promise<void> {
    const data = signFact(signer.chain, 'PayableConfirmed', fact, signer.key);
    await this.producer.send([{ topic: this.topics.invoicesEvents.name, envelope: makeEnvelope('invoices', { type: 'PayableConfirmed', key: fact.debtor, data }) }]);
  }
}
