/**
 * Reads the tax data provider's result files as they arrive in a folder (INVOICES_VERIFICATION_DIR):
 * every `*.jsonl` file not applied before (by content hash) is applied, oldest first, on a timer.
 * Files are left where they are (the folder may be read-only); the hash table keeps a file from
 * being applied twice, and a memo of name, size and time keeps the job from hashing it every round.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { InvoicesDeps } from '../../application/deps.ts';
import { applyTaxRecords, fileSha256 } from '../../application/verification.ts';
import { FileTaxVerificationSource } from '../../data-access/tax-verification-file.ts';

/** Files looked at per round. */
export const verificationFilesPerRoundMax = 100;

export function verificationInbox(deps: InvoicesDeps, dir: string, pollMs: number) {
  const seen = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const round = async (): Promise<void> => {
    const names = (await readdir(dir)).filter((n) => n.endsWith('.jsonl'));
    const files = await Promise.all(names.map(async (n) => ({ file: path.join(dir, n), st: await stat(path.join(dir, n)) })));
    files.sort((a, b) => a.st.mtimeMs - b.st.mtimeMs);
    let looked = 0;
    for (const { file, st } of files) {
      if (stopped || looked >= verificationFilesPerRoundMax) return;
      const memo = `${file}\u0000${st.size}\u0000${st.mtimeMs}`;
      if (seen.has(memo)) continue;
      looked += 1;
      try {
        const summary = await applyTaxRecords(deps, new FileTaxVerificationSource(file), { sha256: await fileSha256(file) });
        if (!summary.alreadyApplied) deps.logger.info({ file: path.basename(file), records: summary.records, changed: summary.changed, refused: summary.refused, voidedAfterUse: summary.voidedAfterUse }, 'verification results applied');
        seen.add(memo);
      } catch (error) {
        // A file that cannot be read at all is reported every round until it is replaced.
        deps.logger.error({ file: path.basename(file), err: (error as Error).message }, 'verification result file refused');
      }
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round().catch((error) => deps.logger.error({ err: (error as Error).message, dir }, 'verification folder unreadable')).finally(schedule);
    }, pollMs);
  };

  return {
    name: 'verification-inbox',
    start: async () => {
      await readdir(dir); // a folder that is not there stops the start, naming it
      running = round().finally(schedule);
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running.catch(() => undefined);
    },
  };
}
