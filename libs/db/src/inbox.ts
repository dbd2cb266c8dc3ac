/**
 * The inbox (consumer side of exactly-once effect): a consumer claims event ids in the same
 * transaction that applies them. A claim that finds the id already recorded returns false, and
 * the caller skips the event, so redelivery never applies anything twice.
 */
import type { PoolClient } from './pool.ts';

/** Returns the subset of `eventIds` not processed before by `consumer`, now recorded. */
export async function claimEvents(client: PoolClient, consumer: string, eventIds: string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const { rows } = await client.query<{ event_id: string }>(
    `INSERT INTO inbox (consumer, event_id)
     SELECT $1, unnest($2::uuid[])
     ON CONFLICT DO NOTHING
     RETURNING event_id`,
    [consumer, eventIds],
  );
  return new Set(rows.map((r) => r.event_id));
}
