/**
 * The workflows service as its integration tests run it: a real ledger (in process, through
 * Kafka) with its clock in the test's hands, a fresh PostgreSQL database migrated with the
 * service's migrations, the consumer of ledger.events, the work queue on real Redis (BullMQ; the
 * ticker driven by the test through `work.tickNow()`), and the internal HTTP API — listening, for
 * callers that come over the network (the gateway's checks, the risk service's lookup).
 * Built on support.ts's harness, which every workflows integration test shares.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Pool } from '@cascade/db';
import { infra } from '@cascade/testing';
import type { TestLedger, TestParty } from '../../ledger/test/support.ts';
import type { WorkflowsDeps } from '../src/application/workflows.ts';
import { registryRoutes } from '../src/entry-points/http/registry.ts';
import { webhookRoutes } from '../src/entry-points/http/webhooks.ts';
import { workQueue, type WorkQueue } from '../src/entry-points/jobs/queue.ts';
import { startWorkflowsHarness } from './support.ts';

export interface Harness {
  ledger: TestLedger;
  pool: Pool;
  deps: WorkflowsDeps;
  work: WorkQueue;
  app: FastifyInstance;
  /** Where the API listens. */
  url: string;
  internalKey: Buffer;
  /** The internal identity header of `party`, as the gateway sends it. */
  as(party: TestParty): Record<string, string>;
  stop(): Promise<void>;
}

/** support.ts's harness with the work queue started and the API listening. */
export async function startHarness(options: { name: string; extraDeps?: (clock: () => Date) => Partial<WorkflowsDeps> }): Promise<Harness> {
  const h = await startWorkflowsHarness({
    startAt: new Date('2026-03-02T02:00:00.000Z'),
    extraDeps: options.extraDeps,
    routes: (app, deps) => {
      webhookRoutes(app, deps, { http: true, privateHosts: true });
      registryRoutes(app, deps);
    },
  });
  const redis = new Redis(infra().redisUrl, { maxRetriesPerRequest: null });
  const work = workQueue(h.deps, { connection: redis, prefix: `bull-${options.name}-${randomUUID().slice(0, 8)}`, tickMs: 3_600_000, concurrency: 4, logger: h.logger });
  try {
    for (const p of work.parts) await p.start();
    const url = await h.app.listen({ port: 0, host: '127.0.0.1' });
    return {
      ledger: h.ledger,
      pool: h.pool,
      deps: h.deps,
      work,
      app: h.app,
      url,
      internalKey: h.internalKey,
      as: h.as,
      stop: async () => {
        for (const p of [...work.parts].reverse()) await p.stop().catch(() => undefined);
        redis.disconnect();
        await h.stop();
      },
    };
  } catch (error) {
    redis.disconnect();
    await h.stop().catch(() => undefined);
    throw error;
  }
}
