import Database from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { comparePositions } from '../../src/stores/position.js';
import { SqliteEventStore } from '../../src/stores/sqlite/sqlite-event-store.js';
import { AppendLedger } from './append-ledger.js';
import { describeExit, killRunningFixtures, startFixture } from './fixture-process.js';
import type { LoadReport } from './fixtures/load-report.js';
import { auditStore } from './store-audit.js';

const ROUNDS = 12;
const STREAMS = 6;
const CONCURRENT_APPENDS = 16;

type KillPlan =
  | { readonly after: 'acks'; readonly count: number }
  | { readonly after: 'ready' | 'spawn'; readonly ms: number };

const randomInt = (below: number) => Math.floor(Math.random() * below);
const recovered = () => [{ eventId: uuidv7(), type: 'Recovered', data: {} }];

/** Mostly mid-load; every fourth round during start-up, while the store may be recovering. */
function killPlan(round: number): KillPlan {
  if (round % 4 === 1) return { after: 'ready', ms: randomInt(100) };
  if (round % 4 === 3) return { after: 'spawn', ms: randomInt(700) };
  return { after: 'acks', count: 1 + randomInt(400) };
}

/** Runs one writer on the data dir until the plan's SIGKILL, recording its reports. */
async function runUntilKilled(dataDir: string, plan: KillPlan, ledger: AppendLedger) {
  let acks = 0;
  let timer: NodeJS.Timeout | undefined;
  const killIn = (child: ChildProcess, ms: number) => {
    timer = setTimeout(() => child.kill('SIGKILL'), ms);
  };
  const writer = startFixture<LoadReport>(
    'append-under-load',
    [dataDir, String(STREAMS), String(CONCURRENT_APPENDS)],
    (report, child) => {
      ledger.record(report);
      if (report.kind === 'acked') acks += 1;
      if (plan.after === 'acks' && report.kind === 'acked' && acks === plan.count)
        child.kill('SIGKILL');
      if (plan.after === 'ready' && report.kind === 'ready') killIn(child, plan.ms);
    },
  );
  if (plan.after === 'spawn') killIn(writer.child, plan.ms);
  const exit = await writer.exited.finally(() => clearTimeout(timer));
  if (exit.signal !== 'SIGKILL')
    throw new Error(`append-under-load was not killed but ended: ${describeExit(exit)}`);
}

const firstOf = (violations: readonly string[], count = 20) =>
  violations.length > count
    ? [...violations.slice(0, count), `... and ${violations.length - count} more`]
    : violations;

function integrityCheck(dataDir: string): unknown {
  const db = new Database(path.join(dataDir, 'events.sqlite'), { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true });
  } finally {
    db.close();
  }
}

describe('SqliteEventStore killed under load', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'es-crash-'));
  });
  afterEach(() => {
    killRunningFixtures();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged append, whole and in order, across repeated SIGKILLs', async () => {
    const ledger = new AppendLedger();
    for (let round = 0; round < ROUNDS; round++)
      await runUntilKilled(dataDir, killPlan(round), ledger);
    expect(ledger.counts.acked).toBeGreaterThan(0);

    const store = await SqliteEventStore.open({ dataDir });
    try {
      const audit = await auditStore(store);
      const violations = {
        log: firstOf(audit.violations),
        appends: firstOf(ledger.violations(audit.events, 'load-')),
      };
      expect(violations).toEqual({ log: [], appends: [] });

      const head = audit.events.at(-1)?.position ?? '0';
      for (const [streamId, events] of audit.streams) {
        const result = await store.appendToStream(streamId, recovered(), {
          expectedRevision: events.length - 1,
        });
        expect(result.nextRevision).toBe(events.length);
        expect(comparePositions(result.position, head)).toBeGreaterThan(0);
      }
      const fresh = await store.appendToStream('load-after', recovered(), {
        expectedRevision: 'no_stream',
      });
      expect(fresh.nextRevision).toBe(0);
      expect((await auditStore(store)).violations).toEqual([]);
    } finally {
      await store.close();
    }
    expect(integrityCheck(dataDir)).toBe('ok');
  });
});
