/**
 * What the risk service's use cases need, wired once in definition.ts: the active scorecard, the
 * policies, the fact key, the clock, and the outbox its events go to (in the caller's
 * transaction, so an event exists if and only if its state change committed).
 */
import { appendToOutbox, type PoolClient } from '@cascade/db';
import { makeEnvelope, type EventCatalog, type RiskEventName } from '@cascade/events';
import type { Logger } from '@cascade/logging';
import type { FactKey } from '../config.ts';
import type { AssessmentPolicy } from '../domain/assessment.ts';
import type { Scorecard } from '../domain/scorecard.ts';
import type { WarningPolicy } from '../domain/warnings.ts';
import type { Db } from '../data-access/platform-view.ts';
import type { RegistryLookup } from './registry.ts';

export interface RiskContext {
  /** The risk.events topic (prefixed in tests). */
  topic: string;
  catalog: EventCatalog;
  card: Scorecard;
  policy: AssessmentPolicy;
  warnings: WarningPolicy;
  factKey: FactKey | null;
  now: () => Date;
  logger: Logger;
  /** The financing registry search, from the workflows service (absent: not asked). */
  registry?: RegistryLookup;
}

export const producerName = 'risk';

export async function emit(db: Db, ctx: RiskContext, type: RiskEventName, key: string, data: Record<string, unknown>, occurredAt?: Date): Promise<void> {
  await appendToOutbox(db as PoolClient, [{ topic: ctx.topic, envelope: makeEnvelope(producerName, { type, key, data, occurredAt: occurredAt ?? ctx.now() }) }], ctx.catalog);
}
