/**
 * The consumer of ledger.events and ledger.results: decode and validate (the ledger's schemas),
 * skip types the service does not use, park what cannot be read, hand each batch to the
 * application in one call (`applyLedgerEvents`: inbox, savepoints, dead letters).
 */
import type { Kafka } from 'kafkajs';
import { BatchConsumer, EventCatalog, EventValidationError, ledgerPublishedSpecs } from '@cascade/events';
import type { InvoicesDeps } from '../../application/deps.ts';
import { applyLedgerEvents, consumedLedgerEventTypes } from '../../application/ledger-events.ts';
import { parkDeadLetter } from '../../data-access/dead-letters.ts';

export function ledgerEventsCatalog(): EventCatalog {
  const wanted = new Set<string>(consumedLedgerEventTypes);
  return new EventCatalog(ledgerPublishedSpecs.filter((s) => wanted.has(s.type)));
}

export interface LedgerConsumerOptions {
  kafka: Kafka;
  deps: InvoicesDeps;
  groupId: string;
  topics: { events: string; results: string };
  sessionTimeoutMs?: number;
  onParked?: (reason: string) => void;
}

export function createLedgerConsumer(options: LedgerConsumerOptions): BatchConsumer {
  const { deps } = options;
  return new BatchConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [options.topics.events, options.topics.results],
    catalog: ledgerEventsCatalog(),
    logger: deps.logger,
    sessionTimeoutMs: options.sessionTimeoutMs,
    // BlockSealed, VoucherTransferred and the rest share these topics; they are not for us.
    ignoreUnknownTypes: true,
    onInvalid: async (message, error, where) => {
      const reason = error instanceof EventValidationError ? error.reason : 'notAnEnvelope';
      await parkDeadLetter(deps.pool, { reason, detail: error.message, topic: where.topic, partition: where.partition, offset: message.offset, value: message.value ?? Buffer.alloc(0) }, deps.clock());
      options.onParked?.(reason);
    },
    handleBatch: (events) => applyLedgerEvents(deps, events, options.onParked),
  });
}
