/**
 * Events the consumer sets aside: parts of a split event waiting for the rest, and events it
 * could not apply (kept with the reason, so an operator can see them; never retried).
 */
import type { Db } from './platform-view.ts';

export async function storePart(db: Db, p: { type: string; groupKey: string; index: number; count: number; data: Record<string, unknown> }): Promise<Record<string, unknown>[] | null> {
  await db.query(
    `INSERT INTO event_parts (type, group_key, part_index, part_count, data) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [p.type, p.groupKey, p.index, p.count, JSON.stringify(p.data)],
  );
  const { rows } = await db.query<{ part_index: number; data: Record<string, unknown> }>(
    'SELECT part_index, data FROM event_parts WHERE type = $1 AND group_key = $2 ORDER BY part_index',
    [p.type, p.groupKey],
  );
  if (rows.length < p.count) return null;
  await db.query('DELETE FROM event_parts WHERE type = $1 AND group_key = $2', [p.type, p.groupKey]);
  return rows.map((r) => r.data);
}

/** Detail kept per parked event (characters). */
export const parkedDetailCharsMax = 2_000;

export async function parkEvent(db: Db, p: { eventId: string | null; topic: string; partition: number; offset: string; type: string | null; reason: string; detail: string }): Promise<void> {
  await db.query(
    `INSERT INTO parked_events (event_id, topic, "partition", "offset", type, reason, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [p.eventId, p.topic, p.partition, p.offset, p.type, p.reason, p.detail.slice(0, parkedDetailCharsMax)],
  );
}

export async function parkedEvents(db: Db, limit: number): Promise<{ id: string; eventId: string | null; topic: string; partition: number; offset: string; type: string | null; reason: string; detail: string; parkedAt: string }[]> {
  const { rows } = await db.query<{ id: string; event_id: string | null; topic: string; partition: number; offset: string; type: string | null; reason: string; detail: string; parked_at: Date }>(
    'SELECT * FROM parked_events ORDER BY id DESC LIMIT $1',
    [limit],
  );
  return rows.map((r) => ({ id: r.id, eventId: r.event_id, topic: r.topic, partition: r.partition, offset: r.offset, type: r.type, reason: r.reason, detail: r.detail, parkedAt: r.parked_at.toISOString() }));
}
