/**
 * PostgreSQL side of the ledger: loads the state and the chain head, finds stored results, and
 * commits a batch plan in one transaction. Nothing here decides anything.
 */
import { genesisPrevHash, type HashAlg, type SealedBlock } from '@cascade/chain';
import { outboxNotifyChannel, outboxRows, type EnvelopeCheck, type OutboxMessage, type Pool } from '@cascade/db';
import { eventDataBytesMax, makeEnvelope, splitEventData, splittableEventLists, topics, type Envelope } from '@cascade/events';
import { Amount } from '@cascade/money';
import type { CreditLine, Party, PartyKey, Payable, Voucher } from '../domain/entities.ts';
import type { LedgerPolicy } from '../domain/policy.ts';
import { MemoryLedgerState } from '../domain/state.ts';
import { balanceKey, type BatchPlan, type ChainHead, type CommandResult, type HeldFact, type OperationRecord, type StoredResult } from '../application/batch.ts';
import type { LedgerStore, WriterLock } from '../application/ports.ts';
import { publishCatalog } from '../catalog.ts';
import { emptyStateDigest } from '../application/state-digest.ts';

export interface LedgerTopics {
  results: string;
  events: string;
}

export const defaultLedgerTopics: LedgerTopics = { results: topics.ledgerResults.name, events: topics.ledgerEvents.name };
export const producerName = 'ledger';

/** Statuses of a voucher that still carries value (the complement of closed: settled or dead). */
const liveStatusesSql = `status NOT IN ('settled', 'consumed', 'rejected', 'revoked', 'cancelled')`;

/**
 * The state rows, in memory. With `liveOnly`, closed trees (every voucher settled or dead) stay
 * in PostgreSQL — only their roots' payment references are loaded, since every settlement checks
 * them — and `loadTrees` brings one back when a command names it.
 */
export async function loadState(pool: Pool, options: { liveOnly?: boolean } = {}): Promise<MemoryLedgerState> {
  const state = new MemoryLedgerState();
  const voucherQuery = options.liveOnly
    ? `SELECT data FROM vouchers v WHERE EXISTS (SELECT 1 FROM vouchers l WHERE l.root_id = v.root_id AND l.${liveStatusesSql}) ORDER BY created_seq, (data->>'createdAt'), voucher_id`
    : `SELECT data FROM vouchers ORDER BY created_seq, (data->>'createdAt'), voucher_id`;
  const [policy, parties, keys, payables, lines, vouchers] = await Promise.all([
    pool.query<{ data: LedgerPolicy }>('SELECT data FROM policy WHERE id = 1'),
    pool.query<{ data: Party }>('SELECT data FROM parties'),
    pool.query<{ data: PartyKey }>('SELECT data FROM party_keys ORDER BY (data->>\'addedAt\'), key_id'),
    pool.query<{ data: Payable }>('SELECT data FROM payables'),
    pool.query<{ data: CreditLine }>('SELECT data FROM credit_lines'),
    // Creation order keeps each parent's children list in the order the domain created them.
    pool.query<{ data: Voucher }>(voucherQuery),
  ]);
  if (policy.rows[0]) state.putPolicy(policy.rows[0].data);
  for (const r of parties.rows) state.putParty(r.data);
  for (const r of keys.rows) state.putKey(r.data);
  for (const r of payables.rows) state.putPayable(r.data);
  for (const r of lines.rows) state.putCreditLine(r.data);
  for (const r of vouchers.rows) state.putVoucher(r.data);
  if (options.liveOnly) {
    const refs = await pool.query<{ issuer: string; refs: string[] }>(
      // (NOT) EXISTS, not (NOT) IN: a NOT IN over half a million roots outgrows work_mem and is
      // then re-run per row — minutes at a million vouchers.
      `SELECT v.issuer, ARRAY(SELECT jsonb_array_elements_text(v.data->'paymentReferences')) AS refs FROM vouchers v
       WHERE v.parent_id IS NULL AND jsonb_array_length(v.data->'paymentReferences') > 0
         AND NOT EXISTS (SELECT 1 FROM vouchers l WHERE l.root_id = v.root_id AND l.${liveStatusesSql})`,
    );
    for (const r of refs.rows) for (const ref of r.refs) state.paymentReferences.add(`${r.issuer}\u0000${ref}`);
  }
  state.takeDirty();
  return state;
}

