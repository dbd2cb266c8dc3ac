/**
 * VerifierPool: verifies many signatures in parallel on worker threads and returns booleans in
 * input order. The ledger calls `verifyBatch` once per Kafka batch.
 *
 * Bounded everywhere (STYLE.md rule 7): at most `queuedBatchesMax` batches in flight (further
 * calls are refused with VerifierPoolSaturatedError so back-pressure reaches the consumer), at
 * most `batchItemsMax` items per call, and each call resolves within `timeoutMs` or rejects
 * with VerifierPoolTimeoutError, after which the workers it occupied are replaced. Small
 * batches are verified inline: posting to a worker costs more than a few verifies.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SignatureAlg } from './algorithms.ts';
import { VerifierPoolClosedError, VerifierPoolSaturatedError, VerifierPoolTimeoutError } from './errors.ts';
import { verifySignature } from './signatures.ts';

export interface VerifyItem {
  alg: SignatureAlg;
  publicKey: Uint8Array;
  message: Uint8Array;
  /** Base64 wire signature, as in the command envelope. */
  sig: string;
}

export interface VerifierPoolOptions {
  /** Worker threads; default: available cores. 0 means always verify inline. */
  workers?: number;
  /** Batches smaller than this are verified on the calling thread. */
  syncThresholdItems?: number;
  queuedBatchesMax?: number;
  batchItemsMax?: number;
  timeoutMs?: number;
  /** Items per message to a worker; smaller chunks balance load, larger ones cost less overhead. */
  chunkItemsMax?: number;
}

export const VERIFIER_POOL_DEFAULTS = Object.freeze({
  syncThresholdItems: 32,
  queuedBatchesMax: 64,
  batchItemsMax: 50_000,
  timeoutMs: 30_000,
  chunkItemsMax: 512,
  workerStartTimeoutMs: 30_000,
});

interface Task {
  taskId: number;
  items: VerifyItem[];
  onDone: (results: Uint8Array) => void;
  onError: (error: Error) => void;
  batch: BatchState;
}

interface BatchState {
  settled: boolean;
}

interface PoolWorker {
  worker: Worker;
  ready: Promise<void>;
  current: Task | undefined;
}

const WORKER_URL = new URL('./verifier-worker.ts', import.meta.url);

/**
 * Starts the worker module. This repository runs TypeScript through tsx with no build step,
 * and on Node 20 a `--import tsx` flag does not reach a worker's entry module in time, so a
 * tiny CommonJS bootstrap registers tsx's ESM hooks first and then imports the worker. A
 * compiled (.js) worker is started directly.
 */
function startWorker(): Worker {
  if (!WORKER_URL.pathname.endsWith('.ts')) return new Worker(WORKER_URL);
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(bootstrap, { eval: true });
}

