/**
 * The transactional outbox (producer side of exactly-once effect).
 *
 * `appendToOutbox` is called with the client of the transaction that changes state, so an event
 * exists if and only if its state change committed. `OutboxRelay` publishes unpublished rows in
 * order and stamps them; a crash between publishing and stamping republishes the same envelopes
 * (same ids), which consumers' inboxes absorb. Only one relay per schema publishes at a time (a
 * PostgreSQL advisory lock), so several service instances never reorder a key's events.
 */
import type { Logger } from '@cascade/logging';
import { envelopeHeaders, envelopeSizeBytesMax, type EncodedMessage, type Envelope } from '@cascade/events';
import type { Pool, PoolClient } from './pool.ts';

export interface OutboxMessage {
  topic: string;
  envelope: Envelope;
}

export const outboxNotifyChannel = 'cascade_outbox';

/** Anything that can check an envelope against its schema (an EventCatalog). */
export interface EnvelopeCheck {
  assertValid(envelope: unknown): void;
}

/**
 * Appends events in the caller's transaction. Envelopes are validated here, before the state
 * change commits: an invalid event must stop its transaction, not reach the outbox, where it would
 * block the relay on every round.
 */
/** An envelope over the size limit, refused when appended: the relay could never publish it. */
export class OutboxEnvelopeTooLargeError extends Error {
  constructor(type: string, bytes: number) {
    super(`a ${type} envelope of ${bytes} bytes is over the limit of ${envelopeSizeBytesMax}: it would block the relay forever`);
    this.name = 'OutboxEnvelopeTooLargeError';
  }
}

/** An outbox row as stored: the envelope's text, checked and measured. */
export interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  envelope: string;
}

/**
 * The rows `messages` become: each envelope validated when `check` is given, serialised once and
 * refused over the size limit. For a writer that inserts them itself (in a statement of its own).
 */
export function outboxRows(messages: OutboxMessage[], check?: EnvelopeCheck): OutboxRow[] {
  return messages.map((m) => {
    check?.assertValid(m.envelope);
    const envelope = JSON.stringify(m.envelope);
    // Length counts UTF-16 units; only a text that could be over the limit is measured in bytes.
    if (envelope.length * 3 > envelopeSizeBytesMax) {
      const bytes = Buffer.byteLength(envelope);
      if (bytes > envelopeSizeBytesMax) throw new OutboxEnvelopeTooLargeError(m.envelope.type, bytes);
    }
    return { id: m.envelope.id, topic: m.topic, key: m.envelope.key, envelope };
  });
}

export async function appendToOutbox(client: PoolClient, messages: OutboxMessage[], check?: EnvelopeCheck): Promise<void> {
  if (messages.length === 0) return;
  const rows = outboxRows(messages, check);
  const ids = rows.map((r) => r.id);
  const topicNames = rows.map((r) => r.topic);
  const keys = rows.map((r) => r.key);
  const bodies = rows.map((r) => r.envelope);
  await client.query(
    `INSERT INTO outbox (id, topic, key, envelope)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])`,
    [ids, topicNames, keys, bodies],
  );
  // Delivered on commit only; wakes the relay without waiting for its poll.
  await client.query(`SELECT pg_notify($1, '')`, [outboxNotifyChannel]);
}

/** Publishes rows the outbox already validated, as stored (an EventProducer). */
export interface Publisher {
  sendEncoded(messages: EncodedMessage[]): Promise<void>;
}

/**
 * The Kafka headers of a stored envelope, read from the start of its text: envelopes are
 * serialised with `data` last (makeEnvelope), so the type and trace id come before it and the
 * relay need not parse, and serialise again, every event it publishes. Anything else is parsed.
 */
function headersOfStored(text: string): Record<string, string> {
  const head = text.slice(0, Math.max(0, text.indexOf(',"data":')));
  const type = /^\{"id":"[^"]*","type":"([A-Za-z][A-Za-z0-9.]{0,99})"/.exec(head)?.[1];
  const traceId = /,"traceId":"([A-Za-z0-9-]{8,64})"$/.exec(head)?.[1];
  if (type !== undefined && traceId !== undefined) return envelopeHeaders({ type, traceId });
  return envelopeHeaders(JSON.parse(text) as Envelope);
}

