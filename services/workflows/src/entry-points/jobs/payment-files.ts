/**
 * The payment-file job: every `tickMs`, in every process, one round of `tickPaymentFiles` — the
 * entries now due become one pain.001 file per paying party, recorded and then written to the
 * directory. Rounds in one process never overlap; processes side by side claim different entries
 * (SKIP LOCKED). A round that fails (PostgreSQL away, the directory not writable, an account a
 * file cannot carry) is logged and counted; what it left is taken by the next one, never lost and
 * never written twice.
 */
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import client from 'prom-client';
import type { Part } from '@cascade/service';
import { tickPaymentFiles, type PaymentsDeps } from '../../application/payments.ts';

export interface PaymentFilesJob {
  part: Part;
  /** One round now (tests move the clock, then tick). */
  tickNow(): Promise<string[]>;
}

export function paymentFilesJob(deps: PaymentsDeps, options: { tickMs: number; registry?: client.Registry }): PaymentFilesJob {
  const failed = new client.Counter({ name: 'cascade_workflows_payment_file_rounds_failed_total', help: 'payment-file rounds that failed (the next round takes what they left)', registers: options.registry ? [options.registry] : [] });
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  const tickNow = async () => {
    const round = running.then(() => tickPaymentFiles(deps));
    running = round.catch(() => undefined);
    return round;
  };
  return {
    tickNow,
    part: {
      name: 'payment-files',
      start: async () => {
        timer = setInterval(
          () =>
            void tickNow().catch((error: Error) => {
              failed.inc();
              deps.logger.error({ err: error.message }, 'payment-file round failed; the next one tries again');
            }),
          options.tickMs,
        );
      },
      stop: async () => {
        if (timer) clearInterval(timer);
        await running;
      },
    },
  };
}

/** Readiness: the payment-file directory exists (made if need be) and this process may write into it. */
export async function paymentFilesDirReady(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await access(dir, constants.W_OK);
}
