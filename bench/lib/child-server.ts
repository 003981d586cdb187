import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { REPO_ROOT, RUNS_COMPILED, runnablePath } from './repo-root.js';

export interface ChildServer {
  readonly base: string;
  readonly child: ChildProcess;
  /** Everything the child wrote to stderr so far, for failure messages. */
  stderr(): string;
  /** Resolves with the next stdout line that satisfies `match`. */
  nextLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export interface ChildServerOptions {
  /** Shown in errors. */
  readonly name: string;
  /** The TypeScript entry point, relative to the repository root (its compiled copy runs when the benchmarks do). */
  readonly script: string;
  /** Extra modules to load before the script (`--import`), as `script`. */
  readonly preload?: readonly string[];
  /** Flags for node itself (the engine runs with those `npm start` gives it). */
  readonly nodeFlags?: readonly string[];
  readonly env: Record<string, string>;
  /** Polled with GET until it answers 200. */
  readonly readyPath: string;
  readonly readyTimeoutMs?: number;
}

/** A TCP port that was free a moment ago (the child binds it right after). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the script (compiled, or through tsx: see repo-root.ts) in its own process (its own event loop and
 * core) on a free port given as PORT, and waits until `readyPath` answers 200.
 * It listens on a port chosen here rather than announcing one, so it can run
 * with its logs silenced.
 */
export async function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  const port = await freePort();
  const imports = [...(RUNS_COMPILED ? [] : ['tsx']), ...(options.preload ?? []).map(runnablePath)];
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeFlags ?? []),
      ...imports.flatMap((i) => ['--import', i]),
      runnablePath(options.script),
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  let pending = '';
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      for (const wake of waiters) wake();
      resolve(code);
    }),
  );
  const base = `http://127.0.0.1:${port}`;

  const server: ChildServer = {
    base,
    child,
    stderr: () => err,
    nextLine(match, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${options.name}: no matching output within ${timeoutMs} ms\n${err}`));
        }, timeoutMs);
        const check = () => {
          const index = lines.findIndex(match);
          if (index >= 0) {
            const [line] = lines.splice(index, 1);
            waiters.delete(check);
            clearTimeout(timer);
            resolve(line ?? '');
          } else if (exitCode !== undefined) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`${options.name} exited (${exitCode})\n${err}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`${options.name} exited (${exitCode}) before it was ready:\n${err}`);
    }
    const ready = await fetch(`${base}${options.readyPath}`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ready) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${options.name} was not ready within the time limit:\n${err}`);
    }
    await sleep(100);
  }
}
