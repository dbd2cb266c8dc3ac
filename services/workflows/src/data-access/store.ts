/**
 * PostgreSQL side of the workflows service: the schedule of actions, the trees' issuers, the
 * parties' roles, webhook endpoints and deliveries. Claims use `FOR UPDATE SKIP LOCKED`, so any
 * number of worker processes can tick and work side by side without taking the same row.
 */
import type { Pool, PoolClient } from '@cascade/db';
import type { ActionKind, PlannedAction } from '../domain/planning.ts';

type Db = Pool | PoolClient;

export interface ActionRow {
  id: string;
  kind: ActionKind;
  dueAt: Date;
  payload: PlannedAction['payload'];
  state: 'pending' | 'enqueued' | 'done' | 'cancelled' | 'failed';
  attempts: number;
  outcome: string | null;
}

export interface EndpointRow {
  id: string;
  partyId: string;
  url: string;
  secretEnc: string;
  createdAt: Date;
}

export interface DeliveryRow {
  id: string;
  endpointId: string;
  partyId: string;
  eventId: string;
  eventType: string;
  body: string;
  state: 'pending' | 'enqueued' | 'delivering' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: Date;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export const claimBatchMax = 500;

export async function recordParty(db: Db, partyId: string, roles: string[]): Promise<void> {
  await db.query('INSERT INTO parties (party_id, roles) VALUES ($1, $2) ON CONFLICT (party_id) DO UPDATE SET roles = EXCLUDED.roles', [partyId, roles]);
}

export async function rolesOf(db: Db, partyId: string): Promise<string[] | undefined> {
  const { rows } = await db.query<{ roles: string[] }>('SELECT roles FROM parties WHERE party_id = $1', [partyId]);
  return rows[0]?.roles;
}

export async function recordTree(db: Db, rootId: string, issuer: string, maturityDate: string): Promise<void> {
  await db.query('INSERT INTO trees (root_id, issuer, maturity_date) VALUES ($1, $2, $3) ON CONFLICT (root_id) DO NOTHING', [rootId, issuer, maturityDate]);
}

export async function issuersOf(db: Db, rootIds: string[]): Promise<Map<string, string>> {
  if (rootIds.length === 0) return new Map();
  const { rows } = await db.query<{ root_id: string; issuer: string }>('SELECT root_id, issuer FROM trees WHERE root_id = ANY($1::uuid[])', [rootIds]);
  return new Map(rows.map((r) => [r.root_id, r.issuer]));
}

/** Plans actions; one already planned (same id) is left as it is. */
export async function planActions(db: Db, actions: PlannedAction[]): Promise<void> {
  if (actions.length === 0) return;
  await db.query(
    `INSERT INTO schedule (id, kind, due_at, payload) SELECT x.id, x.kind, x.due_at, x.payload FROM json_to_recordset($1::json) AS x(id text, kind text, due_at timestamptz, payload jsonb)
     ON CONFLICT (id) DO NOTHING`,
    [JSON.stringify(actions.map((a) => ({ id: a.id, kind: a.kind, due_at: a.dueAt.toISOString(), payload: a.payload })))],
  );
}

/**
 * Cancels actions an event made pointless, while they wait. One already handed to the queue is
 * left to run: it may be the very command that caused the event (an expiry whose answer is on its
 * way), and if not, the ledger's refusal of it reads as done (`outcomeOf`).
 */
export async function cancelActions(db: Db, ids: string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.query(`UPDATE schedule SET state = 'cancelled', done_at = $2, outcome = 'no longer needed' WHERE id = ANY($1::text[]) AND state = 'pending'`, [ids, at]);
}

/**
 * Actions due by `now` (the service's clock), and actions handed to the queue longer than
 * `staleMs` ago without an outcome (their job was lost with Redis, or their worker died): marked
 * enqueued now, returned to be queued.
 */
export async function claimDueActions(db: Db, now: Date, staleMs: number): Promise<{ id: string; kind: ActionKind }[]> {
  const { rows } = await db.query<{ id: string; kind: ActionKind }>(
    `UPDATE schedule SET state = 'enqueued', enqueued_at = $1
     WHERE id IN (
       SELECT id FROM schedule WHERE (state = 'pending' AND due_at <= $1) OR (state = 'enqueued' AND enqueued_at < $2)
       ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING id, kind`,
    [now, new Date(now.getTime() - staleMs), claimBatchMax],
  );
  return rows;
}

export async function actionById(db: Db, id: string): Promise<ActionRow | undefined> {
  const { rows } = await db.query<{ id: string; kind: ActionKind; due_at: Date; payload: ActionRow['payload']; state: ActionRow['state']; attempts: number; outcome: string | null }>(
    'SELECT id, kind, due_at, payload, state, attempts, outcome FROM schedule WHERE id = $1',
    [id],
  );
  const r = rows[0];
  return r && { id: r.id, kind: r.kind, dueAt: r.due_at, payload: r.payload, state: r.state, attempts: r.attempts, outcome: r.outcome };
}

export async function finishAction(db: Db, id: string, state: 'done' | 'failed', outcome: string, at: Date): Promise<void> {
  await db.query(`UPDATE schedule SET state = $2, outcome = $3, done_at = $4 WHERE id = $1 AND state = 'enqueued'`, [id, state, outcome.slice(0, 500), at]);
}

/** Plans the action again at `dueAt`, counting the attempt (the next command gets a new nonce). */
export async function retryActionAt(db: Db, id: string, dueAt: Date, outcome: string): Promise<void> {
  await db.query(`UPDATE schedule SET state = 'pending', due_at = $2, attempts = attempts + 1, command = NULL, outcome = $3 WHERE id = $1 AND state = 'enqueued'`, [id, dueAt, outcome.slice(0, 500)]);
}

/** The command of the action's current attempt: the one stored, or `make()`'s, stored now. */
/**
 * The command of attempt `attempt`, while that attempt is the action's current one and it is
 * handed to the queue; null when a newer attempt or an outcome overtook the caller (a job taken
 * back as stale that finally ran): it must then send nothing.
 */
export async function commandOfAttempt<C>(db: Db, id: string, attempt: number, make: () => C): Promise<C | null> {
  const current = `SELECT command FROM schedule WHERE id = $1 AND attempts = $2 AND state = 'enqueued'`;
  const { rows } = await db.query<{ command: C | null }>(current, [id, attempt]);
  if (rows.length === 0) return null;
  if (rows[0]!.command) return rows[0]!.command;
  await db.query(`UPDATE schedule SET command = $3 WHERE id = $1 AND attempts = $2 AND state = 'enqueued' AND command IS NULL`, [id, attempt, JSON.stringify(make())]);
  const again = await db.query<{ command: C | null }>(current, [id, attempt]);
  return again.rows[0]?.command ?? null;
}

export async function listActions(db: Db, q: { state?: string; limit: number }): Promise<ActionRow[]> {
  const { rows } = await db.query<{ id: string; kind: ActionKind; due_at: Date; payload: ActionRow['payload']; state: ActionRow['state']; attempts: number; outcome: string | null }>(
    `SELECT id, kind, due_at, payload, state, attempts, outcome FROM schedule WHERE ($1::text IS NULL OR state = $1) ORDER BY due_at LIMIT $2`,
    [q.state ?? null, q.limit],
  );
  return rows.map((r) => ({ id: r.id, kind: r.kind, dueAt: r.due_at, payload: r.payload, state: r.state, attempts: r.attempts, outcome: r.outcome }));
}

// Webhook endpoints and deliveries.

export const endpointsPerPartyMax = 10;

export async function createEndpoint(db: Db, e: EndpointRow): Promise<void> {
  await db.query('INSERT INTO webhook_endpoints (id, party_id, url, secret_enc, created_at) VALUES ($1, $2, $3, $4, $5)', [e.id, e.partyId, e.url, e.secretEnc, e.createdAt]);
}

const endpointOf = (r: { id: string; party_id: string; url: string; secret_enc: string; created_at: Date }): EndpointRow => ({ id: r.id, partyId: r.party_id, url: r.url, secretEnc: r.secret_enc, createdAt: r.created_at });

export async function endpointsOf(db: Db, partyIds: string[]): Promise<EndpointRow[]> {
  if (partyIds.length === 0) return [];
  const { rows } = await db.query<{ id: string; party_id: string; url: string; secret_enc: string; created_at: Date }>(
    'SELECT id, party_id, url, secret_enc, created_at FROM webhook_endpoints WHERE party_id = ANY($1::text[]) AND deleted_at IS NULL ORDER BY created_at, id',
    [partyIds],
  );
  return rows.map(endpointOf);
}

export async function endpointById(db: Db, id: string): Promise<EndpointRow | undefined> {
  const { rows } = await db.query<{ id: string; party_id: string; url: string; secret_enc: string; created_at: Date }>('SELECT id, party_id, url, secret_enc, created_at FROM webhook_endpoints WHERE id = $1 AND deleted_at IS NULL', [id]);
  return rows[0] && endpointOf(rows[0]);
}

export async function deleteEndpoint(db: Db, id: string, partyId: string, at: Date): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE webhook_endpoints SET deleted_at = $3 WHERE id = $1 AND party_id = $2 AND deleted_at IS NULL', [id, partyId, at]);
  return (rowCount ?? 0) > 0;
}

