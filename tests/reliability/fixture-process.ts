import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const running = new Set<ChildProcessWithoutNullStreams>();

export interface FixtureExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

export interface FixtureProcess<R> {
  readonly child: ChildProcessWithoutNullStreams;
  /** Settles once the child has exited and every complete line it wrote has been handled. */
  readonly exited: Promise<FixtureExit>;
  /** The first report (from now on) that matches, or a rejection if the child exits first. */
  nextReport(matches: (report: R) => boolean): Promise<R>;
}

/**
 * Runs `fixtures/<name>.ts` in a child Node process. The child reports one JSON
 * object per stdout line; lines split across chunks are joined before parsing,
 * and an unfinished last line (the child was killed mid-write) is dropped.
 */
export function startFixture<R>(
  name: string,
  args: readonly string[],
  onReport: (report: R, child: ChildProcessWithoutNullStreams) => void = () => undefined,
): FixtureProcess<R> {
  const script = fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const waiters = new Set<{ matches: (r: R) => boolean; resolve: (r: R) => void }>();
  let partial = '';
  let stderr = '';
  let failure: Error | undefined;

  const handle = (line: string) => {
    const parsed = JSON.parse(line) as R;
    onReport(parsed, child);
    for (const waiter of waiters) {
      if (!waiter.matches(parsed)) continue;
      waiters.delete(waiter);
      waiter.resolve(parsed);
    }
  };

  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (failure) return;
      try {
        handle(line);
      } catch (error) {
        failure = new Error(`${name}: cannot handle report ${line}: ${String(error)}`);
        child.kill('SIGKILL');
      }
    }
  });

  const exited = new Promise<FixtureExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) =>
      failure ? reject(failure) : resolve({ code, signal, stderr }),
    );
  });
  const gone = exited.then(
    (exit) => new Error(`${name} exited before the awaited report: ${describeExit(exit)}`),
    (error: unknown) => error,
  );

  return {
    child,
    exited,
    nextReport(matches) {
      return new Promise<R>((resolve, reject) => {
        waiters.add({ matches, resolve });
        void gone.then(reject);
      });
    },
  };
}

/** Kills the fixtures this module started that are still running (after a failed test). */
export function killRunningFixtures(): void {
  for (const child of running) child.kill('SIGKILL');
}

export function describeExit(exit: FixtureExit): string {
  const how = exit.signal ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`;
  return `${how}${exit.stderr ? `, stderr:\n${exit.stderr.slice(-4000)}` : ''}`;
}
