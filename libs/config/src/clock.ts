/**
 * The platform's clock, and a simulated one for local mode.
 *
 * Unless `CASCADE_CLOCK_FILE` is set, `clockOf` is plain real time. When it names a file, the
 * clock is real time plus the offset that file holds (`{"offsetMs": <integer>}`), so a demo can
 * move every process to the day after maturity at once: the ledger deciding `voucher.settle`, the
 * gateway checking a command's `createdAt`, the workflows scheduler and payment files, the risk
 * and invoices services all read the same offset. The file is re-read at most every
 * `clockFileRefreshMs`, so a change is seen by every process within that time; a read that fails
 * later (the file being replaced) keeps the last offset.
 *
 * NEVER SET `CASCADE_CLOCK_FILE` IN PRODUCTION: whoever can write the file moves the ledger's time,
 * and with it maturity, expiry and every command's freshness check. `infra/local/up.ts` sets it
 * for the services it starts; nothing else should.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

export type Clock = () => Date;

/** How stale a simulated clock's offset may be: the longest a change takes to reach a process. */
export const clockFileRefreshMs = 100;

/** The setting, in the shape of `commonSettings` (unset or empty: real time). */
export const clockFileSetting = {
  env: 'CASCADE_CLOCK_FILE',
  doc: 'local mode and tests only, NEVER in production: a JSON file {"offsetMs": n}; the process clock is real time plus n (re-read every 100 ms)',
  parse: (raw: string): string => raw,
  default: '',
};

/** Reads an offset file; throws when it is missing or not `{"offsetMs": <integer>}`. */
export function readClockOffset(file: string): number {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { offsetMs?: unknown };
  const offset = parsed?.offsetMs;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset)) throw new Error(`${file}: offsetMs must be an integer number of milliseconds`);
  return offset;
}

/** Writes an offset file whole (a temporary file renamed into place: a reader never sees half). */
export function writeClockOffset(file: string, offsetMs: number): void {
  if (!Number.isSafeInteger(offsetMs)) throw new Error('offsetMs must be an integer number of milliseconds');
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ offsetMs })}\n`);
  renameSync(temporary, file);
}

/**
 * The clock for a process: real time when `file` is empty or undefined, else real time plus the
 * file's offset. The file must be readable now (a misnamed file is a misconfiguration, refused at
 * start).
 */
export function clockOf(file: string | undefined, realNow: () => number = Date.now): Clock {
  if (!file) return () => new Date(realNow());
  let offset = readClockOffset(file);
  let readAt = realNow();
  return () => {
    const real = realNow();
    if (real - readAt >= clockFileRefreshMs || real < readAt) {
      readAt = real;
      try {
        offset = readClockOffset(file);
      } catch {
        // Being replaced, or removed: the last offset stands until the next read works.
      }
    }
    return new Date(real + offset);
  };
}
