/** The client SDK: for now the cascade CLI's building blocks, so services can add commands. */
export { COMMANDS } from './cli/commands.ts';
export { runCli } from './cli/dispatch.ts';
export { parseArgs } from './cli/args.ts';
export { processIo, UsageError, EXIT_OK, EXIT_FAILURE, EXIT_USAGE, type CliCommand, type CliIo } from './cli/io.ts';
export { readLedgerKey } from './cli/verify-proof.ts';
