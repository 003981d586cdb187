import type { Chart } from './charts.js';

/** What every benchmark module provides to the runner (bench/run.ts). */
export interface SuiteContext {
  /** Smaller sizes and fewer runs, for smoke-testing the harness. */
  readonly quick: boolean;
  readonly log: (message: string) => void;
}

export interface Suite<Results> {
  /** Selects the suite on the command line and names its section and results file. */
  readonly name: string;
  readonly title: string;
  /** Measures; the results must survive a JSON round trip (bench/results/<name>.json). */
  run(context: SuiteContext): Promise<Results>;
  /** The section body for BENCHMARKS.md, from the results alone. */
  render(results: Results): string;
  /** Charts drawn from the results alone; the runner writes them as SVG and links them below the section. */
  charts?(results: Results): readonly Chart[];
}
