/**
 * The `cascade risk` commands on files, as an analyst runs them: generate, train (twice, the same
 * card and figures), evaluate --json, score — plus a CSV the trainer has never seen, and the
 * shipped default scorecard checked against training it again.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '@cascade/sdk';
import { defaultScorecardDescription, defaultScorecardFile } from '../../default-scorecard.ts';
import { enterpriseFeatureNames } from '../../domain/features.ts';
import { generateSynthetic, syntheticTarget } from '../../domain/training/synthetic.ts';
import { train } from '../../domain/training/train.ts';
import { riskCliCommands } from './index.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cascade-risk-cli-'));

async function cascade(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await runCli(argv, io, riskCliCommands);
  return { code, out, err };
}

describe('cascade risk train | evaluate | score', () => {
  const csv = path.join(dir, 'synthetic.csv');

  it('train: the same file twice gives the same scorecard file and the same figures', async () => {
    expect((await cascade('risk', 'generate', '--out', csv, '--rows', '8000', '--seed', '5')).code).toBe(0);
    const a = await cascade('risk', 'train', csv, '--target', syntheticTarget, '--out', path.join(dir, 'a.json'), '--json');
    const b = await cascade('risk', 'train', csv, '--target', syntheticTarget, '--out', path.join(dir, 'b.json'), '--json');
    expect(a.code, a.err.join('\n')).toBe(0);
    expect(readFileSync(path.join(dir, 'a.json'), 'utf8')).toBe(readFileSync(path.join(dir, 'b.json'), 'utf8'));
    const strip = (line: string) => {
      const { readMs: _r, trainMs: _t, out: _o, ...figures } = JSON.parse(line) as Record<string, unknown>;
      return figures;
    };
    expect(strip(b.out[0]!)).toEqual(strip(a.out[0]!));
    expect(strip(a.out[0]!)).toMatchObject({ rows: 8000, trainRows: 5600, testRows: 2400 });
  });

  it('evaluate --json prints one object with auc, ks, gini and rows', async () => {
    const r = await cascade('risk', 'evaluate', path.join(dir, 'a.json'), csv, '--json');
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(1);
    const figures = JSON.parse(r.out[0]!) as Record<string, number>;
    expect(figures.rows).toBe(8000);
    for (const k of ['auc', 'ks', 'gini']) expect(figures[k]).toBeGreaterThan(0.3);
  });

  it('score writes a score, PD, grade and reasons for every row, named by its identifier column', async () => {
    const out = path.join(dir, 'scores.csv');
    const r = await cascade('risk', 'score', path.join(dir, 'a.json'), csv, '--out', out);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('enterpriseId,score,pd,grade,reasons');
    expect(lines).toHaveLength(8001);
    expect(lines[1]).toMatch(/^E0000001,\d+,0\.\d{6},(AAA|AA|A|BBB|BB|B|CCC|CC|C),/);
  });

  it('trains on a CSV it has never seen: good/bad target, its own column names, missing values, an id column', async () => {
    const rows = ['customer,income,region,late_payments,status'];
    for (let i = 0; i < 3000; i++) {
      const late = i % 7 === 0 ? '' : String(i % 5);
      const bad = (i % 5 >= 3 && i % 2 === 0) || i % 11 === 0;
      rows.push(`C-${i},${(2000 + (i * 37) % 9000).toFixed(1)},${['north', 'south', 'east'][i % 3]},${late},${bad ? 'bad' : 'good'}`);
    }
    const file = path.join(dir, 'unseen.csv');
    writeFileSync(file, rows.join('\n'));
    const r = await cascade('risk', 'train', file, '--target', 'status', '--out', path.join(dir, 'unseen.json'), '--json');
    expect(r.code, r.err.join('\n')).toBe(0);
    const summary = JSON.parse(r.out[0]!) as { bad: string; features: { name: string }[]; dropped: { name: string; reason: string }[]; auc: number };
    expect(summary.bad).toBe('bad');
    expect(summary.features.map((f) => f.name)).toContain('late_payments');
    expect(summary.dropped.find((d) => d.name === 'customer')?.reason).toMatch(/identifier/);
    expect(summary.auc).toBeGreaterThan(0.6);
  });

  it('a missing --target is a usage error (exit 2); a target of three values fails with the reason (exit 1)', async () => {
    expect((await cascade('risk', 'train', csv, '--out', path.join(dir, 'x.json'))).code).toBe(2);
    const file = path.join(dir, 'three.csv');
    writeFileSync(file, 'x,y\n1,a\n2,b\n3,c\n');
    const r = await cascade('risk', 'train', file, '--target', 'y', '--out', path.join(dir, 'x.json'));
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/more than two values/);
  });
});

describe('the shipped default scorecard', () => {
  it('is what training the generated data gives today (the file and the code have not drifted)', () => {
    const shipped = JSON.parse(readFileSync(defaultScorecardFile, 'utf8')) as unknown;
    const again = train(generateSynthetic(), { target: syntheticTarget, description: defaultScorecardDescription }).scorecard;
    expect(shipped).toEqual(JSON.parse(JSON.stringify(again)));
  });

  it('uses only features the service computes for an enterprise', () => {
    const shipped = JSON.parse(readFileSync(defaultScorecardFile, 'utf8')) as { features: { name: string }[] };
    for (const f of shipped.features) expect(enterpriseFeatureNames as string[]).toContain(f.name);
  });
});
