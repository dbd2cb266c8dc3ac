/**
 * The cascade CLI's commands on trade and risk, through the gateway (the invoices and risk
 * services behind it): importing invoices from a file (streamed, with a progress bar), confirming
 * a payable (a signed `payable.confirm`, as the core enterprise), and the risk reads a supplier or
 * a funder needs — products, which fit a voucher, assessments, alerts. Same flags and exit codes as
 * the other platform commands (`--profile`, `--url`, `--json`; 0, 1, 2, 3, 4).
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import cliProgress from 'cli-progress';
import type { ImportFormat, ImportMode } from '../contract/services.ts';
import { newNonce } from '../client/signing.ts';
import { parseArgs } from './args.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliCommand } from './io.ts';
import { amount, common, guarded, one, required } from './platform-commands.ts';
import { session } from './profile.ts';

/** Files larger than this get a progress bar on a terminal (`--progress` forces it). */
export const progressBarFileBytesMin = 1024 * 1024;
const importFormats: readonly ImportFormat[] = ['csv', 'json'];
const importModes: readonly ImportMode[] = ['all-or-nothing', 'valid-rows'];

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** RFC 9530 Content-Digest of a file, read once before it is sent (it names the file in the Idempotency-Key's record). */
async function contentDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha-256=:${hash.digest('base64')}:`;
}

const invoicesImportCommand: CliCommand = {
  path: ['invoices', 'import'],
  summary: 'import invoices from a CSV or JSON file through the gateway, streamed, as the profile’s party',
  usage: '<file> [--format csv|json] [--mode all-or-nothing|valid-rows] [--progress] [--profile NAME] [--url URL] [--json]',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { ...common, format: { type: 'string' }, mode: { type: 'string' }, progress: { type: 'boolean' } });
    const file = one(positionals, 'file');
    const format = (typeof flags['format'] === 'string' ? flags['format'] : file.toLowerCase().endsWith('.json') ? 'json' : 'csv') as ImportFormat;
    if (!importFormats.includes(format)) throw new UsageError(`--format must be ${importFormats.join(' or ')}`);
    const mode = (typeof flags['mode'] === 'string' ? flags['mode'] : 'all-or-nothing') as ImportMode;
    if (!importModes.includes(mode)) throw new UsageError(`--mode must be ${importModes.join(' or ')}`);
    const size = fileSize(file);
    const json = flags['json'] === true;
    return guarded(io, json, async () => {
      const { client } = session(flags);
      const digest = await contentDigest(file);
      const showBar = flags['progress'] === true || (size > progressBarFileBytesMin && process.stderr.isTTY === true);
      const bar = showBar ? new cliProgress.SingleBar({ stream: process.stderr, format: 'importing {bar} {percentage}% | {value}/{total} bytes sent', noTTYOutput: flags['progress'] === true, etaBuffer: 50 }, cliProgress.Presets.shades_classic) : null;
      // The service reads the body as it parses and stores the rows, so the bytes sent are its progress.
      let sent = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          sent += chunk.length;
          bar?.update(sent);
          done(null, chunk);
        },
      });
      const input = createReadStream(file);
      input.on('error', (error) => counter.destroy(error));
      input.pipe(counter);
      bar?.start(size, 0);
      try {
        const summary = await client.importInvoices(Readable.toWeb(counter) as ReadableStream<Uint8Array>, { format, mode, contentDigest: digest, idempotencyKey: newNonce() });
        bar?.update(size);
        bar?.stop();
        if (json) io.out(JSON.stringify(summary));
        else {
          io.out(`${summary.rows} rows: ${summary.accepted} accepted, ${summary.refused} refused; ${summary.committed ? 'committed' : 'nothing committed'} (${mode}, ${summary.elapsedMs} ms)`);
          if (summary.error) io.out(`the file could not be read to its end: ${summary.error}`);
          for (const r of summary.refusals) io.out(`row ${r.row}: ${r.code}: ${r.detail}`);
          if (summary.refusalsTruncated) io.out('… more refused rows than the answer lists (the first 1,000)');
        }
        return summary.refused === 0 && summary.error === null && summary.committed ? EXIT_OK : EXIT_FAILURE;
      } finally {
        bar?.stop();
      }
    });
  },
};

/** `ID_OR_KEY:AMOUNT[,…]`: a UUID names an invoice by id, anything else by its key (code-number, or the 20 digits). */
function parseInvoices(spec: string): ({ invoiceId: string; amount: string } | { invoiceKey: string; amount: string })[] {
  return spec.split(',').map((part) => {
    const i = part.lastIndexOf(':');
    if (i <= 0) throw new UsageError('--invoices is INVOICE:AMOUNT[,INVOICE:AMOUNT…] (an invoice id, or its key code-number)');
    const ref = part.slice(0, i);
    const value = amount(part.slice(i + 1), 'invoices');
    return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(ref) ? { invoiceId: ref, amount: value } : { invoiceKey: ref, amount: value };
  });
}

const payablesConfirmCommand: CliCommand = {
  path: ['payables', 'confirm'],
  summary: '(core) confirm a payable to a supplier against invoices you owe (signed payable.confirm)',
  usage: '--to SUPPLIER --amount AMOUNT --due YYYY-MM-DD --invoices INVOICE:AMOUNT[,…] [--payable-id ID] [--profile NAME] [--url URL] [--json]',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { ...common, to: { type: 'string' }, amount: { type: 'string' }, due: { type: 'string' }, invoices: { type: 'string' }, 'payable-id': { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const payload = {
      payableId: typeof flags['payable-id'] === 'string' ? flags['payable-id'] : `AP-${newNonce()}`,
      payee: required(flags, 'to'),
      amount: amount(flags['amount'], 'amount'),
      dueDate: required(flags, 'due'),
      invoices: parseInvoices(required(flags, 'invoices')),
    };
    if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(payload.dueDate)) throw new UsageError('--due must be a date, YYYY-MM-DD');
    const json = flags['json'] === true;
    return guarded(io, json, async () => {
      const { client, profile, signer } = session(flags);
      const p = await client.confirmPayable(profile.partyId, payload, [signer]);
      if (json) io.out(JSON.stringify(p));
      else {
        io.out(`payable ${p.payableId}: ${p.status}${p.replayed ? ' (sent before)' : ''}, ${p.amount} to ${p.creditor} due ${p.dueDate}; four-flow score ${p.fourFlow.score} (floor ${p.fourFlow.floor})`);
        for (const r of p.fourFlow.reasons) io.out(`  −${r.points} ${r.flow}: ${r.code}: ${r.detail}`);
      }
      return EXIT_OK;
    });
  },
};

const payablesListCommand: CliCommand = {
  path: ['payables'],
  summary: 'payables you confirmed or are owed, with their four-flow score and status',
  usage: '[--limit N] [--after CURSOR] [--profile NAME] [--url URL] [--json]',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { ...common, limit: { type: 'string' }, after: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`unknown payables command ${positionals[0]}`);
    const json = flags['json'] === true;
    return guarded(io, json, async () => {
      const { client } = session(flags);
      const page = await client.listPayables({ ...(typeof flags['limit'] === 'string' ? { limit: Number(flags['limit']) } : {}), ...(typeof flags['after'] === 'string' ? { after: flags['after'] } : {}) });
      if (json) io.out(JSON.stringify(page));
      else {
        for (const p of page.items) io.out(`${p.payableId.padEnd(40)} ${p.amount.padStart(15)}  ${p.status.padEnd(9)} four-flow ${String(p.fourFlow.score).padStart(3)}  ${p.debtor} → ${p.creditor}  due ${p.dueDate}`);
        if (page.next) io.out(`more: --after ${page.next}`);
      }
      return EXIT_OK;
    });
  },
};

const riskProductsCommand: CliCommand = {
  path: ['risk', 'products'],
  summary: '(funder) your financing products; the regulator: anyone’s (--funder)',
  usage: '[--funder PARTY] [--profile NAME] [--url URL] [--json]',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { ...common, funder: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const json = flags['json'] === true;
    return guarded(io, json, async () => {
      const { client } = session(flags);
      const r = await client.listProducts(typeof flags['funder'] === 'string' ? { funder: flags['funder'] } : {});
      if (json) io.out(JSON.stringify(r));
      else for (const p of r.items) io.out(`${p.funder}/${p.productId} v${p.version} ${p.status}: ${p.name}; ${p.amountMin}–${p.amountMax}, ${p.tenorDaysMin}–${p.tenorDaysMax} days, rate ${p.annualRate}, fees ${p.fees}, grades ${p.eligibleGrades.join(' ')}`);
      return EXIT_OK;
    });
  },
};

const riskMatchCommand: CliCommand = {
  path: ['risk', 'match'],
  summary: 'which products fit a voucher you hold, cheapest first, and why the others do not',
  usage: '<voucherId> [--max-rate 0.05] [--max-fees AMOUNT] [--profile NAME] [--url URL] [--json]',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { ...common, 'max-rate': { type: 'string' }, 'max-fees': { type: 'string' } });
    const voucherId = one(positionals, 'voucher id');
    const limits = { ...(typeof flags['max-rate'] === 'string' ? { maxAnnualRate: flags['max-rate'] } : {}), ...(flags['max-fees'] !== undefined ? { maxFees: amount(flags['max-fees'], 'max-fees') } : {}) };
    const json = flags['json'] === true;
    return guarded(io, json, async () => {
      const { client } = session(flags);
      const m = await client.matchProducts(voucherId, limits);
      if (json) io.out(JSON.stringify(m));
      else {
        io.out(`voucher ${m.voucherId}, issuer grade ${m.issuerGrade}, as of ${m.asOf}`);
        for (const e of m.eligible) io.out(`  fits   ${e.funder}/${e.productId} ${e.name}: ${e.cost.days} days at ${e.cost.annualRate}: interest ${e.cost.interest} + fees ${e.cost.fees} = ${e.cost.total}, net ${e.cost.net}`);
        for (const x of m.ineligible) io.out(`  no     ${x.funder}/${x.productId} ${x.name}: ${x.reasons.map((r) => r.code).join(', ')}`);
      }
      return EXIT_OK;
    });
  },
};

const riskAssessCommand: CliCommand = {
  path: ['risk', 'assess'],
  summary: '(funder, regulator) the risk assessments of financing requests on a voucher, newest first',
  usage: '<voucherId> [--profile NAME] [--url URL] [--json]',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, common);
    const voucherId = one(positionals, 'voucher id');
    const json = flags['json'] === true;
    return guarded(io, json, async () => {
      const { client } = session(flags);
      const page = await client.listAssessments({ voucherId });
      if (json) io.out(JSON.stringify(page));
      else {
        if (page.items.length === 0) io.out(`no assessment of ${voucherId} visible to you (yet)`);
        for (const a of page.items) {
          io.out(`${a.assessedAt} ${a.result.decision.toUpperCase()}: ${a.holder} asks ${a.funder} (${a.productId}); issuer ${a.issuer ?? '?'} score ${a.result.score}, PD ${a.result.pd}, grade ${a.result.grade}`);
          for (const r of a.result.reasons) io.out(`  ${r.kind}: ${r.text}`);
          if (a.result.terms) io.out(`  terms: ${a.result.terms.days} days at ${a.result.terms.annualRate}: interest ${a.result.terms.interest}, fees ${a.result.terms.fees}, net ${a.result.terms.net}`);
        }
      }
      return EXIT_OK;
    });
  },
};

const riskAlertsCommand: CliCommand = {
  path: ['risk', 'alerts'],
  summary: '(funder, regulator) early-warning alerts addressed to you, newest first',
  usage: '[--open] [--subject PARTY] [--acknowledge ALERT_ID [--note TEXT]] [--profile NAME] [--url URL] [--json]',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { ...common, open: { type: 'boolean' }, subject: { type: 'string' }, acknowledge: { type: 'string' }, note: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const json = flags['json'] === true;
    return guarded(io, json, async () => {
      const { client } = session(flags);
      if (typeof flags['acknowledge'] === 'string') {
        const a = await client.acknowledgeAlert(flags['acknowledge'], typeof flags['note'] === 'string' ? flags['note'] : undefined);
        if (json) io.out(JSON.stringify(a));
        else io.out(`alert ${a.alertId} acknowledged at ${a.acknowledgedAt}`);
        return EXIT_OK;
      }
      const page = await client.listAlerts({ ...(flags['open'] === true ? { open: true } : {}), ...(typeof flags['subject'] === 'string' ? { subject: flags['subject'] } : {}) });
      if (json) io.out(JSON.stringify(page));
      else for (const a of page.items) io.out(`${a.raisedAt} ${a.severity.padEnd(7)} ${a.rule.padEnd(24)} ${a.subject}  ${a.acknowledgedAt ? 'acknowledged' : 'open'}  ${a.alertId}\n  ${a.text}`);
      return EXIT_OK;
    });
  },
};

export const tradeAndRiskCommands: readonly CliCommand[] = [invoicesImportCommand, payablesConfirmCommand, payablesListCommand, riskProductsCommand, riskMatchCommand, riskAssessCommand, riskAlertsCommand];
