/**
 * The risk service's `cascade` commands, for credit analysts working on files:
 *
 *   cascade risk generate --out <file.csv> [--rows N] [--seed S]
 *   cascade risk train <file.csv> --target <column> [--bad <value>] [--ignore <a,b>] [--test-share 0.3] [--seed S] [--iv-min 0.02] [--description <text>] --out <scorecard.json> [--json]
 *   cascade risk evaluate <scorecard.json> <file.csv> [--target <column>] [--bad <value>] [--json]
 *   cascade risk score <scorecard.json> <file.csv> [--out <scores.csv>]
 *
 * Each reads and writes files only; the statistics are in domain/training.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { EXIT_OK, parseArgs, UsageError, type CliCommand, type CliIo } from '@cascade/sdk';
import { enterpriseFeatureLabels } from '../../domain/features.ts';
import { readScorecardFile } from '../../default-scorecard.ts';
import { score } from '../../domain/scorecard.ts';
import { generateSynthetic, syntheticRowsDefault, syntheticSeedDefault, toCsv } from '../../domain/training/synthetic.ts';
import { csvBytesMax, parseCsv, planColumn, type Table } from '../../domain/training/table.ts';
import { evaluate, train, trainDefaults } from '../../domain/training/train.ts';

function readTable(file: string): Table {
  const size = statSync(file).size;
  if (size > csvBytesMax) throw new Error(`${file} is ${size} bytes, over the limit of ${csvBytesMax}`);
  return parseCsv(readFileSync(file, 'utf8'));
}

const readScorecard = readScorecardFile;

function stringFlag(flags: Record<string, string | true>, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

function numberFlag(flags: Record<string, string | true>, name: string, check: (x: number) => boolean, rule: string): number | undefined {
  const v = stringFlag(flags, name);
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!/^[0-9.eE+-]+$/.test(v) || !Number.isFinite(x) || !check(x)) throw new UsageError(`--${name} must be ${rule}, got ${v}`);
  return x;
}

const f4 = (x: number): string => x.toFixed(4);

export const riskGenerateCommand: CliCommand = {
  path: ['risk', 'generate'],
  summary: 'write the seeded synthetic credit history the default scorecard is trained on',
  usage: `--out <file.csv> [--rows N (${syntheticRowsDefault})] [--seed S (${syntheticSeedDefault})]`,
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { out: { type: 'string' }, rows: { type: 'string' }, seed: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const out = stringFlag(flags, 'out');
    if (!out) throw new UsageError('--out is required');
    const rows = numberFlag(flags, 'rows', (x) => Number.isInteger(x) && x >= 1, 'a whole number of rows') ?? syntheticRowsDefault;
    const seed = numberFlag(flags, 'seed', Number.isSafeInteger, 'an integer') ?? syntheticSeedDefault;
    writeFileSync(out, toCsv(generateSynthetic(rows, seed)));
    io.out(`wrote ${rows} rows (seed ${seed}) to ${out}`);
    return EXIT_OK;
  },
};

export const riskTrainCommand: CliCommand = {
  path: ['risk', 'train'],
  summary: 'train a scorecard from a labelled CSV and report AUC, KS and Gini on a held-out split',
  usage: `<file.csv> --target <column> [--bad <value>] [--ignore <a,b,…>] [--test-share ${trainDefaults.testShare}] [--seed S] [--iv-min ${trainDefaults.ivMin}] [--description <text>] --out <scorecard.json> [--json]`,
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, {
      target: { type: 'string' },
      bad: { type: 'string' },
      ignore: { type: 'string' },
      'test-share': { type: 'string' },
      seed: { type: 'string' },
      'iv-min': { type: 'string' },
      description: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError('name exactly one CSV file');
    const target = stringFlag(flags, 'target');
    const out = stringFlag(flags, 'out');
    if (!target) throw new UsageError('--target is required');
    if (!out) throw new UsageError('--out is required');
    const testShare = numberFlag(flags, 'test-share', (x) => x > 0 && x < 1, 'between 0 and 1');
    const seed = numberFlag(flags, 'seed', Number.isSafeInteger, 'an integer');
    const ivMin = numberFlag(flags, 'iv-min', (x) => x >= 0 && x < 10, 'a number from 0');
    const started = performance.now();
    const table = readTable(positionals[0]!);
    const read = performance.now();
    const { scorecard, report } = train(table, {
      target,
      bad: stringFlag(flags, 'bad'),
      ignore: stringFlag(flags, 'ignore')?.split(',').map((s) => s.trim()).filter(Boolean),
      testShare,
      seed,
      ivMin,
      description: stringFlag(flags, 'description'),
    });
    const trainMs = Math.round(performance.now() - read);
    writeFileSync(out, `${JSON.stringify(scorecard, null, 2)}\n`);
    const kept = new Set(scorecard.features.map((f) => f.name));
    const summary = {
      version: scorecard.version,
      out,
      rows: report.rows,
      columns: table.columns.length,
      trainRows: report.trainRows,
      testRows: report.testRows,
      bad: report.bad,
      badRate: report.badRate,
      auc: report.test.auc,
      ks: report.test.ks,
      gini: report.test.gini,
      trainAuc: report.train.auc,
      seed: report.seed,
      testShare: report.testShare,
      features: report.columns.filter((c) => kept.has(c.name)).map((c) => ({ name: c.name, kind: c.kind, iv: c.iv, bins: c.bins, coefficient: c.coefficient })),
      dropped: report.columns.filter((c) => c.dropped).map((c) => ({ name: c.name, reason: c.dropped })),
      readMs: Math.round(read - started),
      trainMs,
    };
    if (flags.json) {
      io.out(JSON.stringify(summary));
      return EXIT_OK;
    }
    io.out(`scorecard ${scorecard.version} written to ${out}`);
    io.out(`rows ${report.rows} (train ${report.trainRows}, held out ${report.testRows}, seed ${report.seed}); bad = ${report.bad}, bad rate ${f4(report.badRate)}`);
    io.out(`held out: AUC ${f4(report.test.auc)}  KS ${f4(report.test.ks)}  Gini ${f4(report.test.gini)}   (training rows: AUC ${f4(report.train.auc)})`);
    io.out(`features used (${summary.features.length}):`);
    for (const f of summary.features) io.out(`  ${f.name.padEnd(28)} ${f.kind.padEnd(11)} IV ${f4(f.iv ?? 0)}  bins ${f.bins}  coefficient ${f4(f.coefficient ?? 0)}`);
    io.out(`columns set aside (${summary.dropped.length}):`);
    for (const d of summary.dropped) io.out(`  ${d.name.padEnd(28)} ${d.reason}`);
    io.out(`read in ${summary.readMs} ms, trained and evaluated in ${trainMs} ms`);
    return EXIT_OK;
  },
};

export const riskEvaluateCommand: CliCommand = {
  path: ['risk', 'evaluate'],
  summary: "report a scorecard's AUC, KS and Gini on any labelled CSV",
  usage: '<scorecard.json> <file.csv> [--target <column>] [--bad <value>] [--json]',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { target: { type: 'string' }, bad: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals.length !== 2) throw new UsageError('name a scorecard file and a CSV file');
    const card = readScorecard(positionals[0]!);
    const figures = evaluate(card, readTable(positionals[1]!), { target: stringFlag(flags, 'target'), bad: stringFlag(flags, 'bad') });
    const result = { version: card.version, rows: figures.rows, bads: figures.bads, badRate: figures.badRate, auc: figures.auc, ks: figures.ks, gini: figures.gini, targetMissing: figures.targetMissing };
    if (flags.json) io.out(JSON.stringify(result));
    else io.out(`scorecard ${card.version} on ${figures.rows} rows (bad rate ${f4(figures.badRate)}): AUC ${f4(figures.auc)}  KS ${f4(figures.ks)}  Gini ${f4(figures.gini)}`);
    return EXIT_OK;
  },
};

/** The column that names each row in the scores: the first identifier-like one, else the row number. */
function rowNames(table: Table): { column: string; names: string[] } {
  for (let j = 0; j < table.columns.length; j++) {
    const values = table.rows.map((r) => r[j]!);
    if (planColumn(table.columns[j]!, values).role === 'identifier') return { column: table.columns[j]!, names: values };
  }
  return { column: 'row', names: table.rows.map((_, i) => String(i + 1)) };
}

