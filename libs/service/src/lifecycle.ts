/**
 * Process lifecycle: start the parts of a service in order, stop them in reverse on SIGTERM or
 * SIGINT, and exit non-zero if shutdown takes longer than its budget or a part fails to start.
 */
import type { Logger } from '@cascade/logging';

export interface Part {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface RunOptions {
  logger: Logger;
  parts: Part[];
  shutdownTimeoutMs: number;
}

export async function runParts(options: RunOptions): Promise<{ stop(): Promise<void> }> {
  const { logger, parts } = options;
  const started: Part[] = [];
  const stopAll = async (): Promise<void> => {
    for (const part of [...started].reverse()) {
      try {
        await part.stop();
        logger.info({ part: part.name }, 'stopped');
      } catch (error) {
        logger.error({ part: part.name, err: (error as Error).message }, 'failed to stop cleanly');
      }
    }
    started.length = 0;
  };
  for (const part of parts) {
    try {
      await part.start();
      started.push(part);
      logger.info({ part: part.name }, 'started');
    } catch (error) {
      logger.error({ part: part.name, err: (error as Error).message }, 'failed to start');
      await stopAll();
      throw error;
    }
  }
  return { stop: stopAll };
}

/**
 * Runs a service until SIGTERM/SIGINT, then stops it within the shutdown budget and exits 0.
 * Signal handlers are installed before anything starts, so a signal during start-up also ends in
 * an orderly stop of whatever has started (and exit 0), not in the default abrupt kill.
 */
export async function runUntilSignalled(options: RunOptions): Promise<void> {
  let stopping = false;
  let running: { stop(): Promise<void> } | null = null;
  let startup: Promise<unknown> = Promise.resolve();
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    options.logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      options.logger.error({ timeoutMs: options.shutdownTimeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, options.shutdownTimeoutMs);
    timer.unref();
    // Let a start in progress finish (or fail) first, so its part is stopped too.
    startup
      .catch(() => undefined)
      .then(() => running?.stop())
      .then(
        () => {
          options.logger.info('bye');
          process.exit(0);
        },
        () => process.exit(1),
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  startup = runParts(options);
  try {
    running = (await startup) as { stop(): Promise<void> };
  } catch {
    if (!stopping) process.exit(1);
  }
}
