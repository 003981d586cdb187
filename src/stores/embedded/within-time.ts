import vm from 'node:vm';
import { ReadStoreLimitError } from '../read-store.js';

const context = vm.createContext({});
const script = new vm.Script('work()');

/**
 * Runs synchronous `work` and interrupts it once it has run `timeoutMs`: a
 * check between documents cannot stop one document's expression that runs
 * for ever (a backtracking regular expression, nested `$map`s over
 * `$range`s). V8 terminates whatever is running, so nothing in `work` gets
 * to clean up: the caller releases what `work` held open.
 */
export function withinTime<R>(timeoutMs: number, work: () => R, what: string): R {
  context.work = work;
  try {
    return script.runInContext(context, { timeout: Math.max(1, Math.ceil(timeoutMs)) }) as R;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new ReadStoreLimitError(`${what} ran past ${timeoutMs} ms`);
    }
    throw error;
  } finally {
    delete context.work;
  }
}
