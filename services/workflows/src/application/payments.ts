/**
 * Payment files' use cases: plan the money a ledger event moves (in the consumer's transaction),
 * write each tick's due entries as one pain.001.001.09 file per paying party, register an
 * enterprise's settlement account, and import a bank's notification (camt.054.001.08 or the bank
 * CSV) against the entries written into files.
 *
 * Exactly once: an entry is named by what it pays, so an event seen twice plans it once. A file is
 * recorded — its XML, its sha256, its entries moved to `filed` — in one transaction that claims
 * the entries (SKIP LOCKED); only after that commits is it written to the directory, under a
 * temporary name renamed into place. A crash before the commit leaves no file and no record (the
 * next tick makes the same file: the message id is derived from its end-to-end ids); a crash after
 * it leaves a record whose file the next tick writes again, byte for byte, from the stored XML.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { withTransaction, type Pool, type PoolClient } from '@cascade/db';
import type { Logger } from '@cascade/logging';
import { buildPain001, matchPayments, parseBankCsv, parseCamt054, PaymentFileError, type NotifiedPayment } from '@cascade/payments';
import { checkBankAccount, filesFor, notificationReportOf, paymentEntriesPlannedBy, settlementCitedBy, type BankAccount, type NotificationReport } from '../domain/payments.ts';
import type { LedgerEventIn } from '../domain/planning.ts';
import * as payments from '../data-access/payments.ts';

export interface PaymentsDeps {
  pool: Pool;
  clock: () => Date;
  logger: Logger;
  /** Where pain.001 files are written (WORKFLOWS_PAYMENT_FILES_DIR). */
  filesDir: string;
}

/** Most entries one tick claims (in files of at most `transfersPerFileMax`). */
export const entriesPerTickMax = 5_000;
/** Most recorded files one round writes (each up to `transfersPerFileMax` transfers, its XML read into memory). */
const unwrittenPerTickMax = 10;

