import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { isAppError } from '../errors.js';
import { deadLettersCommand } from './commands/dead-letters-command.js';
import { logCommands } from './commands/log-commands.js';
import { projectionsCommand } from './commands/projections-command.js';
import { seedCommand } from './commands/seed-command.js';
import { serveCommand } from './commands/serve-command.js';
import { streamsCommand } from './commands/streams-command.js';
import { writeErr } from './render.js';

export function buildProgram(): Command {
  const program = new Command('commerce')
    .description(
      'The commerce engine and its operator commands. Works on DATA_DIR (embedded stores) or on EVENTSTORE_URL / MONGODB_URL when set.',
    )
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  serveCommand(program);
  streamsCommand(program);
  projectionsCommand(program);
  deadLettersCommand(program);
  logCommands(program);
  seedCommand(program);
  return program;
}

/** One line for an error: what went wrong, without a stack. */
export function describeCliError(error: unknown): string {
  if (isAppError(error)) return `${error.message} (${error.code})`;
  if (error instanceof ConfigError) return error.message;
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}

/** Runs the command line; resolves with the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // Commander has already printed its own usage errors and help.
    if (error instanceof CommanderError) return error.exitCode;
    writeErr(`commerce: ${describeCliError(error)}`);
    return 1;
  }
}
