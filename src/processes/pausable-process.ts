import type { RunningProcess } from './process-runner.js';

/**
 * A process that can be paused: pausing stops its runner (saving the
 * checkpoint); resuming starts a new one from that checkpoint, which then
 * handles every event that arrived meanwhile. Bulk writers that do the
 * process's work themselves (the demo-shop seed) or must not be interleaved
 * with it (a log import) pause it. Pauses nest.
 */
export class PausableProcess implements RunningProcess {
  private running: RunningProcess | undefined;
  private ready: Promise<RunningProcess>;
  private pauses = 0;
  private stopped = false;
  private lastPosition: string | undefined;
  private openGate: (() => void) | undefined;

  constructor(
    first: RunningProcess,
    private readonly restart: () => Promise<RunningProcess>,
  ) {
    this.running = first;
    this.ready = Promise.resolve(first);
  }

  position(): string | undefined {
    return this.running?.position() ?? this.lastPosition;
  }

  inFlight(): number {
    return this.running?.inFlight() ?? 0;
  }

  /** While paused, waits for the resumed runner. */
  async waitFor(position: string): Promise<void> {
    await (await this.ready).waitFor(position);
  }

  /** Stops taking events until the returned function is called. */
  async pause(): Promise<() => Promise<void>> {
    this.pauses += 1;
    if (this.pauses === 1) {
      const stopping = this.running;
      this.running = undefined;
      const gate = new Promise<void>((resolve) => (this.openGate = resolve));
      this.ready = gate.then(async () => {
        const next = await this.restart();
        this.running = next;
        return next;
      });
      if (stopping) {
        await stopping.stop();
        this.lastPosition = stopping.position();
      }
    }
    let resumed = false;
    return async () => {
      if (resumed) return;
      resumed = true;
      this.pauses -= 1;
      if (this.pauses === 0 && !this.stopped) {
        this.openGate?.();
        await this.ready;
      }
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.stop();
  }
}