/** Plans the payment entries of one ledger event (and records the payment a settlement cites), in the consumer's transaction. */
export async function planPayments(client: PoolClient, event: LedgerEventIn & { id: string }, now: Date): Promise<void> {
  await payments.planEntries(client, paymentEntriesPlannedBy(event), event.id, now);
  const cited = settlementCitedBy(event);
  if (cited) await payments.recordCitedSettlement(client, cited, event.id, now);
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * One round of the payment-file job: records the files for every entry now due (both accounts
 * registered), then writes every recorded file not yet in the directory. Returns the ids of the
 * files recorded this round. A debtor whose file the library refuses (an account stored that a
 * file cannot carry) is logged and left out; its entries stay planned.
 */
export async function tickPaymentFiles(deps: PaymentsDeps): Promise<string[]> {
  const now = deps.clock();
  const recorded = await withTransaction(deps.pool, async (client) => {
    const due = await payments.claimDueEntries(client, entriesPerTickMax);
    if (due.length === 0) return [];
    const accounts = await payments.bankAccountsOf(client, [...new Set(due.flatMap((e) => [e.debtor, e.creditor]))]);
    const ids: string[] = [];
    for (const file of filesFor(due, accounts, now)) {
      let doc;
      try {
        doc = buildPain001(file.batch);
      } catch (error) {
        // An account stored before a rule tightened, say: this debtor's entries stay planned (and
        // are said here every round), the other debtors' files are made all the same.
        if (!(error instanceof PaymentFileError)) throw error;
        deps.logger.error({ debtor: file.debtor, entries: file.entryIds.length, code: error.code, err: error.message }, 'payment file cannot be written; its entries wait');
        continue;
      }
      const id = file.batch.messageId;
      await payments.recordFile(
        client,
        { id, debtor: file.debtor, messageId: id, fileName: doc.fileName, createdAt: now, transfers: doc.numberOfTransactions, controlSum: doc.controlSum, sha256: sha256(doc.xml), xml: doc.xml },
        file.payeeAccounts,
      );
      ids.push(id);
    }
    return ids;
  });
  await writeRecordedFiles(deps);
  if (recorded.length > 0) deps.logger.info({ files: recorded }, 'payment files recorded');
  return recorded;
}

/** Writes every recorded file that is not in the directory yet (a crash came between the two). */
export async function writeRecordedFiles(deps: PaymentsDeps): Promise<number> {
  const files = await payments.unwrittenFiles(deps.pool, unwrittenPerTickMax);
  if (files.length === 0) return 0;
  await mkdir(deps.filesDir, { recursive: true });
  for (const f of files) {
    await writeAtomically(deps.filesDir, f.fileName, f.xml, f.sha256);
    await payments.fileWritten(deps.pool, f.id, deps.clock());
  }
  return files.length;
}

/**
 * Writes `xml` as `dir/name`: into a temporary name first (synced), then renamed into place, so
 * the bank's pick-up never sees half a file. A file already there under the name must be this
 * very file (same sha256): it was written before a crash. Another one there is never replaced.
 */
async function writeAtomically(dir: string, name: string, xml: string, digest: string): Promise<void> {
  const path = join(dir, name);
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (existing !== null) {
    if (sha256(existing) === digest) return;
    throw new Error(`${path} exists with other content than the recorded file (sha256 ${digest}); a payment file is never overwritten`);
  }
  const temporary = join(dir, `.${name}.${process.pid}.tmp`);
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(xml, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  // A process stopped between its write and its rename left its temporary file: gone now.
  const leftovers = (await readdir(dir)).filter((f) => f.startsWith(`.${name}.`) && f.endsWith('.tmp'));
  for (const f of leftovers) await rm(join(dir, f), { force: true });
}

/**
 * Registers (or replaces) the party's settlement account. Entries not yet in a file are paid from
 * or to the new one; files already written keep the accounts they carry.
 * @throws PaymentFileError as `checkBankAccount`
 */
export async function registerBankAccount(deps: PaymentsDeps, partyId: string, input: Omit<BankAccount, 'partyId'>): Promise<BankAccount & { registeredAt: Date; updatedAt: Date }> {
  const account = checkBankAccount(partyId, input);
  const at = await payments.upsertBankAccount(deps.pool, account, deps.clock());
  return { ...account, ...at };
}

export type NotificationFormat = 'camt.054' | 'csv';

/** A file the import refused as a whole: nothing of it was recorded. */
export class NotificationUnreadable extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly rowErrors: { row: number; column: string | null; code: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/**
 * Imports a bank notification: parsed, matched against the entries it names that the caller
 * pays or is paid (all of them for the operator) and against the payments the caller's
 * settlements cite (every issuer's for the operator), recorded with what it settled in one
 * transaction. The same file imported again by the same party answers the first import's report
 * and changes nothing. A CSV with any bad row is refused whole, with every row's errors.
 * @throws NotificationUnreadable (a parse error or bad rows: nothing recorded)
 */
export async function importNotification(deps: PaymentsDeps, caller: { partyId: string; operator: boolean }, format: NotificationFormat, body: string): Promise<{ report: NotificationReport; replayed: boolean }> {
  const id = `${sha256(body)}:${caller.partyId}`;
  const earlier = await payments.notificationById(deps.pool, id);
  if (earlier) return { report: earlier, replayed: true };
  let notified: readonly NotifiedPayment[];
  let messageId: string | null = null;
  try {
    if (format === 'camt.054') {
      const camt = parseCamt054(body);
      notified = camt.payments;
      messageId = camt.messageId;
    } else {
      const csv = parseBankCsv(body);
      if (csv.errors.length > 0) {
        throw new NotificationUnreadable('csvRowsRefused', `${csv.errors.length} error(s) in the file's rows; nothing was imported`, csv.errors.map((e) => ({ row: e.row, column: e.column ?? null, code: e.code, message: e.message })));
      }
      notified = csv.payments;
    }
  } catch (error) {
    if (error instanceof PaymentFileError) throw new NotificationUnreadable(error.code, error.message);
    throw error;
  }
  const endToEndIds = [...new Set(notified.map((n) => n.endToEndId).filter((x): x is string => typeof x === 'string' && x.length > 0))];
  return withTransaction(deps.pool, async (client) => {
    // What the caller may not see does not exist for its import: another party's entry is unknown.
    const known = (await payments.entriesByEndToEndId(client, endToEndIds)).filter((e) => caller.operator || e.debtor === caller.partyId || e.creditor === caller.partyId);
    const bankReferences = [...new Set(notified.map((n) => n.bankReference).filter((x): x is string => typeof x === 'string' && x.length > 0))];
    const cited = await payments.citedSettlements(client, bankReferences, caller.operator ? null : caller.partyId);
    const report = notificationReportOf(
      id,
      format,
      messageId,
      matchPayments(notified, known.map((e) => ({ endToEndId: e.endToEndId, amount: e.amount, payeeAccount: e.payeeAccount }))),
      new Map(known.map((e) => [e.endToEndId, e])),
      cited,
    );
    const fresh = await payments.recordNotification(client, { id, format, importedBy: caller.partyId, at: deps.clock(), report });
    if (!fresh) return { report: (await payments.notificationById(client, id))!, replayed: true };
    return { report, replayed: false };
  });
}
