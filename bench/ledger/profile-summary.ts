/**
 * Summarises a Node .cpuprofile by component; `npx tsx bench/ledger/profile-summary.ts <dir>`
 * prints the summary of the profile in `dir` (the ledger benchmark calls it with --profile).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The ledger's .cpuprofile summarised by component. A sample inside Node itself (a builtin, the
 * event loop, a socket write) is charged to the nearest caller that is not: so `JSON.stringify`
 * called by pg counts as JSON, a socket write under kafkajs as kafkajs. Components: our code
 * (by package), each dependency, JSON, crypto (signatures and hashes, ours and Node's), zlib, GC.
 */
export function summariseProfile(dir: string, root: string, say: (line: string) => void): void {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return say('no profile written');
  say(`  (profile: ${path.join(dir, file)})`);
  const prof = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const selfUs = new Map<number, number>();
  prof.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const where = (url: string) => url.replace(/^file:\/\//, '').replace(root + '/', '');
  /** The component of one frame, or null when the frame is Node's own (charge it to the caller). */
  const componentOf = (f: { functionName: string; url: string }): string | null => {
    const w = where(f.url);
    if (f.functionName === '(garbage collector)') return 'GC';
    if (f.functionName === '(idle)') return '(idle)';
    if (f.functionName === '(program)') return '(program)';
    if (w === '' && (f.functionName === 'parse' || f.functionName === 'stringify')) return 'JSON';
    if (w.startsWith('node:internal/crypto') || w.startsWith('libs/crypto/')) return 'crypto';
    if (w.startsWith('node:zlib') || w.startsWith('node:internal/zlib')) return 'zlib';
    if (w.includes('node_modules/')) {
      const rest = w.split('node_modules/').at(-1)!;
      return rest.startsWith('@') ? rest.split('/').slice(0, 2).join('/') : rest.split('/')[0]!;
    }
    if (w.startsWith('services/') || w.startsWith('libs/')) return `ours: ${w.split('/').slice(0, 2).join('/')}`;
    return null;
  };
  const byArea = new Map<string, number>();
  const byFn = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    total += us;
    let area: string | null = null;
    for (let cur: number | undefined = id; cur !== undefined && area === null; cur = parentOf.get(cur)) area = componentOf(byId.get(cur)!.callFrame);
    area ??= 'node (event loop, I/O)';
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${where(f.url)}:${f.lineNumber + 1}`;
    if (f.functionName !== '(idle)') byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  const busy = total - (byArea.get('(idle)') ?? 0);
  const top = (m: Map<string, number>, n: number, of: number) => [...m].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `  ${((v / of) * 100).toFixed(1).padStart(5)} %  ${k}`);
  say(`ledger CPU profile — ${((busy / total) * 100).toFixed(0)} % busy; share of busy time by component:`);
  for (const l of top(byArea, 16, busy)) say(l);
  say('hottest functions (self time, share of busy time):');
  for (const l of top(byFn, 15, busy)) say(l);
}


if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: profile-summary.ts <directory holding a .cpuprofile>');
  summariseProfile(dir, path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'), (l) => process.stdout.write(`${l}\n`));
}
