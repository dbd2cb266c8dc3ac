/**
 * A small `--flag value` parser: enough for the cascade CLI and strict about surprises
 * (unknown flags, missing values, repeats) because a typo in a key-management command should
 * stop, not silently fall back to a default.
 */
import { UsageError } from './io.ts';

export type FlagSpec = Readonly<Record<string, { type: 'string' } | { type: 'boolean' }>>;

export interface ParsedArgs {
  flags: Record<string, string | true>;
  positionals: string[];
}

export function parseArgs(args: readonly string[], spec: FlagSpec): ParsedArgs {
  const flags: Record<string, string | true> = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const kind = spec[name];
    if (!kind) throw new UsageError(`unknown option --${name}`);
    if (name in flags) throw new UsageError(`option --${name} given twice`);
    if (kind.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`option --${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) throw new UsageError(`option --${name} needs a value`);
    flags[name] = value;
  }
  return { flags, positionals };
}
