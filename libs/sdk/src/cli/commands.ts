/**
 * The table of cascade subcommands. Adding one is one line here plus its own file, e.g.
 *   import { ledgerVerifyCommand } from './ledger-verify.ts';   →   ledgerVerifyCommand,
 */
import type { CliCommand } from './io.ts';
import { keysNewCommand } from './keys-new.ts';
import { verifyProofCommand } from './verify-proof.ts';
import { platformCommands } from './platform-commands.ts';
import { tradeAndRiskCommands } from './trade-commands.ts';

export const COMMANDS: readonly CliCommand[] = [
  keysNewCommand,
  verifyProofCommand,
  ...platformCommands,
  ...tradeAndRiskCommands,
];