export interface OutboxRelayOptions {
  pool: Pool;
  publisher: Publisher;
  logger: Logger;
  /** Rows published per round trip to Kafka. */
  batchSizeMax?: number;
  /** How often the relay looks for rows when no notification arrives. */
  pollIntervalMs?: number;
  /**
   * Name of the advisory lock that makes one relay the publisher of this outbox. Services that
   * share a database must each use their own (the schema name), or only one of them publishes.
   */
  lockName: string;
  /**
   * How long published rows are kept so a lost Kafka record can be re-published from here; older
   * ones are deleted by the relay, a bounded number at a time.
   */
  retentionMs?: number;
  /** Test hook: called after a batch is sent and before it is stamped. */
  afterSend?: (count: number) => Promise<void>;
}

export const relayBatchSizeMaxDefault = 1_000;
export const relayPollIntervalMsDefault = 250;
export const relayBackoffMsMax = 5_000;
export const outboxRetentionMsDefault = 7 * 24 * 60 * 60 * 1000;
export const pruneEveryMs = 60_000;
export const pruneRowsMax = 10_000;

export class OutboxRelay {
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private listener: PoolClient | null = null;
  private lockHolder: PoolClient | null = null;
  published = 0;

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    if (this.loop) return;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  /** Deletes up to `pruneRowsMax` published rows older than the retention; returns how many. */
  async prune(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - (this.options.retentionMs ?? outboxRetentionMsDefault));
    const { rowCount } = await this.options.pool.query(
      `DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE published_at IS NOT NULL AND published_at < $1 ORDER BY seq LIMIT $2)`,
      [cutoff, pruneRowsMax],
    );
    return rowCount ?? 0;
  }

  /** Publishes everything unpublished now; returns how many rows it published. */
  async drainOnce(): Promise<number> {
    const { pool, publisher } = this.options;
    const batchSizeMax = this.options.batchSizeMax ?? relayBatchSizeMaxDefault;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ seq: string; topic: string; key: string; envelope: string }>(
        `SELECT seq, topic, key, envelope FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSizeMax],
      );
      if (rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      await publisher.sendEncoded(rows.map((r) => ({ topic: r.topic, key: r.key, value: Buffer.from(r.envelope, 'utf8'), headers: headersOfStored(r.envelope) })));
      await this.options.afterSend?.(rows.length);
      await client.query(`UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[])`, [rows.map((r) => r.seq)]);
      await client.query('COMMIT');
      this.published += rows.length;
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async run(): Promise<void> {
    const { pool, logger } = this.options;
    let backoffMs = 100;
    let prunedAt = 0;
    while (!this.stopped) {
      try {
        if (!this.lockHolder) {
          const holder = await pool.connect();
          const { rows } = await holder.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`cascade-outbox:${this.options.lockName}`]);
          if (!rows[0]?.ok) {
            holder.release();
            await this.sleep(this.options.pollIntervalMs ?? relayPollIntervalMsDefault);
            continue;
          }
          this.lockHolder = holder;
          this.listener = holder;
          holder.on('notification', () => this.wake?.());
          // The lock lives and dies with this connection: if it breaks, stop publishing until
          // the lock is taken again, or two relays could publish side by side out of order.
          holder.on('error', (error) => {
            if (this.lockHolder !== holder) return;
            logger.warn({ err: error.message }, 'outbox relay lost its lock connection');
            this.lockHolder = null;
            this.listener = null;
            holder.release(error);
          });
          await holder.query(`LISTEN ${outboxNotifyChannel}`);
        }
        const n = await this.drainOnce();
        backoffMs = 100;
        if (Date.now() - prunedAt > pruneEveryMs) {
          prunedAt = Date.now();
          await this.prune();
        }
        if (n === 0) await this.sleep(this.options.pollIntervalMs ?? relayPollIntervalMsDefault);
      } catch (error) {
        logger.warn({ err: (error as Error).message, backoffMs }, 'outbox relay round failed; retrying');
        await this.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, relayBackoffMsMax);
      }
    }
    if (this.lockHolder) {
      await this.lockHolder.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      this.lockHolder.release();
      this.lockHolder = null;
      this.listener = null;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
