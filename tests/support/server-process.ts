import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface ServerProcess {
  readonly base: string;
  readonly child: ChildProcess;
  /** Everything the server wrote to stderr, for failure messages. */
  stderr(): string;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

const MAIN = path.resolve('src/main.ts');

/**
 * Runs the engine (src/main.ts) as a child process and waits until it listens.
 * `onSpawn` gets the child at once, e.g. to kill it while it starts.
 */
export async function startServer(
  env: Record<string, string>,
  onSpawn?: (child: ChildProcess) => void,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onSpawn?.(child);
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    let listening = false;
    // Keeps draining stdout after start-up (a full pipe would block the server), keeping nothing.
    child.stdout?.on('data', (chunk: Buffer) => {
      if (listening) return;
      out += chunk.toString();
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes('commerce engine listening')) continue;
        listening = true;
        resolve((JSON.parse(line) as { port: number }).port);
      }
    });
    void exited.then((code) =>
      reject(new Error(`server exited (${code}) before listening:\n${err}`)),
    );
  });
  return {
    base: `http://127.0.0.1:${port}`,
    child,
    stderr: () => err,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
