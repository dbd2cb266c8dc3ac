/**
 * The ledger's Kafka intake: signed commands from `ledger.commands` and payable facts from
 * `invoices.events`, consumed by one consumer group so that batches reach the single writer one
 * at a time, in partition order. A batch that fails to commit is not acknowledged; Kafka
 * redelivers it and stored results make the retry idempotent.
 */
import type { Kafka } from 'kafkajs';
import { BatchConsumer } from '@cascade/events';
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
}

export function createIntake(options: IntakeOptions): BatchConsumer {
  return new BatchConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [options.commandsTopic, options.invoicesTopic],
    catalog: intakeCatalog(),
    logger: options.logger,
    sessionTimeoutMs: options.sessionTimeoutMs,
    // Other invoices events share the topic; they are not for the ledger.
    ignoreUnknownTypes: true,
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
      const outcome = await options.writer.processBatch(submissions);
      options.onBatch?.(outcome, submissions.length, performance.now() - started);
    },
  });
}
