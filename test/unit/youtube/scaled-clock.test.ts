// The rehearsal clock: starts where asked, runs N times faster, never fires a timer early.
import { expect } from 'chai';
import { ScaledClock } from '../../../src/cli/scaled-clock.js';

describe('rehearsal ScaledClock', () => {
  it('starts at the given instant and fires timers at (never before) their scaled time', async () => {
    const start = new Date('2026-12-05T07:49:30Z');
    const clock = new ScaledClock(start, 100);
    expect(Math.abs(clock.now().getTime() - start.getTime())).to.be.below(1000);
    const when = new Date(start.getTime() + 20_000); // 20 s of rehearsal time ≈ 200 ms of wall time
    const firedAt = await new Promise<Date>((resolve) => clock.at(when, () => resolve(clock.now())));
    expect(firedAt.getTime()).to.be.at.least(when.getTime());
  });

  it('cancels timers and refuses a speed that is not positive', async () => {
    const clock = new ScaledClock(new Date(), 50);
    let fired = false;
    const cancel = clock.at(new Date(clock.now().getTime() + 1000), () => (fired = true));
    cancel();
    await new Promise<void>((resolve) => clock.at(new Date(clock.now().getTime() + 2000), resolve));
    expect(fired).to.equal(false);
    expect(() => new ScaledClock(new Date(), 0)).to.throw(RangeError);
  });

  it('re-arms pending timers when the speed changes (no timer sleeps at the old speed)', async () => {
    const clock = new ScaledClock(new Date('2026-12-05T08:00:00Z'), 1);
    const when = new Date(clock.now().getTime() + 60_000); // a minute away at 1×
    const t0 = Date.now();
    const fired = new Promise<void>((resolve) => clock.at(when, resolve));
    clock.setSpeed(600); // now 100 ms away
    await fired;
    expect(Date.now() - t0).to.be.below(20_000);
    expect(clock.now().getTime()).to.be.at.least(when.getTime());
  });
});