export const riskScoreCommand: CliCommand = {
  path: ['risk', 'score'],
  summary: 'score every row of a CSV with a scorecard: score, PD, grade and reasons',
  usage: '<scorecard.json> <file.csv> [--out <scores.csv>]',
  async run(args, io: CliIo) {
    const { flags, positionals } = parseArgs(args, { out: { type: 'string' } });
    if (positionals.length !== 2) throw new UsageError('name a scorecard file and a CSV file');
    const card = readScorecard(positionals[0]!);
    const table = readTable(positionals[1]!);
    const missing = card.features.map((f) => f.name).filter((n) => !table.columns.includes(n));
    if (missing.length > 0) io.err(`note: the file lacks ${missing.join(', ')}; those are scored as missing`);
    const { column, names } = rowNames(table);
    const lines: string[][] = [[column, 'score', 'pd', 'grade', 'reasons']];
    table.rows.forEach((row, i) => {
      const values = Object.fromEntries(table.columns.map((c, j) => [c, row[j]]));
      const r = score(card, values, enterpriseFeatureLabels);
      lines.push([names[i]!, String(r.score), r.pd.toFixed(6), r.grade, r.reasons.join('; ')]);
    });
    const text = stringify(lines);
    const out = stringFlag(flags, 'out');
    if (out) {
      writeFileSync(out, text);
      io.out(`scored ${table.rows.length} rows with ${card.version} into ${out}`);
    } else for (const line of text.trimEnd().split('\n')) io.out(line);
    return EXIT_OK;
  },
};

/** Registered in the `cascade` command (services/ledger/src/entry-points/cli/main.ts). */
export const riskCliCommands: CliCommand[] = [riskGenerateCommand, riskTrainCommand, riskEvaluateCommand, riskScoreCommand];
