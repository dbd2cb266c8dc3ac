/**
 * The event types the ledger publishes and consumes. The schemas are the ledger's public contract
 * and live in @cascade/events; this module binds them to the domain's types, so an event added to
 * the domain without a schema (or a schema without an event) fails the type check.
 */
import { EventCatalog, ledgerEventSchemas, ledgerIntakeSpecs, ledgerPublishedSpecs, type LedgerEventName } from '@cascade/events';
import type { LedgerEventType } from './domain/index.ts';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const eventsHaveSchemas: Same<LedgerEventType, LedgerEventName> = true;
void eventsHaveSchemas;
void ledgerEventSchemas;

/** What the ledger may publish (validated before anything leaves). */
export function publishCatalog(): EventCatalog {
  return new EventCatalog([...ledgerPublishedSpecs, ...ledgerIntakeSpecs]);
}

/** What the ledger's intake accepts. */
export function intakeCatalog(): EventCatalog {
  return new EventCatalog(ledgerIntakeSpecs);
}
