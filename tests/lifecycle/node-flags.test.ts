import fs from 'node:fs';
import path from 'node:path';
import { PROJECTION_THREAD_LIMITS } from '../../src/projections/threads/thread-heap.js';
import { ENGINE_NODE_FLAGS } from '../../src/v8-tuning.js';

const scripts = (
  JSON.parse(fs.readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

describe('the V8 heap the engine runs with', () => {
  it('npm start gives node the flags the benchmarks start the engine with', () => {
    const start = scripts.start!.split(' ');
    expect(start[0]).toBe('node');
    expect(start.slice(1, -1)).toEqual([...ENGINE_NODE_FLAGS]);
    // The in-process benchmarks (catch-up on the main thread) run as the engine does.
    for (const flag of ENGINE_NODE_FLAGS) expect(scripts.bench).toContain(flag);
  });

  it("gives projection threads the main thread's young generation (3 semispaces)", () => {
    const semispace = ENGINE_NODE_FLAGS.find((f) => f.startsWith('--max-semi-space-size='));
    expect(PROJECTION_THREAD_LIMITS.maxYoungGenerationSizeMb).toBe(
      3 * Number(semispace?.split('=')[1]),
    );
  });
});