/** Every voucher of the trees that hold any of these voucher ids, in creation order. */
export async function loadTrees(pool: Pool, voucherIds: readonly string[]): Promise<Voucher[]> {
  if (voucherIds.length === 0) return [];
  const { rows } = await pool.query<{ data: Voucher }>(
    `SELECT data FROM vouchers WHERE root_id IN (SELECT root_id FROM vouchers WHERE voucher_id = ANY($1::uuid[]))
     ORDER BY created_seq, (data->>'createdAt'), voucher_id`,
    [voucherIds],
  );
  return rows.map((r) => r.data);
}

/** Every account's balance in fen, keyed as `balanceKey` does. */
export async function loadBalances(pool: Pool): Promise<Map<string, bigint>> {
  const { rows } = await pool.query<{ account: string; currency: string; amount: string }>('SELECT account, currency, amount::text FROM balances');
  return new Map(rows.map((r) => [balanceKey(r.account, r.currency), Amount.parseSigned(r.amount).toFen()]));
}

/** Payable facts held for a party not yet registered, oldest first. */
export async function loadHeldFacts(pool: Pool): Promise<Map<string, HeldFact>> {
  const { rows } = await pool.query<{ payable_id: string; submission_id: string; fact: unknown; reason: string; held_at: Date }>(
    'SELECT payable_id, submission_id, fact, reason, held_at FROM held_facts ORDER BY held_at, payable_id',
  );
  return new Map(rows.map((r) => [r.payable_id, { payableId: r.payable_id, submissionId: r.submission_id, fact: r.fact, reason: r.reason, heldAt: r.held_at.toISOString() }]));
}

export async function loadHead(pool: Pool, hashAlg: HashAlg): Promise<ChainHead> {
  const { rows } = await pool.query<{ height: string; hash: string; last_seq: string; header: string }>('SELECT height, hash, last_seq, header FROM blocks ORDER BY height DESC LIMIT 1');
  const top = rows[0];
  if (!top) return { height: -1, hash: genesisPrevHash(hashAlg), lastSeq: 0, stateDigest: emptyStateDigest(hashAlg) };
  const stateDigest = (JSON.parse(top.header) as { stateDigest?: string }).stateDigest;
  if (stateDigest === undefined) throw new Error(`block ${top.height} carries no state digest: this database was written by a ledger from before state digests`);
  return { height: Number(top.height), hash: top.hash, lastSeq: Number(top.last_seq), stateDigest };
}

/** Loads the nonces already committed for these (actor, nonce) pairs into the state and returns stored results. */
export async function loadStoredResults(pool: Pool, pairs: { actor: string; nonce: string }[], state: MemoryLedgerState): Promise<Map<string, StoredResult>> {
  const out = new Map<string, StoredResult>();
  if (pairs.length === 0) return out;
  const { rows } = await pool.query<{ actor: string; nonce: string; command_hash: string; result: string }>(
    `SELECT r.actor, r.nonce, r.command_hash, r.result FROM command_results r
     JOIN unnest($1::text[], $2::text[]) AS q(actor, nonce) ON r.actor = q.actor AND r.nonce = q.nonce`,
    [pairs.map((p) => p.actor), pairs.map((p) => p.nonce)],
  );
  for (const r of rows) out.set(`${r.actor}\u0000${r.nonce}`, { commandHash: r.command_hash, result: JSON.parse(r.result) as CommandResult });
  // Facts and commands whose result was not stored still own their nonce in the log.
  const ops = await pool.query<{ actor: string; nonce: string }>(
    `SELECT o.actor, o.nonce FROM operations o JOIN unnest($1::text[], $2::text[]) AS q(actor, nonce) ON o.actor = q.actor AND o.nonce = q.nonce`,
    [pairs.map((p) => p.actor), pairs.map((p) => p.nonce)],
  );
  for (const r of ops.rows) state.recordNonce(r.actor, r.nonce);
  state.takeDirty();
  return out;
}

