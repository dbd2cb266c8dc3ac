/** What a subcommand may touch of the outside world, so tests can capture output. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Exit codes: 2 for a command line we cannot understand (as getopt tools do), 1 for a failure doing the work. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A mistake in the command line; the dispatcher prints it with the subcommand's usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CliCommand {
  /** Words that select the command, e.g. ['keys', 'new']. */
  readonly path: readonly string[];
  readonly summary: string;
  /** Text after "usage: cascade <path>". */
  readonly usage: string;
  /** Returns the exit code; throws UsageError for bad arguments. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}