export class VerifierPool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Task[] = [];
  private readonly options: Required<VerifierPoolOptions>;
  private batchesInFlight = 0;
  private nextTaskId = 1;
  private closed = false;

  constructor(options: VerifierPoolOptions = {}) {
    this.options = {
      workers: options.workers ?? availableParallelism(),
      syncThresholdItems: options.syncThresholdItems ?? VERIFIER_POOL_DEFAULTS.syncThresholdItems,
      queuedBatchesMax: options.queuedBatchesMax ?? VERIFIER_POOL_DEFAULTS.queuedBatchesMax,
      batchItemsMax: options.batchItemsMax ?? VERIFIER_POOL_DEFAULTS.batchItemsMax,
      timeoutMs: options.timeoutMs ?? VERIFIER_POOL_DEFAULTS.timeoutMs,
      chunkItemsMax: options.chunkItemsMax ?? VERIFIER_POOL_DEFAULTS.chunkItemsMax,
    };
    for (let i = 0; i < this.options.workers; i++) this.workers.push(this.spawn());
  }

  /** Resolves when every worker has loaded its modules (and run the SM2 self-test); optional. */
  async ready(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.ready));
  }

  get workerCount(): number {
    return this.workers.length;
  }

  /**
   * Verifies every item; result[i] is true iff items[i] is a valid signature. A batch larger than
   * `batchItemsMax` is verified as consecutive batches of at most that size (one after the other,
   * so one caller never holds more than one batch's worth of the queue).
   */
  async verifyBatch(items: readonly VerifyItem[]): Promise<boolean[]> {
    if (this.closed) throw new VerifierPoolClosedError();
    if (items.length > this.options.batchItemsMax) {
      const results: boolean[] = [];
      for (let start = 0; start < items.length; start += this.options.batchItemsMax) {
        results.push(...(await this.verifyBatch(items.slice(start, start + this.options.batchItemsMax))));
      }
      return results;
    }
    if (items.length < this.options.syncThresholdItems || this.workers.length === 0) return verifyInline(items);
    if (this.batchesInFlight >= this.options.queuedBatchesMax) throw new VerifierPoolSaturatedError(this.options.queuedBatchesMax);
    this.batchesInFlight++;
    try {
      return await this.runBatch(items);
    } finally {
      this.batchesInFlight--;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const task of this.queue.splice(0)) task.onError(new VerifierPoolClosedError());
    await Promise.all(this.workers.splice(0).map((w) => {
      w.current?.onError(new VerifierPoolClosedError());
      return w.worker.terminate();
    }));
  }

  private runBatch(items: readonly VerifyItem[]): Promise<boolean[]> {
    const results: boolean[] = new Array(items.length);
    const chunkSize = Math.min(this.options.chunkItemsMax, Math.ceil(items.length / this.workers.length));
    const batch: BatchState = { settled: false };
    return new Promise<boolean[]>((resolve, reject) => {
      let remaining = Math.ceil(items.length / chunkSize);
      const fail = (error: Error): void => {
        if (batch.settled) return;
        batch.settled = true;
        clearTimeout(timer);
        this.abandon(batch);
        reject(error);
      };
      const timer = setTimeout(() => fail(new VerifierPoolTimeoutError(this.options.timeoutMs)), this.options.timeoutMs);
      for (let start = 0; start < items.length; start += chunkSize) {
        const offset = start;
        this.queue.push({
          taskId: this.nextTaskId++,
          items: items.slice(start, start + chunkSize),
          batch,
          onError: fail,
          onDone: (chunk) => {
            if (batch.settled) return;
            for (let i = 0; i < chunk.length; i++) results[offset + i] = chunk[i] === 1;
            if (--remaining === 0) {
              batch.settled = true;
              clearTimeout(timer);
              resolve(results);
            }
          },
        });
      }
      this.pump();
    });
  }

  /** Drops a failed batch's queued chunks and replaces workers still busy with it. */
  private abandon(batch: BatchState): void {
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.batch === batch) this.queue.splice(i, 1);
    for (let i = 0; i < this.workers.length; i++) {
      const w = this.workers[i]!;
      if (w.current?.batch === batch) {
        void w.worker.terminate();
        this.workers[i] = this.spawn();
      }
    }
    this.pump();
  }

  private pump(): void {
    for (const w of this.workers) {
      if (this.queue.length === 0) return;
      if (w.current) continue;
      const task = this.queue.shift()!;
      w.current = task;
      w.worker.ref();
      w.worker.postMessage({ taskId: task.taskId, items: task.items });
    }
  }

  private spawn(): PoolWorker {
    const worker = startWorker();
    // Referenced only while it has work (or is starting up): an idle pool must not keep a
    // CLI or test process alive, while a pending batch must.
    let markReady: () => void = () => {};
    const entry: PoolWorker = { worker, current: undefined, ready: new Promise<void>((resolve) => (markReady = resolve)) };
    worker.on('message', (message: { ready?: true; taskId?: number; results?: Uint8Array }) => {
      if (message.ready) {
        markReady();
        if (!entry.current) worker.unref();
        return;
      }
      const task = entry.current;
      if (!task || task.taskId !== message.taskId || !message.results) return;
      entry.current = undefined;
      worker.unref();
      task.onDone(message.results);
      this.pump();
    });
    worker.on('error', (error) => {
      const task = entry.current;
      entry.current = undefined;
      task?.onError(error);
    });
    worker.on('exit', () => {
      const index = this.workers.indexOf(entry);
      if (index < 0 || this.closed) return;
      // An unexpected exit: fail its task and keep the pool at full size.
      entry.current?.onError(new Error('verifier worker exited unexpectedly'));
      this.workers[index] = this.spawn();
      this.pump();
    });
    return entry;
  }
}

function verifyInline(items: readonly VerifyItem[]): boolean[] {
  return items.map((item) => verifySignature(item.alg, item.publicKey, item.message, item.sig));
}
