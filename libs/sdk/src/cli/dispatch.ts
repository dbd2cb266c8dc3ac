/**
 * Picks the subcommand whose path matches the most leading words of argv, runs it, and turns
 * usage mistakes and unexpected errors into a message and an exit code.
 */
import { EXIT_FAILURE, EXIT_USAGE, UsageError, type CliCommand, type CliIo } from './io.ts';

function helpText(commands: readonly CliCommand[]): string[] {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  return ['usage: cascade <command> [options]', '', 'commands:', ...commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`)];
}

function findCommand(argv: readonly string[], commands: readonly CliCommand[]): CliCommand | undefined {
  let best: CliCommand | undefined;
  for (const command of commands) {
    const matches = command.path.every((word, i) => argv[i] === word);
    if (matches && (!best || command.path.length > best.path.length)) best = command;
  }
  return best;
}

export async function runCli(argv: readonly string[], io: CliIo, commands: readonly CliCommand[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    for (const line of helpText(commands)) (argv.length === 0 ? io.err : io.out)(line);
    return argv.length === 0 ? EXIT_USAGE : 0;
  }
  const command = findCommand(argv, commands);
  if (!command) {
    io.err(`cascade: unknown command "${argv.join(' ')}"`);
    for (const line of helpText(commands)) io.err(line);
    return EXIT_USAGE;
  }
  const args = argv.slice(command.path.length);
  const usage = `usage: cascade ${command.path.join(' ')} ${command.usage}`;
  if (args.includes('--help') || args.includes('-h')) {
    io.out(usage);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`cascade ${command.path.join(' ')}: ${error.message}`);
      io.err(usage);
      return EXIT_USAGE;
    }
    io.err(`cascade ${command.path.join(' ')}: ${(error as Error)?.message ?? String(error)}`);
    return EXIT_FAILURE;
  }
}
