/**
 * The risk service's one consumer: ledger.events and invoices.events, in one group. Each fetched
 * batch is applied in one transaction: the events are claimed in the inbox first (a redelivered
 * event is skipped), then each is applied under its own savepoint. An event whose application
 * fails — a rule refuses it, or its data breaks an assumption — is rolled back alone, parked
 * with its reason (parked_events, counted, logged) and skipped: it is never retried, and it never
 * holds up the others. Only a failure of the transaction itself (the database gone) makes the
 * batch come again, and then the inbox makes the retry harmless.
 */
import type { Kafka, KafkaMessage } from 'kafkajs';
import { claimEvents, withTransaction, type Pool } from '@cascade/db';
import { BatchConsumer, EventCatalog, EventValidationError, ledgerPublishedSpecs, type ConsumerProgress, type ReceivedEvent } from '@cascade/events';
import type { Logger } from '@cascade/logging';
import type { RiskContext } from '../../application/context.ts';
import { parkEvent } from '../../data-access/parking.ts';
import { applyInvoicesEvent, invoicesConsumedSpecs } from './invoices-events.ts';
import { handleLedgerEvent, ledgerTypesApplied } from './ledger-events.ts';
import { ParkedEvent } from './parked.ts';

export const inboxConsumerName = 'risk-events';
const invoicesTypesApplied = new Set(invoicesConsumedSpecs.map((s) => s.type));

export interface RiskConsumerOptions {
  kafka: Kafka;
  pool: Pool;
  ctx: RiskContext;
  logger: Logger;
  groupId: string;
  topics: { ledgerEvents: string; invoicesEvents: string };
  sessionTimeoutMs?: number;
  onApplied?: (type: string) => void;
  onParked?: (reason: string) => void;
}

export function consumedCatalog(): EventCatalog {
  return new EventCatalog([...ledgerPublishedSpecs, ...invoicesConsumedSpecs]);
}

function wanted(e: ReceivedEvent, topics: RiskConsumerOptions['topics']): boolean {
  if (e.topic === topics.ledgerEvents) return ledgerTypesApplied.has(e.envelope.type);
  if (e.topic === topics.invoicesEvents) return invoicesTypesApplied.has(e.envelope.type);
  return false;
}

export async function applyBatch(options: Pick<RiskConsumerOptions, 'pool' | 'ctx' | 'logger' | 'topics' | 'onApplied' | 'onParked'>, events: readonly ReceivedEvent[]): Promise<void> {
  const relevant = events.filter((e) => wanted(e, options.topics));
  if (relevant.length === 0) return;
  await withTransaction(options.pool, async (c) => {
    const fresh = await claimEvents(c, inboxConsumerName, relevant.map((e) => e.envelope.id));
    for (const e of relevant) {
      if (!fresh.has(e.envelope.id)) continue;
      fresh.delete(e.envelope.id); // the same id twice in one batch is applied once
      await c.query('SAVEPOINT risk_event');
      try {
        const data = e.envelope.data as Record<string, unknown>;
        if (e.topic === options.topics.ledgerEvents) await handleLedgerEvent(c, options.ctx, e.envelope.type, data);
        else await applyInvoicesEvent(c, options.ctx, e.envelope.type, data, e.envelope.occurredAt);
        await c.query('RELEASE SAVEPOINT risk_event');
        options.onApplied?.(e.envelope.type);
      } catch (error) {
        await c.query('ROLLBACK TO SAVEPOINT risk_event');
        const reason = error instanceof ParkedEvent ? error.reason : 'applyFailed';
        const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        options.logger.warn({ topic: e.topic, partition: e.partition, offset: e.offset, type: e.envelope.type, eventId: e.envelope.id, reason, err: detail }, 'event parked');
        await parkEvent(c, { eventId: e.envelope.id, topic: e.topic, partition: e.partition, offset: e.offset, type: e.envelope.type, reason, detail });
        options.onParked?.(reason);
      }
    }
  });
}

export function createRiskConsumer(options: RiskConsumerOptions): BatchConsumer {
  return new BatchConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [options.topics.ledgerEvents, options.topics.invoicesEvents],
    catalog: consumedCatalog(),
    logger: options.logger,
    sessionTimeoutMs: options.sessionTimeoutMs,
    ignoreUnknownTypes: true,
    partitionsTogether: 16,
    onInvalid: async (message: KafkaMessage, error: Error, where) => {
      const reason = error instanceof EventValidationError ? error.reason : 'notAnEnvelope';
      await parkEvent(options.pool, { eventId: null, topic: where.topic, partition: where.partition, offset: message.offset, type: message.headers?.['event-type']?.toString() ?? null, reason, detail: error.message });
      options.onParked?.(reason);
    },
    handleBatch: (events) => applyBatch(options, events),
  });
}

/** Why the consumer is not keeping up, or null: dead, or input waiting longer than `stallMs`. */
export function consumerStallProblem(progress: ConsumerProgress, stallMs: number, nowMs = Date.now()): string | null {
  if (progress.deadBecause !== null) return progress.deadBecause;
  if (progress.oldestPendingSinceMs === null) return null;
  const waited = nowMs - progress.oldestPendingSinceMs;
  return waited > stallMs ? `events have waited ${Math.round(waited / 1000)} s without being applied (limit ${Math.round(stallMs / 1000)} s)` : null;
}