export async function insertDeliveries(db: Db, rows: { id: string; endpointId: string; partyId: string; eventId: string; eventType: string; body: string; nextAttemptAt: Date }[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO webhook_deliveries (id, endpoint_id, party_id, event_id, event_type, body, next_attempt_at)
     SELECT x.id, x.endpoint_id, x.party_id, x.event_id, x.event_type, x.body, x.next_attempt_at
     FROM json_to_recordset($1::json) AS x(id text, endpoint_id uuid, party_id text, event_id uuid, event_type text, body text, next_attempt_at timestamptz)
     ON CONFLICT (id) DO NOTHING`,
    [JSON.stringify(rows.map((r) => ({ id: r.id, endpoint_id: r.endpointId, party_id: r.partyId, event_id: r.eventId, event_type: r.eventType, body: r.body, next_attempt_at: r.nextAttemptAt.toISOString() })))],
  );
}

/** Deliveries due by `now`, and ones stuck (queued or delivering) longer than `staleMs`. */
export async function claimDueDeliveries(db: Db, now: Date, staleMs: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE webhook_deliveries SET state = 'enqueued', enqueued_at = $1
     WHERE id IN (
       SELECT id FROM webhook_deliveries
       WHERE (state = 'pending' AND next_attempt_at <= $1) OR (state IN ('enqueued', 'delivering') AND enqueued_at < $2)
       ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING id`,
    [now, new Date(now.getTime() - staleMs), claimBatchMax],
  );
  return rows.map((r) => r.id);
}

