/** The seed's clock: time moves only when the seed moves it, and never backwards. */
export class SimulatedClock {
  constructor(private ms: number) {}

  readonly now = (): Date => new Date(this.ms);

  get time(): number {
    return this.ms;
  }

  /** Moves to `ms`, or stays where it is when that lies in the past. */
  moveTo(ms: number): void {
    this.ms = Math.max(this.ms, Math.floor(ms));
  }

  advance(ms: number): void {
    this.ms += Math.max(0, Math.floor(ms));
  }
}
