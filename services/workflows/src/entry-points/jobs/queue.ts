/**
 * The work queue: BullMQ on Redis. The ticker (one round per `tickMs`, in every process; rows
 * are claimed with SKIP LOCKED, so processes never take the same one) hands what is due to the
 * queue; workers in any number of processes take jobs from it. A job whose run throws is tried
 * again by BullMQ with exponential backoff, a bounded number of times, then recorded as failed
 * (never retried forever). Redis keeps nothing on disk here: a job lost with it is found again
 * by the ticker, which takes back rows queued too long without an outcome.
 */
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from '@cascade/logging';
import type { Part } from '@cascade/service';
import { actionGaveUp, runAction, runDelivery, tick, type QueuePort, type WorkflowsDeps } from '../../application/workflows.ts';
import { registryStepGaveUp, runRegistryStep, tickRegistry } from '../../application/registry.ts';

export const queueName = 'cascade-workflows';
/** Runs of one job before it is recorded as failed. */
export const jobAttemptsMax = 6;
export const jobBackoffMs = 2_000;

export interface WorkQueue {
  parts: Part[];
  port: QueuePort;
  /** One ticker round now (tests drive the clock and then tick). */
  tickNow(): Promise<{ actions: number; deliveries: number; registrySteps: number }>;
}

export function workQueue(deps: WorkflowsDeps, options: { connection: ConnectionOptions; prefix: string; tickMs: number; concurrency: number; logger: Logger; runWorker?: boolean }): WorkQueue {
  const queue = new Queue(queueName, { connection: options.connection, prefix: options.prefix });
  const port: QueuePort = {
    add: async (kind, id) => {
      await queue.add(kind, { id }, { attempts: jobAttemptsMax, backoff: { type: 'exponential', delay: jobBackoffMs }, removeOnComplete: 1_000, removeOnFail: 1_000 });
    },
  };
  let worker: Worker | null = null;
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<unknown> = Promise.resolve();
  const tickNow = async () => {
    const round = ticking.then(async () => ({ ...(await tick(deps, port)), registrySteps: await tickRegistry(deps, port) }));
    ticking = round.catch(() => undefined);
    return round;
  };
  const parts: Part[] = [
    {
      name: 'work-queue',
      start: async () => {
        await queue.waitUntilReady();
        if (options.runWorker !== false) {
          worker = new Worker(
            queueName,
            async (job) => {
              const { id } = job.data as { id: string };
              return job.name === 'action' ? runAction(deps, id) : job.name === 'registry' ? runRegistryStep(deps, id) : runDelivery(deps, id);
            },
            { connection: options.connection, prefix: options.prefix, concurrency: options.concurrency },
          );
          worker.on('failed', (job, error) => {
            if (!job) return;
            options.logger.warn({ job: job.name, id: (job.data as { id: string }).id, attempt: job.attemptsMade, err: error.message }, 'job failed');
            if (job.name === 'action' && job.attemptsMade >= jobAttemptsMax) void actionGaveUp(deps, (job.data as { id: string }).id, error).catch(() => undefined);
            if (job.name === 'registry' && job.attemptsMade >= jobAttemptsMax) void registryStepGaveUp(deps, (job.data as { id: string }).id, error).catch(() => undefined);
          });
          await worker.waitUntilReady();
        }
        timer = setInterval(() => void tickNow().catch((error: Error) => options.logger.warn({ err: error.message }, 'tick failed; the next one tries again')), options.tickMs);
      },
      stop: async () => {
        if (timer) clearInterval(timer);
        await ticking;
        await worker?.close();
        await queue.close();
      },
    },
  ];
  return { parts, port, tickNow };
}
