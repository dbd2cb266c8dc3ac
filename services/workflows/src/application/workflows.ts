/**
 * The workflows service's use cases: learn from the ledger's events what to do later and whom
 * to tell; hand what is due (by the injected clock) to the queue; run one action (a ledger
 * command signed by the operator key this service holds, with a deterministic nonce) or one
 * webhook delivery attempt.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { claimEvents, withTransaction, type Pool, type PoolClient } from '@cascade/db';
import { notificationsFor, type Notification } from '@cascade/events';
import type { Logger } from '@cascade/logging';
import { actionsEndedBy, actionsPlannedBy, outcomeOf, tooEarlyRetryMs, type LedgerEventIn, type PlanningSettings } from '../domain/planning.ts';
import { backoffMs, deliveryAttemptsMax, deliveryBodyBytesMax, deliveryTimeoutMs, isBlockedAddress, signatureHeader } from '../domain/webhooks.ts';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import * as store from '../data-access/store.ts';
import { applyRegistryEvent, type FinancingRegistry } from './registry.ts';
import { planPayments } from './payments.ts';

/** A command as the scheduler signs it: built once per attempt and kept, so a retry is identical. */
export interface OperatorCommand {
  type: string;
  chain: string;
  actor: string;
  nonce: string;
  createdAt: string;
  payload: Record<string, unknown>;
}

/** The ledger as this service talks to it: an operator command signed, sent, its result awaited. */
export interface LedgerPort {
  /** The operator command for `type`/`nonce`/`payload`, stamped now. */
  command(type: string, nonce: string, payload: Record<string, unknown>): OperatorCommand;
  /** Signs and sends `command`, keyed by its tree's issuer; resolves with the ledger's result. */
  run(command: OperatorCommand, treeIssuer: string): Promise<{ status: string; problem?: { code: string; detail?: string } }>;
}

/** Where due work goes: BullMQ in the service (entry-points/jobs), anything in a unit test. */
export interface QueuePort {
  add(kind: 'action' | 'delivery' | 'registry', id: string): Promise<void>;
}

export interface WorkflowsDeps {
  pool: Pool;
  clock: () => Date;
  logger: Logger;
  ledger: LedgerPort;
  planning: PlanningSettings;
  /** Key the endpoints' secrets are encrypted under (derived from INTERNAL_AUTH_KEY). */
  secretsKey: Buffer;
  /** Posts one delivery; tests may point it at a server of their own. */
  post: (url: string, body: string, headers: Record<string, string>) => Promise<{ status: number }>;
  /** Loopback and private addresses may be called (local work only; the endpoint URL check says the same). */
  allowPrivateHosts?: boolean;
  /** How long an item may sit queued or running before it is taken again. */
  staleMs: number;
  consumerName: string;
  /** The financing registry (中登网) the registry steps ask (application/registry.ts). */
  registry?: FinancingRegistry;
}

export const staleMsDefault = 5 * 60_000;

/** Derives the endpoints' secret key from the platform's internal key (one secret less to run). */
export function webhookSecretsKey(internalAuthKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', internalAuthKey, Buffer.alloc(0), 'cascade-webhook-secrets', 32));
}