function eventKey(data: Record<string, unknown>): string {
  const v = data.voucher as { rootId?: string } | undefined;
  const key = (data.rootId as string | undefined) ?? v?.rootId ?? (data.partyId as string | undefined) ?? (data.issuer as string | undefined) ?? (data.debtor as string | undefined);
  return key ?? 'ledger';
}

export function outboxMessagesOf(plan: BatchPlan, t: LedgerTopics, now: Date): OutboxMessage[] {
  const messages: OutboxMessage[] = [];
  for (const op of plan.operations) {
    for (const e of op.events) {
      // An event that lists every leaf of a large tree is published in parts (splitEventData).
      for (const data of splitEventData(e.type, e.data as Record<string, unknown>)) {
        messages.push({ topic: t.events, envelope: makeEnvelope(producerName, { type: e.type, key: eventKey(data), data, occurredAt: now }) });
      }
    }
  }
  if (plan.block) {
    messages.push({ topic: t.events, envelope: makeEnvelope(producerName, { type: 'BlockSealed', key: 'chain', data: { ...plan.block }, occurredAt: now }) });
  }
  for (const result of plan.published) {
    const key = result.actor && result.nonce ? `${result.actor}:${result.nonce}` : result.submissionId;
    // A result repeats its events for the submitter's convenience; when they would not fit, it
    // says so and the submitter reads them on ledger.events.
    // Only events with lists that grow with a tree can make a result large: measure just those.
    const mayBeLarge = result.events?.some((e) => e.type in splittableEventLists) ?? false;
    const data = mayBeLarge && Buffer.byteLength(JSON.stringify(result)) > eventDataBytesMax ? { ...result, events: [], eventsOmitted: true } : result;
    messages.push({ topic: t.results, envelope: makeEnvelope(producerName, { type: 'CommandDecided', key: key.slice(0, 200), data, occurredAt: now }) as Envelope });
  }
  return messages;
}

/**
 * Commits a batch plan as ONE statement: a chain of data-modifying CTEs, each reading its rows
 * from a JSON parameter of its own (parsed once). A single statement is a transaction of its own, so the batch's
 * operations, results, state rows, postings, balances, held facts, block and outbox rows commit
 * together or not at all, in one round trip — where one statement per table cost a dozen, and
 * pg's array parameters escaped every character of the JSON they carried.
 */
