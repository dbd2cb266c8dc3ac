/**
 * The workflows service against a real ledger (in-process, through Kafka), real PostgreSQL and
 * real Redis (BullMQ), with the clock moved by days and months: offers expire, matured trees are
 * marked overdue, the issuer is reminded, webhooks reach an endpoint that is down for an hour
 * once each, signed; and a worker restarted mid-run loses no job and does none twice.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from '@cascade/db';
import { buildServiceApp, internalIdentity } from '@cascade/service';
import { eventually, infra } from '@cascade/testing';
import type { TestLedger, TestParty } from '../../ledger/test/support.ts';
import type { WorkflowsDeps } from '../src/application/workflows.ts';
import { webhookRoutes } from '../src/entry-points/http/webhooks.ts';
import { workQueue, type WorkQueue } from '../src/entry-points/jobs/queue.ts';
import { startWorkflowsHarness, type WorkflowsHarness } from './support.ts';

let h: WorkflowsHarness;
let ledger: TestLedger;
let pool: Pool;
let deps: WorkflowsDeps;
let work: WorkQueue;
let redis: Redis;
let app: FastifyInstance;
let core: TestParty, a: TestParty, b: TestParty;
const prefix = `bull-wf-${randomUUID().slice(0, 8)}`;

function startWork(): WorkQueue {
  // The ticker is driven by the tests (tickNow) after each move of the clock.
  return workQueue(deps, { connection: redis, prefix, tickMs: 3_600_000, concurrency: 4, logger: h.logger });
}

beforeAll(async () => {
  h = await startWorkflowsHarness({ startAt: new Date('2026-03-02T02:00:00.000Z'), routes: (service, d) => webhookRoutes(service, d, { http: true, privateHosts: true }) });
  ({ ledger, pool, deps, app } = h);
  [core, a, b] = [await ledger.register(['core']), await ledger.register(['supplier']), await ledger.register(['supplier'])];
  redis = new Redis(infra().redisUrl, { maxRetriesPerRequest: null });
  work = startWork();
  for (const p of work.parts) await p.start();
});

afterAll(async () => {
  for (const p of [...(work?.parts ?? [])].reverse()) await p.stop().catch(() => undefined);
  redis?.disconnect();
  await h?.stop();
});

const as = (party: TestParty) => h.as(party);
const action = async (id: string) => (await pool.query<{ state: string; outcome: string | null; attempts: number }>('SELECT state, outcome, attempts FROM schedule WHERE id = $1', [id])).rows[0];
const voucherStatus = async (id: string) => (await ledger.pool.query<{ status: string }>('SELECT status FROM vouchers WHERE voucher_id = $1', [id])).rows[0]?.status;

async function issue(accept: boolean, maturityDate = '2026-06-30'): Promise<string> {
  const payableId = await ledger.confirmPayable(core, a, '100.00');
  const voucherId = randomUUID();
  await ledger.mustRun('voucher.issue', core, { voucherId, holder: a.partyId, amount: '100.00', maturityDate, backing: [{ payableId, amount: '100.00' }] });
  if (accept) await ledger.mustRun('voucher.accept', a, { voucherId });
  return voucherId;
}

describe('time-driven actions', () => {
  it('expire an offer nobody accepted once its acceptance period is over, and only then', async () => {
    const voucherId = await issue(false);
    await eventually(async () => (await action(`expire:${voucherId}`))?.state === 'pending' || undefined, 20_000, 'the expiry planned');
    await work.tickNow(); // not due yet: nothing happens
    expect((await action(`expire:${voucherId}`))?.state).toBe('pending');
    ledger.clock.advanceDays(8); // past the 7-day acceptance period
    await work.tickNow();
    await eventually(async () => ((await action(`expire:${voucherId}`))?.state === 'done' ? true : undefined), 30_000, 'the expiry done');
    expect(await voucherStatus(voucherId)).toBe('rejected'); // the value went back to the payable
    ledger.clock.advanceDays(-8);
  });

  it('cancel the expiry of an offer that was accepted, and mark a matured unpaid tree overdue', async () => {
    const rootId = await issue(true, '2026-04-30');
    await eventually(async () => ((await action(`expire:${rootId}`))?.state === 'cancelled' ? true : undefined), 20_000, 'the expiry cancelled by the acceptance');
    expect((await action(`overdue:${rootId}`))?.state).toBe('pending');
    const before = ledger.clock.now;
    ledger.clock.now = new Date('2026-05-01T16:00:01.000Z'); // 2 May in Shanghai: maturity has passed
    await work.tickNow();
    await eventually(async () => ((await action(`overdue:${rootId}`))?.state === 'done' ? true : undefined), 30_000, 'the overdue mark done');
    expect(await voucherStatus(rootId)).toBe('overdue');
    ledger.clock.now = before;
  });
});

describe('webhooks', () => {
  let server: Server;
  let up = false;
  const received: { id: string; signature: string; body: string }[] = [];
  let url = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (!up) {
          res.writeHead(503).end();
          return;
        }
        received.push({ id: String(req.headers['cascade-delivery']), signature: String(req.headers['cascade-signature']), body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reach an endpoint down for an hour once each, signed with its secret; the dead can be replayed', async () => {
    const created = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: as(b), payload: { url } });
    expect(created.statusCode).toBe(201);
    const { secret } = created.json() as { secret: string };
    expect(secret).toMatch(/^whsec_/);
    // Events for b: an offer of a piece of a voucher a holds.
    const rootId = await issue(true);
    const pieceId = randomUUID();
    await ledger.mustRun('voucher.transfer', a, { voucherId: rootId, pieces: [{ childId: pieceId, recipient: b.partyId, amount: '40.00' }], remainder: { childId: randomUUID(), amount: '60.00' } });
    await ledger.mustRun('voucher.accept', b, { voucherId: pieceId });
    const deliveries = async () => (await pool.query<{ id: string; state: string; attempts: number; event_type: string }>('SELECT id, state, attempts, event_type FROM webhook_deliveries WHERE party_id = $1 ORDER BY id', [b.partyId])).rows;
    await eventually(async () => ((await deliveries()).length >= 2 ? true : undefined), 20_000, 'deliveries planned');
    // Down: every attempt for an hour fails; the clock walks through the backoff.
    const started = ledger.clock.now.getTime();
    while (ledger.clock.now.getTime() - started < 60 * 60_000) {
      await work.tickNow();
      await eventually(async () => ((await deliveries()).every((d) => d.state === 'pending' || d.state === 'dead') ? true : undefined), 20_000, 'attempts settled');
      ledger.clock.now = new Date(ledger.clock.now.getTime() + 5 * 60_000);
    }
    expect(received).toHaveLength(0);
    const attemptsWhileDown = (await deliveries()).map((d) => d.attempts);
    expect(Math.min(...attemptsWhileDown)).toBeGreaterThanOrEqual(5);
    expect((await deliveries()).every((d) => d.state === 'pending')).toBe(true); // not dead yet
    up = true;
    for (let i = 0; i < 8 && received.length < (await deliveries()).length; i++) {
      ledger.clock.now = new Date(ledger.clock.now.getTime() + 30 * 60_000);
      await work.tickNow();
      await eventually(async () => ((await deliveries()).every((d) => d.state !== 'enqueued' && d.state !== 'delivering') ? true : undefined), 20_000, 'attempts settled');
    }
    const all = await deliveries();
    expect(all.every((d) => d.state === 'delivered')).toBe(true);
    expect(received.map((r) => r.id).sort()).toEqual(all.map((d) => d.id)); // each once
    for (const r of received) {
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(r.signature)!;
      expect(createHmac('sha256', secret).update(`${t}.${r.body}`).digest('hex')).toBe(v1);
    }
    // b sees its own piece of the split, never the remainder a kept.
    const split = received.map((r) => JSON.parse(r.body) as { type: string; data: { children?: { voucherId: string }[] } }).find((e) => e.type === 'VoucherTransferred');
    expect(split?.data.children?.map((c) => c.voucherId)).toEqual([pieceId]);

    // A delivery that died is listed and, replayed, arrives.
    await pool.query(`UPDATE webhook_deliveries SET state = 'dead' WHERE id = $1`, [all[0]!.id]);
    const dead = await app.inject({ method: 'GET', url: '/v1/webhooks/deliveries?state=dead', headers: as(b) });
    expect((dead.json() as { deliveries: { id: string }[] }).deliveries.map((d) => d.id)).toEqual([all[0]!.id]);
    expect((await app.inject({ method: 'GET', url: '/v1/webhooks/deliveries?state=dead', headers: as(a) })).json()).toEqual({ deliveries: [] });
    expect((await app.inject({ method: 'POST', url: `/v1/webhooks/deliveries/${all[0]!.id}/replay`, headers: as(b) })).statusCode).toBe(200);
    await work.tickNow();
    await eventually(() => (received.filter((r) => r.id === all[0]!.id).length === 2 ? true : undefined), 20_000, 'the replay delivered');
  });

  it('refuse an endpoint URL the platform must not call', async () => {
    const strict = buildServiceApp({ name: 'workflows', logger: h.logger, readiness: {} });
    await strict.register(internalIdentity, { key: h.internalKey, audience: 'workflows' });
    webhookRoutes(strict, deps, { http: false, privateHosts: false });
    await strict.ready();
    const res = await strict.inject({ method: 'POST', url: '/v1/webhooks', headers: as(b), payload: { url: 'https://127.0.0.1/steal' } });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ type: 'urn:cascade:problem:endpoint-url-refused' });
    await strict.close();
  });
});

describe('a worker restarted in the middle of a run', () => {
  it('loses no job and does none twice', async () => {
    const offers = await Promise.all(Array.from({ length: 12 }, () => issue(false)));
    await eventually(async () => ((await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM schedule WHERE id = ANY($1::text[]) AND state = 'pending'`, [offers.map((v) => `expire:${v}`)])).rows[0]!.n === offers.length ? true : undefined), 30_000, 'expiries planned');
    ledger.clock.advanceDays(8);
    await work.tickNow();
    // Stop the worker at once, while jobs run or wait; start another on the same queue.
    for (const p of [...work.parts].reverse()) await p.stop();
    work = startWork();
    for (const p of work.parts) await p.start();
    // What the old worker left queued is taken back once it is stale, by the new one's ticker.
    ledger.clock.now = new Date(ledger.clock.now.getTime() + 10 * 60_000);
    await work.tickNow();
    await eventually(async () => ((await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM schedule WHERE id = ANY($1::text[]) AND state = 'done'`, [offers.map((v) => `expire:${v}`)])).rows[0]!.n === offers.length ? true : undefined), 60_000, 'every expiry done');
    for (const v of offers) expect(await voucherStatus(v)).toBe('rejected');
    // Each offer expired by one operation on the ledger, whatever ran twice.
    const { rows } = await ledger.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM operations WHERE type = 'voucher.expireAcceptance' AND (record::jsonb->'body'->'payload'->>'voucherId') = ANY($1::text[])`, [offers]);
    expect(rows[0]!.n).toBe(offers.length);
  });
});
