// The engine's periodic jobs (re-planning, housekeeping) run on the injected clock: a test
// clock moves them, and nothing runs before its time. They used to be node-cron tasks, which
// follow the server's own clock and zone whatever clock the engine was given.
import { expect } from 'chai';
import { every } from '../../../src/shared/clock.js';
import { ManualClock } from '../../support/manual-clock.js';
import { occurrence } from './fakes.js';
import { harness } from './harness.js';

describe('engine: periodic jobs on the injected clock', () => {
  it('re-plans every minute of the test clock: an occurrence entering the plan-ahead window gets its record', async () => {
    // Two hours ahead, with a one-hour plan-ahead window: not planned at start.
    const id = 'story@2026-12-05T11:00';
    const h = harness([occurrence(id, '2026-12-05T11:00:00Z', 30)], '2026-12-05T09:00:00Z', { planAhead: 3_600_000 }, { replanEvery: 60_000, housekeepingEvery: 0 });
    try {
      const engine = h.build();
      await engine.start();
      await engine.settled();
      expect(await h.state(id)).to.equal(undefined);
      await h.at(engine, '2026-12-05T10:00:30Z');
      expect(await h.state(id), 'not yet re-planned: the minute has not come').to.equal(undefined);
      await h.at(engine, '2026-12-05T10:01:00Z');
      expect(await h.state(id)).to.equal('scheduled');
    } finally {
      await h.cleanup();
    }
  });

  it('every(): runs on time, never two at once, and not after cancel', async () => {
    const clock = new ManualClock('2026-12-05T09:00:00Z');
    const runs: string[] = [];
    let release!: () => void;
    const cancel = every(
      clock,
      1000,
      () => {
        runs.push(clock.now().toISOString());
        return new Promise<void>((r) => (release = r));
      },
      () => {},
    );
    await clock.advance(999);
    expect(runs).to.deep.equal([]);
    await clock.advance(1);
    expect(runs).to.deep.equal(['2026-12-05T09:00:01.000Z']);
    await clock.advance(5000); // the first run has not settled: no second one
    expect(runs).to.have.length(1);
    release();
    await new Promise((r) => setImmediate(r));
    await clock.advance(1000);
    expect(runs).to.deep.equal(['2026-12-05T09:00:01.000Z', '2026-12-05T09:00:07.000Z']);
    cancel();
    release();
    await clock.advance(10_000);
    expect(runs).to.have.length(2);
  });
});