export async function commitPlan(pool: Pool, plan: BatchPlan, t: LedgerTopics, now: Date, checkEvents?: EnvelopeCheck): Promise<void> {
  const outbox = outboxRows(outboxMessagesOf(plan, t, now), checkEvents);
  const r = plan.rows;
  const createdSeq = new Map<string, number>();
  for (const o of plan.operations) for (const id of o.voucherIds) if (!createdSeq.has(id)) createdSeq.set(id, o.record.seq);
  const rows = {
    ops: plan.operations.map((o) => ({
      seq: o.record.seq,
      op_id: o.record.opId,
      kind: o.record.kind,
      type: o.type,
      actor: o.actor,
      nonce: o.nonce,
      root_id: o.rootId,
      record: o.recordText ?? JSON.stringify(o.record),
      leaf_hash: o.leafHash,
      committed_at: o.record.committedAt,
    })),
    vops: plan.operations.flatMap((o) => o.voucherIds.map((id) => ({ voucher_id: id, seq: o.record.seq }))),
    results: plan.storedResults.map((r) => ({ actor: r.actor, nonce: r.nonce, command_hash: r.commandHash, accepted: r.result.status === 'accepted', result: JSON.stringify(r.result), op_seq: r.result.seq ?? null })),
    policy: r.policy === null ? [] : [r.policy],
    parties: r.parties,
    keys: r.keys,
    payables: r.payables,
    lines: r.creditLines,
    vouchers: r.vouchers.map((v) => ({ v, s: createdSeq.get(v.voucherId) ?? 0 })),
    postings: plan.operations.flatMap((o) => o.postings.map((p, i) => ({ seq: o.record.seq, idx: i, account: p.account, currency: p.currency, amount: p.amount }))),
    // Sorted so concurrent writers (should there ever be two) lock balance rows in one order; the
    // batch's totals per account were added up in fen when it was planned (plan.balanceDeltas).
    balances: [...plan.balanceDeltas].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, fen]) => {
      const [account, currency] = k.split('\u0000');
      return { account, currency, amount: Amount.fromFen(fen).toString() };
    }),
    held: plan.held ?? [],
    released: plan.released ?? [],
    blocks: plan.block
      ? [{ height: plan.block.header.height, hash: plan.block.hash, header: JSON.stringify(plan.block.header), signature: JSON.stringify(plan.block.signature), first_seq: plan.block.header.firstSeq, last_seq: plan.block.header.lastSeq }]
      : [],
    outbox,
  };
  // One JSON text per table: each is parsed once, by the CTE that reads it.
  const tables = [rows.ops, rows.vops, rows.results, rows.policy, rows.parties, rows.keys, rows.payables, rows.lines, rows.vouchers, rows.postings, rows.balances, rows.held, rows.released, rows.blocks, rows.outbox];
  await pool.query(commitStatement, [...tables.map((t) => JSON.stringify(t)), plan.block?.header.height ?? null, outboxNotifyChannel]);
}

const commitStatement = `
WITH
ops AS (
  INSERT INTO operations (seq, op_id, kind, type, actor, nonce, root_id, record, leaf_hash, block_height, committed_at)
  SELECT x.seq, x.op_id, x.kind, x.type, x.actor, x.nonce, x.root_id, x.record, x.leaf_hash, $16::bigint, x.committed_at
  FROM json_to_recordset($1::json) AS x(seq bigint, op_id uuid, kind text, type text, actor text, nonce text, root_id uuid, record text, leaf_hash text, committed_at timestamptz)
),
vops AS (
  INSERT INTO voucher_operations (voucher_id, seq)
  SELECT x.voucher_id, x.seq FROM json_to_recordset($2::json) AS x(voucher_id uuid, seq bigint)
),
results AS (
  INSERT INTO command_results (actor, nonce, command_hash, accepted, result, op_seq, decided_at)
  SELECT x.actor, x.nonce, x.command_hash, x.accepted, x.result, x.op_seq, now()
  FROM json_to_recordset($3::json) AS x(actor text, nonce text, command_hash text, accepted boolean, result text, op_seq bigint)
),
policy AS (
  INSERT INTO policy (id, data) SELECT 1, x::jsonb FROM json_array_elements($4::json) x
  ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data
),
parties AS (
  INSERT INTO parties (party_id, data) SELECT x->>'partyId', x::jsonb FROM json_array_elements($5::json) x
  ON CONFLICT (party_id) DO UPDATE SET data = EXCLUDED.data
),
keys AS (
  INSERT INTO party_keys (key_id, party_id, data) SELECT x->>'keyId', x->>'partyId', x::jsonb FROM json_array_elements($6::json) x
  ON CONFLICT (key_id) DO UPDATE SET data = EXCLUDED.data
),
payables AS (
  INSERT INTO payables (payable_id, data) SELECT x->>'payableId', x::jsonb FROM json_array_elements($7::json) x
  ON CONFLICT (payable_id) DO UPDATE SET data = EXCLUDED.data
),
lines AS (
  INSERT INTO credit_lines (funder, issuer, data) SELECT x->>'funder', x->>'issuer', x::jsonb FROM json_array_elements($8::json) x
  ON CONFLICT (funder, issuer) DO UPDATE SET data = EXCLUDED.data
),
vouchers AS (
  INSERT INTO vouchers (voucher_id, root_id, parent_id, issuer, holder, status, amount, maturity_date, created_seq, data)
  SELECT (x->'v'->>'voucherId')::uuid, (x->'v'->>'rootId')::uuid, (x->'v'->>'parentId')::uuid, x->'v'->>'issuer', x->'v'->>'holder',
         x->'v'->>'status', (x->'v'->>'amount')::numeric, (x->'v'->>'maturityDate')::date, (x->>'s')::bigint, (x->'v')::jsonb
  FROM json_array_elements($9::json) x
  ON CONFLICT (voucher_id) DO UPDATE SET holder = EXCLUDED.holder, status = EXCLUDED.status, data = EXCLUDED.data
),
postings AS (
  INSERT INTO postings (seq, idx, account, currency, amount)
  SELECT x.seq, x.idx, x.account, x.currency, x.amount FROM json_to_recordset($10::json) AS x(seq bigint, idx int, account text, currency text, amount numeric)
),
balances AS (
  INSERT INTO balances (account, currency, amount)
  SELECT x.account, x.currency, x.amount FROM json_to_recordset($11::json) AS x(account text, currency text, amount numeric)
  ON CONFLICT (account, currency) DO UPDATE SET amount = balances.amount + EXCLUDED.amount
),
held AS (
  INSERT INTO held_facts (payable_id, submission_id, fact, reason, held_at)
  SELECT x->>'payableId', x->>'submissionId', (x->'fact')::jsonb, x->>'reason', (x->>'heldAt')::timestamptz FROM json_array_elements($12::json) x
),
released AS (
  DELETE FROM held_facts WHERE payable_id IN (SELECT x FROM json_array_elements_text($13::json) x)
),
block AS (
  INSERT INTO blocks (height, hash, header, signature, first_seq, last_seq)
  SELECT x.height, x.hash, x.header, x.signature, x.first_seq, x.last_seq FROM json_to_recordset($14::json) AS x(height bigint, hash text, header text, signature text, first_seq bigint, last_seq bigint)
),
outbox AS (
  INSERT INTO outbox (id, topic, key, envelope)
  SELECT x.id, x.topic, x.key, x.envelope FROM json_to_recordset($15::json) AS x(id uuid, topic text, key text, envelope text)
)
SELECT pg_notify($17, '')`;

