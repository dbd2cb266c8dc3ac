/**
 * The parent side of the relay thread (relay-worker.ts): starts it, restarts it with a bounded
 * backoff if it dies, counts what it published, and stops it within the shutdown budget.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '@cascade/logging';
import type { RelayWorkerData, RelayWorkerMessage } from './relay-worker.ts';

const workerUrl = new URL('./relay-worker.ts', import.meta.url);
export const relayRestartBackoffMsMax = 10_000;
export const relayStopWaitMs = 10_000;

/**
 * Starts a module on a worker thread. This repository runs TypeScript through tsx with no build
 * step, and on Node 20 a `--import tsx` flag does not reach a worker's entry module in time, so
 * a bootstrap registers tsx's hooks first (as the verifier pool's does); a .js module starts directly.
 */
function startModuleWorker(url: URL, workerData: unknown): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  return new Worker(`import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); });`, { eval: true, workerData });
}

export class RelayThread {
  private worker: Worker | null = null;
  private stopping = false;
  private backoffMs = 250;
  /** Events published since start, as the thread reports them. */
  published = 0;
  private base = 0;

  constructor(
    private readonly data: RelayWorkerData,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.stopping = false;
    await this.spawn();
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = startModuleWorker(workerUrl, { relayWorker: this.data });
      this.worker = worker;
      let started = false;
      worker.on('message', (m: RelayWorkerMessage) => {
        if ('started' in m) {
          started = true;
          this.backoffMs = 250;
          resolve();
        } else if ('published' in m) this.published = this.base + m.published;
        else if ('failed' in m) this.logger.error({ err: m.failed }, 'outbox relay thread failed');
      });
      worker.on('error', (error) => this.logger.error({ err: error.message }, 'outbox relay thread crashed'));
      worker.on('exit', (code) => {
        if (this.worker === worker) this.worker = null;
        if (!started) {
          reject(new Error(`the outbox relay thread exited with code ${code} before it started`));
          return;
        }
        if (this.stopping) return;
        // It died while running: start another, backing off, so a broken dependency is not spun on.
        this.base = this.published;
        this.logger.warn({ code, backoffMs: this.backoffMs }, 'outbox relay thread exited; starting another');
        setTimeout(() => void this.spawn().catch((e: Error) => this.logger.error({ err: e.message }, 'outbox relay thread did not restart')), this.backoffMs).unref();
        this.backoffMs = Math.min(this.backoffMs * 2, relayRestartBackoffMsMax);
      });
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ stop: true });
    const timer = setTimeout(() => void worker.terminate(), relayStopWaitMs);
    await exited;
    clearTimeout(timer);
  }
}
