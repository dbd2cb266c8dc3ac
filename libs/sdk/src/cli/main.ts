/** The `cascade` command (`npm run cascade -- <args>`): wiring only, see dispatch.ts and commands.ts. */
import { COMMANDS } from './commands.ts';
import { runCli } from './dispatch.ts';
import { processIo } from './io.ts';

process.exitCode = await runCli(process.argv.slice(2), processIo, COMMANDS);