export async function readBlocks(pool: Pool, fromHeight = 0, limit = 1000): Promise<SealedBlock[]> {
  const { rows } = await pool.query<{ hash: string; header: string; signature: string }>(
    'SELECT hash, header, signature FROM blocks WHERE height >= $1 ORDER BY height LIMIT $2',
    [fromHeight, limit],
  );
  return rows.map((r) => ({ hash: r.hash, header: JSON.parse(r.header), signature: JSON.parse(r.signature) }));
}

export async function readBlockRecords(pool: Pool, block: SealedBlock): Promise<{ seq: string; record: OperationRecord; leafHash: string }[]> {
  const { rows } = await pool.query<{ seq: string; record: string; leaf_hash: string }>(
    'SELECT seq, record, leaf_hash FROM operations WHERE block_height = $1 ORDER BY seq',
    [block.header.height],
  );
  return rows.map((r) => ({ seq: r.seq, record: JSON.parse(r.record) as OperationRecord, leafHash: r.leaf_hash }));
}

export const writerLockName = 'cascade-ledger-writer';
const writerLockPollMs = 500;

/** The PostgreSQL implementation of the application's `LedgerStore` port. */
export class PostgresLedgerStore implements LedgerStore {
  /**
   * @param checkEvents validates every event the ledger publishes against its schema when it is
   * appended. The events are built from typed code, so production skips it (a bad one would be
   * refused by its consumers, never block the relay); the tests turn it on
   * (`CASCADE_CHECK_OWN_EVENTS=1`, vitest.config.ts) to catch a schema drift where it starts.
   */
  constructor(
    private readonly pool: Pool,
    private readonly topics: LedgerTopics = defaultLedgerTopics,
    private readonly logger?: { warn(msg: string): void },
    private readonly checkEvents: EnvelopeCheck | undefined = process.env.CASCADE_CHECK_OWN_EVENTS === '1' ? publishCatalog() : undefined,
  ) {}

