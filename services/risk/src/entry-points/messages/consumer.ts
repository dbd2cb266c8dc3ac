/**
 * The risk service's one consumer: ledger.events and invoices.events, in one group. Each
 * partition's part of a fetched batch is applied in one transaction: the events are claimed in
 * the inbox first (a redelivered
 * event is skipped), then each is applied under its own savepoint. An event whose application
 * fails — a rule refuses it, or its data breaks an assumption — is rolled back alone, parked
 * with its reason (parked_events, counted, logged) and skipped: it is never retried, and it never
 * holds up the others. Only a failure of the transaction itself (the database gone) makes the
 * batch come again, and then the inbox makes the retry harmless. (The savepoints are taken only
 * when a partition's events did not all apply straight through: see applyPartition.)
 */
import type { Kafka, KafkaMessage } from 'kafkajs';
import { claimEvents, withTransaction, type Pool, type PoolClient } from '@cascade/db';
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

/**
 * Partitions of one fetch applied side by side, each in its own transaction. Kafka orders events
 * within a partition only (a tree, a party, a debtor each have one), so the partitions of a fetch
 * are independent; applying them one after another would bound the service at one database round
 * trip at a time.
 */
export const partitionsAppliedConcurrentlyMax = 4;

type BatchOptions = Pick<RiskConsumerOptions, 'pool' | 'ctx' | 'logger' | 'topics' | 'onApplied' | 'onParked'>;

export async function applyBatch(options: BatchOptions, events: readonly ReceivedEvent[]): Promise<void> {
  const relevant = events.filter((e) => wanted(e, options.topics));
  if (relevant.length === 0) return;
  const byPartition = new Map<string, ReceivedEvent[]>();
  for (const e of relevant) {
    const key = `${e.topic}\u0000${e.partition}`;
    byPartition.set(key, [...(byPartition.get(key) ?? []), e]);
  }
  const groups = [...byPartition.values()];
  // A group that fails for want of the database fails the whole call, so the batch comes again;
  // the groups that committed are then skipped by the inbox.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < groups.length) await applyPartition(options, groups[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(partitionsAppliedConcurrentlyMax, groups.length) }, worker));
}

/**
 * One partition's events in one transaction. The first attempt applies them straight through; if
 * any fails, the transaction is rolled back and the events are applied again one savepoint each,
 * so only the failing ones are parked. Savepoints cost two round trips an event, paid only when
 * something is wrong.
 */
async function applyPartition(options: BatchOptions, events: readonly ReceivedEvent[]): Promise<void> {
  try {
    await withTransaction(options.pool, (c) => applyEvents(c, options, events, false));
  } catch (error) {
    if (!(error instanceof EventFailed)) throw error;
    await withTransaction(options.pool, (c) => applyEvents(c, options, events, true));
  }
}

/** An event failed on the straight-through attempt (its error is kept for the log). */
class EventFailed extends Error {}

/**
 * Whether a failure is the event's own fault (park it) rather than the moment's (retry the batch):
 * a refusal, a defect its data exposes (a JS error), or PostgreSQL refusing its data (SQLSTATE
 * classes 22, data exception, and 23, integrity). A deadlock, a serialization failure, a timeout or
 * a lost connection says nothing about the event, so parking it would lose it.
 */
export function isEventFault(error: unknown): boolean {
  if (error instanceof ParkedEvent) return true;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code.startsWith('22') || code.startsWith('23');
  return !(error instanceof Error && /ECONN|ETIMEDOUT|EPIPE|Connection terminated|timeout/i.test(`${(error as { code?: string }).code ?? ''} ${error.message}`));
}

async function applyEvents(c: PoolClient, options: BatchOptions, events: readonly ReceivedEvent[], guarded: boolean): Promise<void> {
  const fresh = await claimEvents(c, inboxConsumerName, events.map((e) => e.envelope.id));
  const applied: string[] = [];
  for (const e of events) {
    if (!fresh.has(e.envelope.id)) continue;
    fresh.delete(e.envelope.id); // the same id twice in one batch is applied once
    if (guarded) await c.query('SAVEPOINT risk_event');
    try {
      const data = e.envelope.data as Record<string, unknown>;
      if (e.topic === options.topics.ledgerEvents) await handleLedgerEvent(c, options.ctx, e.envelope.type, data);
      else await applyInvoicesEvent(c, options.ctx, e.envelope.type, data, e.envelope.occurredAt);
      if (guarded) await c.query('RELEASE SAVEPOINT risk_event');
      applied.push(e.envelope.type);
    } catch (error) {
      if (!isEventFault(error)) throw error;
      if (!guarded) throw new EventFailed(error instanceof Error ? error.message : String(error));
      await c.query('ROLLBACK TO SAVEPOINT risk_event');
      const reason = error instanceof ParkedEvent ? error.reason : 'applyFailed';
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      options.logger.warn({ topic: e.topic, partition: e.partition, offset: e.offset, type: e.envelope.type, eventId: e.envelope.id, reason, err: detail }, 'event parked');
      await parkEvent(c, { eventId: e.envelope.id, topic: e.topic, partition: e.partition, offset: e.offset, type: e.envelope.type, reason, detail });
      options.onParked?.(reason);
    }
  }
  // Counted by the attempt that is kept: a straight-through attempt that failed is redone.
  for (const type of applied) options.onApplied?.(type);
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
