// ZoneOffsets.toUtc remembers a steady offset per local day; it must give exactly the
// RFC 5545 answer (earliest of an ambiguous pair, the offset before a gap) everywhere.
import { expect } from 'chai';
import { IANAZone } from 'luxon';
import { ZoneOffsets } from '../../../src/schedule/index.js';

const DAY = 86_400_000;
const MIN = 60_000;

/** The rule computed from luxon's offsets directly, without the per-day memory. */
function reference(zone: IANAZone, local: number, memo: Map<number, number>): number {
  const offset = (t: number): number => {
    let o = memo.get(t);
    if (o === undefined) memo.set(t, (o = zone.offset(t)));
    return o;
  };
  const before = offset(local - DAY);
  const after = offset(local + DAY);
  const fits = [...new Set([before, after])].map((o) => local - o * MIN).filter((u) => offset(u) * MIN === local - u);
  return fits.length ? Math.min(...fits) : local - before * MIN;
}

describe('ZoneOffsets.toUtc', () => {
  // Zones with 1-hour and 30-minute DST, a southern-hemisphere one, and Samoa's skipped day (2011-12-30).
  for (const [name, fromYear] of [
    ['Europe/Istanbul', 2015],
    ['America/New_York', 2026],
    ['Australia/Lord_Howe', 2026],
    ['America/Santiago', 2026],
    ['Pacific/Apia', 2011],
  ] as const) {
    it(`agrees with the uncached rule every 30 minutes over a year in ${name}`, () => {
      const zones = new ZoneOffsets();
      const zone = IANAZone.create(name);
      const start = Date.UTC(fromYear, 0, 1);
      const memo = new Map<number, number>();
      let transitions = 0;
      for (let local = start; local < start + 366 * DAY; local += 30 * MIN) {
        const got = zones.toUtc(name, local);
        expect(got, `${name} ${new Date(local).toISOString()}`).to.equal(reference(zone, local, memo));
        if (memo.get(local - DAY) !== memo.get(local + DAY)) transitions++;
      }
      // The year really holds offset changes (the comparison is not only over steady days).
      expect(transitions).to.be.greaterThan(0);
    });
  }
});