const deliveryOf = (r: Record<string, any>): DeliveryRow => ({
  id: r.id,
  endpointId: r.endpoint_id,
  partyId: r.party_id,
  eventId: r.event_id,
  eventType: r.event_type,
  body: r.body,
  state: r.state,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastStatus: r.last_status,
  lastError: r.last_error,
  deliveredAt: r.delivered_at,
  createdAt: r.created_at,
});

/** Takes a queued delivery for one attempt; undefined when another worker has it or it is done. */
/** Takes an enqueued delivery for one attempt; the stale clock restarts, so a job that waited long in the queue is not taken back mid-POST. */
export async function startDelivery(db: Db, id: string, at: Date): Promise<DeliveryRow | undefined> {
  const { rows } = await db.query(`UPDATE webhook_deliveries SET state = 'delivering', enqueued_at = $2 WHERE id = $1 AND state = 'enqueued' RETURNING *`, [id, at]);
  return rows[0] && deliveryOf(rows[0]);
}

export async function deliverySucceeded(db: Db, id: string, status: number, at: Date): Promise<void> {
  await db.query(`UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, last_status = $2, last_error = NULL, delivered_at = $3 WHERE id = $1 AND state = 'delivering'`, [id, status, at]);
}

export async function deliveryFailed(db: Db, id: string, result: { status: number | null; error: string; next: Date | null }): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries SET state = CASE WHEN $4::timestamptz IS NULL THEN 'dead' ELSE 'pending' END, attempts = attempts + 1,
       last_status = $2, last_error = $3, next_attempt_at = coalesce($4::timestamptz, next_attempt_at)
     WHERE id = $1 AND state = 'delivering'`,
    [id, result.status, result.error.slice(0, 500), result.next],
  );
}

export async function listDeliveries(db: Db, q: { partyId: string | null; state?: string; after?: string; limit: number }): Promise<DeliveryRow[]> {
  const { rows } = await db.query(
    `SELECT * FROM webhook_deliveries WHERE ($1::text IS NULL OR party_id = $1) AND ($2::text IS NULL OR state = $2) AND ($3::text IS NULL OR id > $3) ORDER BY id LIMIT $4`,
    [q.partyId, q.state ?? null, q.after ?? null, q.limit],
  );
  return rows.map(deliveryOf);
}

/** A dead (or any undelivered) delivery of the party, tried again from its first attempt now. */
export async function replayDelivery(db: Db, id: string, partyId: string | null, at: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    // A dead delivery starts its attempts again; a pending one is only brought forward (its
    // attempts still count towards the dead list, so replaying cannot keep it trying forever).
    `UPDATE webhook_deliveries SET state = 'pending', attempts = CASE WHEN state = 'dead' THEN 0 ELSE attempts END, next_attempt_at = $3, last_error = NULL
     WHERE id = $1 AND ($2::text IS NULL OR party_id = $2) AND state IN ('dead', 'pending')`,
    [id, partyId, at],
  );
  return (rowCount ?? 0) > 0;
}
