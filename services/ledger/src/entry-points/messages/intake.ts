/**
 * The ledger's Kafka intake: signed commands from `ledger.commands` and payable facts from
 * `invoices.events`, consumed by one consumer group so that batches reach the single writer one
 * at a time, in partition order. A batch that fails to commit is not acknowledged; Kafka
 * redelivers it and stored results make the retry idempotent.
 */
import { createHash } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { parseJsonStrict } from '@cascade/crypto';
import { BatchConsumer, EventValidationError, makeEnvelope, verifyFact, type ConsumerProgress, type EventProducer, type InvalidEventReason } from '@cascade/events';
import type { Logger } from '@cascade/logging';
import type { Submission } from '../../application/batch.ts';
import type { BatchOutcome, LedgerWriter } from '../../application/writer.ts';
import { intakeCatalog } from '../../catalog.ts';

export interface IntakeOptions {
  kafka: Kafka;
  writer: LedgerWriter;
  logger: Logger;
  groupId: string;
  commandsTopic: string;
  invoicesTopic: string;
  sessionTimeoutMs?: number;
  /** How many partitions' batches one writer transaction may take (group commit). */
  partitionsTogether?: number;
  /** Observes every committed batch (metrics, tests). */
  onBatch?: (outcome: BatchOutcome, size: number, elapsedMs: number) => void;
  /** The ledger's chain id and the invoices service's key: a payable fact must be signed by it. */
  facts: { chain: string; invoicesKey: { keyId: string; alg: 'ed25519' | 'sm2'; publicKey: string } };
  /** Where messages the intake cannot read are parked (`ledger.deadletter`). */
  deadLetter: { producer: EventProducer; topic: string; onParked?: (reason: InvalidEventReason) => void };
}

/** How much of a dead-lettered message's value is kept (the whole is named by its SHA-256). */
export const deadLetterValueBytesMax = 64 * 1024;
const deadLetterKeyBytesMax = 1024;

/**
 * Parks a message that is not a valid event on the dead-letter topic, with why and where it came
 * from, before its offset moves on: nothing the ledger was sent vanishes with only a log line.
 */
async function park(options: IntakeOptions, message: KafkaMessage, error: Error, where: { topic: string; partition: number }): Promise<void> {
  const value = message.value ?? Buffer.alloc(0);
  const reason: InvalidEventReason = error instanceof EventValidationError ? error.reason : 'notAnEnvelope';
  const key = message.key ? message.key.subarray(0, deadLetterKeyBytesMax).toString('base64') : null;
  const data = {
    reason,
    detail: error.message.slice(0, 1000),
    topic: where.topic,
    partition: where.partition,
    offset: message.offset,
    sizeBytes: value.length,
    sha256: createHash('sha256').update(value).digest('hex'),
    keyBase64: key,
    valueBase64: value.subarray(0, deadLetterValueBytesMax).toString('base64'),
    valueTruncated: value.length > deadLetterValueBytesMax,
  };
  await options.deadLetter.producer.send([{ topic: options.deadLetter.topic, envelope: makeEnvelope('ledger', { type: 'MessageDeadLettered', key: `${where.topic}:${where.partition}`, data }) }]);
  options.logger.warn({ reason, topic: where.topic, partition: where.partition, offset: message.offset, sizeBytes: value.length }, 'message dead-lettered');
  options.deadLetter.onParked?.(reason);
}

/**
 * The intake's readiness: not ready when input has waited longer than `stallMs` without being
 * decided and committed (the writer is stuck: PostgreSQL down, or a defect), however healthy the
 * connections look.
 */
export function intakeStallProblem(progress: ConsumerProgress, stallMs: number, nowMs = Date.now()): string | null {
  if (progress.deadBecause !== null) return progress.deadBecause;
  if (progress.oldestPendingSinceMs === null) return null;
  const waitedMs = nowMs - progress.oldestPendingSinceMs;
  if (waitedMs <= stallMs) return null;
  return `input has waited ${Math.round(waitedMs / 1000)} s without being committed (limit ${Math.round(stallMs / 1000)} s); ${progress.lagMessages} messages behind`;
}

export function createIntake(options: IntakeOptions): BatchConsumer {
  const invoicesKey = { ...options.facts.invoicesKey, publicKey: Buffer.from(options.facts.invoicesKey.publicKey, 'hex') };
  return new BatchConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [options.commandsTopic, options.invoicesTopic],
    catalog: intakeCatalog(),
    logger: options.logger,
    sessionTimeoutMs: options.sessionTimeoutMs,
    // Other invoices events share the topic; they are not for the ledger.
    ignoreUnknownTypes: true,
    // Signed content: JSON.parse would keep the last of duplicate keys, so the object decided and
    // the bytes a signer saw could differ. Duplicate keys are refused (dead-lettered) here.
    parseJson: (text) => parseJsonStrict(text),
    // Kafka here has no authentication: a payable fact counts only when the invoices service
    // signed it (its key is in the genesis). Anything else is a forgery, parked and counted.
    admit: (envelope, where) => {
      if (envelope.type !== 'PayableConfirmed' || where.topic !== options.invoicesTopic) return;
      if (!verifyFact(options.facts.chain, envelope.type, envelope.data as Record<string, unknown>, invoicesKey)) {
        throw new EventValidationError(`PayableConfirmed ${String((envelope.data as { payableId?: unknown }).payableId)} is not signed by the invoices service key ${options.facts.invoicesKey.keyId}`, null, 'factSignatureInvalid');
      }
    },
    onInvalid: (message, error, where) => park(options, message, error, where),
    // One writer transaction per fetch across all partitions, not one per partition.
    partitionsTogether: options.partitionsTogether ?? 16,
    handleBatch: async (events) => {
      const started = performance.now();
      const submissions: Submission[] = events.flatMap((e): Submission[] => {
        const data = e.envelope.data as Record<string, unknown>;
        // A fact is trusted without a signature only when it comes from the invoices service's
        // own topic; the same event type sent to ledger.commands is a forgery, not a fact.
        if (e.envelope.type === 'PayableConfirmed') {
          if (e.topic === options.invoicesTopic) return [{ kind: 'fact', submissionId: e.envelope.id, fact: data }];
          options.logger.warn({ topic: e.topic, envelopeId: e.envelope.id }, 'PayableConfirmed outside invoices.events ignored');
          return [];
        }
        if (e.topic !== options.commandsTopic) return [];
        return [{ kind: 'command', submissionId: e.envelope.id, command: data.command, signatures: data.signatures }];
      });
      if (submissions.length === 0) return;
      // Decided now; committed behind the batches before it. The consumer commits these offsets
      // only once `durable` settles, and has them delivered again if it fails.
      const { outcome, durable } = await options.writer.decideBatch(submissions);
      void durable.then(() => options.onBatch?.(outcome, submissions.length, performance.now() - started), () => undefined);
      return { durable };
    },
  });
}
