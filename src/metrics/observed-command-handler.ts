import type { Histogram } from 'prom-client';
import type { CommandHandler } from '../commands/command-handler.js';
import { isAppError } from '../errors.js';
import type { CommandLabel } from './engine-metrics.js';

const commandType = (command: unknown): string => {
  const type = (command as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : 'unknown';
};

/** How a command ended: a rejection keeps its (bounded) error code. */
function outcomeOf(error: unknown): { outcome: string; code: string } {
  if (!isAppError(error)) return { outcome: 'error', code: '' };
  if (error.code === 'CONCURRENCY_CONFLICT') return { outcome: 'conflict', code: error.code };
  return { outcome: 'rejected', code: error.code };
}

/** The command handler with every command timed by aggregate, type and outcome. */
export function observedCommandHandler(
  handler: CommandHandler,
  commands: Histogram<CommandLabel>,
): CommandHandler {
  return {
    load: (aggregate, streamId) => handler.load(aggregate, streamId),
    async handle(aggregate, streamId, command, context) {
      const end = commands.startTimer({
        aggregate: aggregate.category,
        command: commandType(command),
      });
      try {
        const result = await handler.handle(aggregate, streamId, command, context);
        end({ outcome: 'ok', code: '' });
        return result;
      } catch (error) {
        end(outcomeOf(error));
        throw error;
      }
    },
  };
}