export function encryptSecret(key: Buffer, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return `v1.${iv.toString('base64url')}.${data.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
}

export function decryptSecret(key: Buffer, stored: string): string {
  const [v, iv, data, tag] = stored.split('.');
  if (v !== 'v1' || !iv || !data || !tag) throw new Error('stored webhook secret is not in the v1 form');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

export interface ReceivedLedgerEvent {
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/**
 * Applies a batch of the ledger's events in one transaction: each is taken once (the inbox);
 * parties and trees are recorded, actions planned and ended, and a delivery made ready for every
 * endpoint of every party the event concerns.
 */
export async function applyLedgerEvents(deps: WorkflowsDeps, events: ReceivedLedgerEvent[]): Promise<void> {
  await withTransaction(deps.pool, async (client) => {
    const fresh = await claimEvents(client, deps.consumerName, events.map((e) => e.id));
    const now = deps.clock();
    for (const e of events) {
      if (!fresh.has(e.id)) continue;
      await applyOne(client, deps, e, now);
    }
  });
}

async function applyOne(client: PoolClient, deps: WorkflowsDeps, e: ReceivedLedgerEvent, now: Date): Promise<void> {
  const event: LedgerEventIn = { type: e.type, data: e.data };
  if (e.type === 'PartyRegistered') await store.recordParty(client, String(e.data.partyId), e.data.roles as string[]);
  if (e.type === 'VoucherIssued') {
    const v = e.data.voucher as { rootId: string; issuer: string; maturityDate: string };
    await store.recordTree(client, v.rootId, v.issuer, v.maturityDate);
  }
  await store.planActions(client, actionsPlannedBy(event, deps.planning));
  await store.cancelActions(client, actionsEndedBy(event), now);
  await planPayments(client, { id: e.id, ...event }, now);
  const rootId = (e.data.rootId as string | undefined) ?? (e.data.voucher as { rootId?: string } | undefined)?.rootId;
  const issuers = rootId ? await store.issuersOf(client, [rootId]) : new Map<string, string>();
  await deliver(client, notificationsFor(event, (r) => issuers.get(r)), e.id, e.occurredAt, now);
  await applyRegistryEvent(client, deps, e, now);
}

/** Makes a delivery ready for every endpoint of every notified party. */
async function deliver(client: PoolClient, notifications: Notification[], eventId: string, occurredAt: string, now: Date): Promise<void> {
  if (notifications.length === 0) return;
  const endpoints = await store.endpointsOf(client, notifications.map((n) => n.partyId));
  const rows = [];
  for (const n of notifications) {
    const body = bodyOf(eventId, n, occurredAt);
    for (const ep of endpoints.filter((x) => x.partyId === n.partyId)) {
      rows.push({ id: `${eventId}:${ep.id}`, endpointId: ep.id, partyId: n.partyId, eventId, eventType: n.type, body, nextAttemptAt: now });
    }
  }
  await store.insertDeliveries(client, rows);
}

/** The body a party receives: the event (as it may see it), or, when too large, its reference. */
function bodyOf(eventId: string, n: Notification, occurredAt: string): string {
  const whole = JSON.stringify({ id: eventId, type: n.type, occurredAt, data: n.data });
  if (Buffer.byteLength(whole) <= deliveryBodyBytesMax) return whole;
  const d = n.data as { rootId?: string; voucherId?: string; part?: unknown };
  return JSON.stringify({ id: eventId, type: n.type, occurredAt, data: { rootId: d.rootId ?? null, voucherId: d.voucherId ?? null, truncated: true } });
}

/** A reminder is not a ledger command: the issuer is told, through its endpoints. */
async function notifyIssuer(deps: WorkflowsDeps, id: string, issuer: string, data: Record<string, unknown>): Promise<void> {
  await withTransaction(deps.pool, (client) => deliver(client, [{ partyId: issuer, type: 'MaturityApproaching', data }], deterministicEventId(id), deps.clock().toISOString(), deps.clock()));
}

/** A UUID named by the action it stands for, so a reminder run twice is delivered once. */
function deterministicEventId(name: string): string {
  const h = Buffer.from(hkdfSync('sha256', Buffer.from(name), Buffer.alloc(0), 'cascade-workflows-event', 16));
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Hands everything due by the clock (and anything stuck) to the queue; returns how much. */
export async function tick(deps: WorkflowsDeps, queue: QueuePort): Promise<{ actions: number; deliveries: number }> {
  const now = deps.clock();
  const actions = await store.claimDueActions(deps.pool, now, deps.staleMs);
  for (const a of actions) await queue.add('action', a.id);
  const deliveries = await store.claimDueDeliveries(deps.pool, now, deps.staleMs);
  for (const d of deliveries) await queue.add('delivery', d);
  return { actions: actions.length, deliveries: deliveries.length };
}

/**
 * Runs one due action. Its command's nonce names the action and its attempt, so running it
 * twice (a job delivered twice, a worker restarted) commits it once; an answer that says
 * "not yet" (the ledger's clock behind ours, a freeze in force) plans it again a minute later
 * under the next nonce. Throws when the ledger did not answer: the queue tries again.
 */
export async function runAction(deps: WorkflowsDeps, id: string): Promise<string> {
  const action = await store.actionById(deps.pool, id);
  if (!action || action.state !== 'enqueued') return 'skipped';
  const { payload } = action;
  if (action.kind === 'remindMaturity') {
    await notifyIssuer(deps, id, payload.issuer, { rootId: payload.rootId, maturityDate: payload.maturityDate });
    await store.finishAction(deps.pool, id, 'done', 'issuer told', deps.clock());
    return 'done';
  }
  const command = await store.commandOfAttempt(deps.pool, id, action.attempts, () =>
    action.kind === 'expireAcceptance'
      ? deps.ledger.command('voucher.expireAcceptance', `workflows:expire:${payload.voucherId}:${action.attempts}`, { voucherId: payload.voucherId! })
      : deps.ledger.command('voucher.markOverdue', `workflows:overdue:${payload.rootId}:${action.attempts}`, { rootId: payload.rootId }),
  );
  if (command === null) return 'skipped';
  const result = await deps.ledger.run(command, payload.issuer);
  const outcome = outcomeOf(action.kind, result);
  const said = result.status === 'accepted' ? 'accepted' : `${result.problem?.code}: ${result.problem?.detail ?? ''}`;
  if (outcome === 'tooEarly') await store.retryActionAt(deps.pool, id, new Date(deps.clock().getTime() + tooEarlyRetryMs), said);
  else await store.finishAction(deps.pool, id, outcome === 'done' ? 'done' : 'failed', said, deps.clock());
  deps.logger.info({ action: id, outcome, said }, 'action run');
  return outcome;
}

/** After the queue gave up on an action (the ledger never answered): visible, not retried forever. */
export async function actionGaveUp(deps: WorkflowsDeps, id: string, error: Error): Promise<void> {
  await store.finishAction(deps.pool, id, 'failed', `gave up: ${error.message}`, deps.clock());
}

/** One attempt of one delivery; the outcome decides the next attempt (or the dead list). */
export async function runDelivery(deps: WorkflowsDeps, id: string): Promise<string> {
  const delivery = await store.startDelivery(deps.pool, id, deps.clock());
  if (!delivery) return 'skipped';
  try {
    return await attemptDelivery(deps, delivery);
  } catch (error) {
    // Something before or around the POST itself failed for this row (its secret unreadable, its
    // body refused): it goes to the dead list with the reason instead of coming back forever.
    await store.deliveryFailed(deps.pool, id, { status: null, error: `not sent: ${(error as Error).message}`, next: null });
    return 'dead';
  }
}

async function attemptDelivery(deps: WorkflowsDeps, delivery: store.DeliveryRow): Promise<string> {
  const { id } = delivery;
  const endpoint = await store.endpointById(deps.pool, delivery.endpointId);
  const now = deps.clock();
  if (endpoint && !deps.allowPrivateHosts) {
    const why = await privateResolution(new URL(endpoint.url).hostname);
    if (why) {
      const attempts = delivery.attempts + 1;
      await store.deliveryFailed(deps.pool, id, { status: null, error: why, next: attempts >= deliveryAttemptsMax ? null : new Date(now.getTime() + backoffMs(attempts)) });
      return 'retry';
    }
  }
  if (!endpoint) {
    await store.deliveryFailed(deps.pool, id, { status: null, error: 'the endpoint was deleted', next: null });
    return 'dead';
  }
  const headers = {
    'content-type': 'application/json',
    'cascade-signature': signatureHeader(decryptSecret(deps.secretsKey, endpoint.secretEnc), delivery.body, now),
    'cascade-delivery': delivery.id,
    'cascade-event': delivery.eventType,
  };
  let status: number | null = null;
  let error = '';
  try {
    status = (await deps.post(endpoint.url, delivery.body, headers)).status;
    if (status >= 200 && status < 300) {
      await store.deliverySucceeded(deps.pool, id, status, now);
      return 'delivered';
    }
    error = `answered ${status}`;
  } catch (e) {
    error = (e as Error).message;
  }
  const attempts = delivery.attempts + 1;
  const next = attempts >= deliveryAttemptsMax ? null : new Date(now.getTime() + backoffMs(attempts));
  await store.deliveryFailed(deps.pool, id, { status, error, next });
  return next === null ? 'dead' : 'retry';
}

/** Why a host name must not be called now (it resolves to a loopback or private address), or null. */
async function privateResolution(hostname: string): Promise<string | null> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isBlockedAddress(host) ? `${host} is a loopback or private address` : null;
  try {
    const addresses = await lookup(host, { all: true, verbatim: true });
    const bad = addresses.find((a) => isBlockedAddress(a.address));
    return bad ? `${hostname} resolves to ${bad.address}, a loopback or private address` : null;
  } catch (error) {
    return `${hostname} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}

/** The real HTTP post of a delivery, bounded in time, following no redirect. */
export async function postJson(url: string, body: string, headers: Record<string, string>): Promise<{ status: number }> {
  const res = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(deliveryTimeoutMs) });
  await res.body?.cancel().catch(() => undefined);
  return { status: res.status };
}

export const newEndpointId = (): string => randomUUID();
export const newSecret = (): string => `whsec_${randomBytes(24).toString('base64url')}`;