  loadState(options?: { liveOnly?: boolean }): Promise<MemoryLedgerState> {
    return loadState(this.pool, options);
  }

  loadTrees(voucherIds: readonly string[]): Promise<Voucher[]> {
    return loadTrees(this.pool, voucherIds);
  }

  loadHead(hashAlg: HashAlg): Promise<ChainHead> {
    return loadHead(this.pool, hashAlg);
  }

  loadHeldFacts(): Promise<Map<string, HeldFact>> {
    return loadHeldFacts(this.pool);
  }

  loadBalances(): Promise<Map<string, bigint>> {
    return loadBalances(this.pool);
  }

  loadStoredResults(pairs: { actor: string; nonce: string }[], state: MemoryLedgerState): Promise<Map<string, StoredResult>> {
    return loadStoredResults(this.pool, pairs, state);
  }

  async noncePairs(after: { actor: string; nonce: string } | null, limit: number): Promise<{ actor: string; nonce: string }[]> {
    // Both tables are keyed by (actor, nonce); their union, in that order, pages by key.
    const { rows } = await this.pool.query<{ actor: string; nonce: string }>(
      `SELECT actor, nonce FROM (SELECT actor, nonce FROM command_results UNION SELECT actor, nonce FROM operations) AS pairs
       WHERE $1::text IS NULL OR (actor, nonce) > ($1::text, $2::text) ORDER BY actor, nonce LIMIT $3`,
      [after?.actor ?? null, after?.nonce ?? null, limit],
    );
    return rows;
  }

  async genesisRecord(): Promise<OperationRecord | undefined> {
    const { rows } = await this.pool.query<{ record: string }>('SELECT record FROM operations WHERE seq = 1');
    return rows[0] ? (JSON.parse(rows[0].record) as OperationRecord) : undefined;
  }

  async operations(fromSeq: number, limit: number): Promise<OperationRecord[]> {
    const { rows } = await this.pool.query<{ record: string }>('SELECT record FROM operations WHERE seq >= $1 ORDER BY seq LIMIT $2', [fromSeq, limit]);
    return rows.map((r) => JSON.parse(r.record) as OperationRecord);
  }

  commitPlan(plan: BatchPlan, now: Date): Promise<void> {
    return commitPlan(this.pool, plan, this.topics, now, this.checkEvents);
  }

  blocks(fromHeight: number, limit: number): Promise<SealedBlock[]> {
    return readBlocks(this.pool, fromHeight, limit);
  }

  /**
   * One writer per ledger database: a session advisory lock, held on its own connection for the
   * writer's life and released by PostgreSQL when that connection ends (also on SIGKILL). A
   * second writer — a rolling deploy, a stray process — waits here instead of deciding against a
   * state that the first one is changing, which no primary key would catch for batches that only
   * store refusals. The connection is closed, not pooled, when the lock is released.
   */
  async lockWriter(waitMs: number, onLost: (error: Error) => void): Promise<WriterLock> {
    const deadline = Date.now() + waitMs;
    const client = await this.pool.connect();
    let held = false;
    const onError = (error: Error) => {
      if (held) onLost(error); // an error after release (or while waiting) is no lost lock
    };
    client.on('error', onError);
    const close = () => {
      client.removeListener('error', onError);
      client.on('error', () => undefined); // a broken connection may emit once more while closing
      client.release(true);
    };
    try {
      for (;;) {
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [writerLockName]);
        if (rows[0]?.ok) break;
        if (Date.now() > deadline) throw new Error(`another ledger writer holds the writer lock; waited ${waitMs} ms`);
        this.logger?.warn('another ledger writer holds the lock; waiting');
        await new Promise((r) => setTimeout(r, writerLockPollMs));
      }
    } catch (error) {
      close();
      throw error;
    }
    held = true;
    return {
      release: async () => {
        if (!held) return;
        held = false;
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [writerLockName]).catch(() => undefined);
        close();
      },
    };
  }
}
