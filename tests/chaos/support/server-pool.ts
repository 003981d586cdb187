import type { ChildProcess } from 'node:child_process';
import { startServer, type ServerProcess } from '../../support/server-process.js';
import type { Random } from './random.js';

export const ADMIN = { email: 'chaos-admin@shop.test', password: 'chaos-admin-password' };

/** One server slot's history, for the report. */
export interface PoolStats {
  starts: number;
  kills: number;
  /** Kills that landed before the server listened. */
  killsDuringStart: number;
}

/**
 * Servers on one data directory, each in its own process. Clients ask for a
 * live one (and wait while none is); the chaos loop SIGKILLs and restarts them.
 */
export class ServerPool {
  readonly stats: PoolStats = { starts: 0, kills: 0, killsDuringStart: 0 };
  private readonly live = new Map<number, ServerProcess>();
  private waiting: (() => void)[] = [];
  private readonly exits: string[] = [];

  constructor(
    private readonly dataDir: string,
    private readonly env: Record<string, string> = {},
  ) {}

  /** The base URL of a live server, waiting for one to come up when none is. */
  async anyLive(random: Random): Promise<string> {
    for (;;) {
      const servers = [...this.live.values()];
      if (servers.length > 0) return random.pick(servers).base;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  baseOf(slot: number): string {
    const server = this.live.get(slot);
    if (!server) throw new Error(`server ${slot} is not running`);
    return server.base;
  }

  /** Starts the slot's server and waits until it listens. */
  async start(slot: number, extraEnv: Record<string, string> = {}): Promise<void> {
    const server = await this.spawn(extraEnv);
    this.up(slot, server);
  }

  /**
   * Starts the slot's server and SIGKILLs it `afterMs` after spawning, whether
   * or not it listens by then (a kill during start-up), then starts it again.
   */
  async killDuringStart(slot: number, afterMs: number, extraEnv: Record<string, string> = {}) {
    let child: ChildProcess | undefined;
    const timer = new Promise<void>((resolve) => setTimeout(resolve, afterMs));
    const starting = this.spawn(extraEnv, (c) => (child = c)).then(
      (server) => server,
      () => undefined,
    );
    await timer;
    this.stats.kills += 1;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    const server = await starting;
    if (server) await server.kill('SIGKILL');
    else this.stats.killsDuringStart += 1;
    await this.start(slot, extraEnv);
  }

  /** SIGKILLs the slot's server: no shutdown, no flush, requests in flight are cut. */
  async kill(slot: number): Promise<void> {
    const server = this.live.get(slot);
    if (!server) throw new Error(`server ${slot} is not running`);
    this.live.delete(slot);
    this.stats.kills += 1;
    await server.kill('SIGKILL');
  }

  /**
   * Stops the slot's server cleanly (SIGTERM) and returns its exit code; one
   * that has not stopped within `graceMs` is SIGKILLed and reported.
   */
  async stop(slot: number, graceMs = 20_000): Promise<number | null> {
    const server = this.live.get(slot);
    if (!server) return null;
    this.live.delete(slot);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>(
      (resolve) => (timer = setTimeout(() => resolve('late'), graceMs)),
    );
    const code = await Promise.race([server.kill('SIGTERM'), late]).finally(() =>
      clearTimeout(timer),
    );
    if (code === 'late') {
      await server.kill('SIGKILL');
      this.exits.push(
        `server ${slot} did not stop within ${graceMs} ms of SIGTERM:\n${server.stderr()}`,
      );
      return null;
    }
    if (code !== 0) this.exits.push(`server ${slot} stopped with ${code}:\n${server.stderr()}`);
    return code;
  }

  /** SIGKILLs whatever still runs (after a failure). */
  async killAll(): Promise<void> {
    await Promise.all([...this.live.values()].map((server) => server.kill('SIGKILL')));
    this.live.clear();
  }

  /** What the servers wrote to stderr when they did not stop cleanly. */
  problems(): readonly string[] {
    return this.exits;
  }

  private async spawn(
    extraEnv: Record<string, string>,
    onSpawn?: (child: ChildProcess) => void,
  ): Promise<ServerProcess> {
    this.stats.starts += 1;
    return startServer(
      {
        DATA_DIR: this.dataDir,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        PAYMENT_TIMEOUT_MS: '1000',
        ...this.env,
        ...extraEnv,
      },
      onSpawn,
    );
  }

  private up(slot: number, server: ServerProcess): void {
    this.live.set(slot, server);
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}
