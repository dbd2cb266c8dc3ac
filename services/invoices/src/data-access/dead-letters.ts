/** Messages from Kafka the service could not use, parked in its own table with the reason. */
import { createHash } from 'node:crypto';
import type { Queryable } from './rows.ts';

/** How much of a parked message's value is kept (the whole is named by its SHA-256). */
export const deadLetterValueBytesMax = 64 * 1024;

export interface DeadLetter {
  reason: string;
  detail: string;
  topic: string;
  partition: number;
  offset: string;
  value: Buffer;
}

export async function parkDeadLetter(q: Queryable, d: DeadLetter, at: Date): Promise<void> {
  await q.query(
    `INSERT INTO dead_letters (reason, detail, topic, partition, "offset", sha256, value_base64, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [d.reason, d.detail.slice(0, 1000), d.topic, d.partition, d.offset, createHash('sha256').update(d.value).digest('hex'), d.value.subarray(0, deadLetterValueBytesMax).toString('base64'), at],
  );
}

export async function deadLetters(q: Queryable, limit = 100): Promise<{ reason: string; detail: string; topic: string; offset: string }[]> {
  const { rows } = await q.query<{ reason: string; detail: string; topic: string; offset: string }>('SELECT reason, detail, topic, "offset" FROM dead_letters ORDER BY id LIMIT $1', [limit]);
  return rows;
}
