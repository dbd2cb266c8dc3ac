/**
 * The operator's `cascade` command (`npm run cascade -- <args>`): the SDK's client commands
 * (keys, verify-proof) plus the ledger's database commands (ledger verify, ledger proof).
 */
import { COMMANDS, processIo, runCli } from '@cascade/sdk';
import { ledgerCliCommands } from './ledger-commands.ts';
import { invoicesCliCommands } from '@cascade/invoices';
import { riskCliCommands } from '@cascade/risk';

process.exitCode = await runCli(process.argv.slice(2), processIo, [...COMMANDS, ...ledgerCliCommands, ...invoicesCliCommands, ...riskCliCommands]);
