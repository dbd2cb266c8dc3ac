/**
 * The consumer of ledger.events: each batch in one transaction (the inbox takes every event once),
 * planning actions and deliveries. A message that is not a valid ledger event is skipped with a
 * warning and counted, never retried: it cannot become valid by trying again.
 */
import type { Kafka } from 'kafkajs';
import client from 'prom-client';
import { BatchConsumer, EventCatalog, ledgerPublishedSpecs } from '@cascade/events';
import { applyLedgerEvents, type WorkflowsDeps } from '../../application/workflows.ts';

export function ledgerEventsConsumer(deps: WorkflowsDeps, options: { kafka: Kafka; groupId: string; topic: string; registry: client.Registry }): BatchConsumer {
  const skipped = new client.Counter({ name: 'cascade_workflows_events_skipped_total', help: 'messages on ledger.events that were not valid ledger events', labelNames: ['reason'], registers: [options.registry] });
  return new BatchConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [options.topic],
    catalog: new EventCatalog(ledgerPublishedSpecs),
    logger: deps.logger,
    ignoreUnknownTypes: true,
    onInvalid: (_message, error) => void skipped.inc({ reason: (error as { reason?: string }).reason ?? 'invalid' }),
    handleBatch: async (events) => {
      await applyLedgerEvents(
        deps,
        events.map((e) => ({ id: e.envelope.id, type: e.envelope.type, occurredAt: e.envelope.occurredAt, data: e.envelope.data as Record<string, unknown> })),
      );
    },
  });
}
