// Builds a broadcast engine over a real SQLite store in a temp dir, a manual clock and the
// port fakes, and records the events it emits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Occurrence } from '../../../src/schedule/types.js';
import { BroadcastEngine } from '../../../src/scheduler/engine.js';
import { DEFAULT_TIMING, type EngineDeps, type EngineTiming } from '../../../src/scheduler/engine-deps.js';
import type { BroadcastRecord, BroadcastState, EncoderHealth } from '../../../src/scheduler/ports.js';
import { createLogger } from '../../../src/shared/logger.js';
import { openDatabase, type SqliteDatabase } from '../../../src/store/sqlite/database.js';
import { SqliteBroadcastStore } from '../../../src/store/sqlite/broadcast-store.js';
import { ManualClock } from '../../support/manual-clock.js';
import { fakeDestination, fakeEncoders, fakeSchedule, type FakeDestination } from './fakes.js';

export interface Seen {
  transitions: Array<{ id: string; from: BroadcastState | undefined; to: BroadcastState; at: string }>;
  health: Array<{ id: string; health: EncoderHealth }>;
  reminders: Array<{ id: string; offsetMs: number; at: string }>;
}

/** `periodic`: the engine's periodic jobs, off unless a test is about them (tests call plan()). */
export function harness(
  occs: Occurrence[],
  start: string,
  timing: Partial<EngineTiming> = {},
  periodic: Pick<EngineDeps, 'replanEvery' | 'housekeepingEvery'> = { replanEvery: 0, housekeepingEvery: 0 },
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-engine-'));
  const db: SqliteDatabase = openDatabase(dir);
  const store = new SqliteBroadcastStore(db);
  const clock = new ManualClock(start);
  const schedule = fakeSchedule(occs);
  const destinations: Record<string, FakeDestination> = {
    alpha: fakeDestination('alpha'),
    beta: fakeDestination('beta'),
  };
  const encoders = fakeEncoders();
  const seen: Seen = { transitions: [], health: [], reminders: [] };
  const engines: BroadcastEngine[] = [];

  const build = (): BroadcastEngine => {
    const engine = new BroadcastEngine({
      schedule,
      store,
      destinations: (name) => {
        const d = destinations[name];
        if (!d) throw new Error(`unknown destination ${name}`);
        return d;
      },
      encoders,
      clock,
      timing: { ...DEFAULT_TIMING, ...timing },
      logger: createLogger('silent'),
      replanEvery: 0,
      housekeepingEvery: 0,
      ...periodic,
    });
    engine.on('transition', (r: BroadcastRecord, from) =>
      seen.transitions.push({ id: r.occurrenceId, from, to: r.state, at: clock.now().toISOString() }),
    );
    engine.on('health', (id, health) => seen.health.push({ id, health }));
    engine.on('reminder', (occ, offsetMs) => seen.reminders.push({ id: occ.id, offsetMs, at: clock.now().toISOString() }));
    engines.push(engine);
    return engine;
  };

  return {
    dir,
    db,
    store,
    clock,
    schedule,
    destinations,
    encoders,
    seen,
    build,
    /** Moves the clock to `iso` and waits for the engine to be idle. */
    async at(engine: BroadcastEngine, iso: string): Promise<void> {
      await clock.set(new Date(iso));
      await engine.settled();
    },
    /**
     * Moves the clock without waiting for idleness (a destination call may legitimately be
     * pending), then lets promise chains run a few turns.
     */
    async step(iso: string): Promise<void> {
      await clock.set(new Date(iso));
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    },
    async state(id: string): Promise<BroadcastState | undefined> {
      return (await store.get(id))?.state;
    },
    async log(id: string): Promise<string[]> {
      return (await store.transitions(id)).map((t) => `${t.from ?? '∅'}→${t.to}`);
    },
    async cleanup(): Promise<void> {
      for (const e of engines) await e.stop();
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Harness = ReturnType<typeof harness>;
