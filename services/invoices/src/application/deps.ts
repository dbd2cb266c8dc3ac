/**
 * What the invoices use cases run with, built once by the composition root (definition.ts) or a
 * test: the pool, the clock, the chain and fact-signing key from the genesis, the four-flow
 * floor, and where events go. Also the outbox helper every use case writes its events with.
 */
import type { Pool, PoolClient } from '@cascade/db';
import { appendToOutbox } from '@cascade/db';
import type { PrivateKey } from '@cascade/crypto';
import { EventCatalog, invoicesPublishedSpecs, makeEnvelope, type InvoicesEventName } from '@cascade/events';
import type { Logger } from '@cascade/logging';
import type { Clock } from '../domain/index.ts';

export const producerName = 'invoices';

export interface InvoicesDeps {
  pool: Pool;
  clock: Clock;
  logger: Logger;
  /** The ledger's chain id (genesis): commands and facts are bound to it. */
  chain: string;
  /** The invoices service key the genesis names in `services.invoices`: it signs PayableConfirmed. */
  signingKey: PrivateKey;
  /** The lowest four-flow score a payable may be confirmed with (0–100). */
  fourFlowScoreMin: number;
  /** How old a signed command's createdAt may be. */
  commandAgeMaxMs: number;
  /** The topic events go to (`invoices.events`, prefixed in tests). */
  eventsTopic: string;
  catalog: EventCatalog;
}

/** How far ahead of this service's clock a command's createdAt may be. */
export const commandClockSkewMsMax = 5 * 60 * 1000;
/** Default for INVOICES_COMMAND_AGE_MAX_MS: the ledger's own bound on a command's age. */
export const commandAgeMaxMsDefault = 24 * 60 * 60 * 1000;

/** What the use cases that only store and publish need (the CLI runs them without the fact key). */
export type StoreDeps = Pick<InvoicesDeps, 'pool' | 'clock' | 'logger' | 'eventsTopic' | 'catalog'>;

export function invoicesCatalog(): EventCatalog {
  return new EventCatalog(invoicesPublishedSpecs);
}

export interface OutgoingEvent {
  type: InvoicesEventName;
  /** The debtor or buyer: one enterprise's events stay in order in one partition. */
  key: string;
  data: Record<string, unknown>;
}

/** Appends events to the outbox in the caller's transaction, validated against their schemas. */
export async function publish(deps: StoreDeps, client: PoolClient, events: OutgoingEvent[]): Promise<void> {
  const occurredAt = deps.clock();
  await appendToOutbox(
    client,
    events.map((e) => ({ topic: deps.eventsTopic, envelope: makeEnvelope(producerName, { type: e.type, key: e.key, data: e.data, occurredAt }) })),
    deps.catalog,
  );
}
