// Recurrence expansion and RFC 5545 local time rules, in zones with DST.
import { expect } from 'chai';
import { Expander, type Occurrence, type Programme } from '../../../src/schedule/index.js';
import { check, lines, tempMedia } from './helpers.js';

describe('schedule expansion', () => {
  const media = tempMedia();
  after(() => media.cleanup());

  function programme(recurrence: string[], extra: string[] = [], timezone = 'Europe/Istanbul', duration = '30m'): Programme {
    const text = [
      'id: p',
      'title: P',
      `timezone: ${timezone}`,
      `duration: ${duration}`,
      'recurrence:',
      ...recurrence.map((l) => `  ${l}`),
      'source: { testPattern: {} }',
      'destinations: [local]',
      ...extra,
    ].join('\n');
    const r = check(text, media.ctx);
    expect(lines(r.diagnostics.filter((d) => d.severity === 'error'))).to.deep.equal([]);
    return r.programmes[0]!;
  }
  const expand = (p: Programme, from: string, to: string): Occurrence[] => new Expander().expand(p, new Date(from), new Date(to));
  const starts = (list: Occurrence[]): string[] => list.map((o) => o.localStart);

  describe('RFC 5545 local times (DST)', () => {
    it('weekly in Europe/Paris: a time in the spring-forward gap airs an hour later, with the offset before the gap', () => {
      const p = programme(['weekly: { days: [sun], at: "02:30" }', 'from: 2027-03-21', 'until: 2027-04-04'], [], 'Europe/Paris');
      const occ = expand(p, '2027-03-01T00:00:00Z', '2027-05-01T00:00:00Z');
      expect(starts(occ)).to.deep.equal(['2027-03-21T02:30:00.000+01:00', '2027-03-28T03:30:00.000+02:00', '2027-04-04T02:30:00.000+02:00']);
      expect(occ[1]!.start.toISOString()).to.equal('2027-03-28T01:30:00.000Z');
      // The id keeps the nominal time, so moving it never looks like a new broadcast.
      expect(occ[1]!.id).to.equal('p@2027-03-28T02:30');
    });

    it('weekly in Europe/Paris: a time that occurs twice at fall-back is the first one', () => {
      const p = programme(['weekly: { days: [sun], at: "02:30" }', 'from: 2027-10-31', 'count: 1'], [], 'Europe/Paris');
      const occ = expand(p, '2027-10-01T00:00:00Z', '2027-11-10T00:00:00Z');
      expect(starts(occ)).to.deep.equal(['2027-10-31T02:30:00.000+02:00']);
      expect(occ[0]!.start.toISOString()).to.equal('2027-10-31T00:30:00.000Z');
    });

    it('weekly in America/New_York: gap and fall-back', () => {
      const spring = programme(['weekly: { days: [sun], at: "02:30" }', 'from: 2027-03-14', 'count: 1'], [], 'America/New_York');
      expect(expand(spring, '2027-03-01T00:00:00Z', '2027-04-01T00:00:00Z').map((o) => [o.localStart, o.start.toISOString()])).to.deep.equal([
        ['2027-03-14T03:30:00.000-04:00', '2027-03-14T07:30:00.000Z'],
      ]);
      const fall = programme(['weekly: { days: [sun], at: "01:30" }', 'from: 2027-11-07', 'count: 1'], [], 'America/New_York');
      expect(expand(fall, '2027-11-01T00:00:00Z', '2027-11-10T00:00:00Z').map((o) => [o.localStart, o.start.toISOString()])).to.deep.equal([
        ['2027-11-07T01:30:00.000-04:00', '2027-11-07T05:30:00.000Z'],
      ]);
    });

    it('cron in Europe/Paris: the run in the gap is not skipped (node-cron would skip it), fall-back runs once', () => {
      const p = programme(['cron: "30 2 * * *"', 'from: 2027-03-27', 'until: 2027-03-29'], [], 'Europe/Paris');
      expect(starts(expand(p, '2027-03-01T00:00:00Z', '2027-04-01T00:00:00Z'))).to.deep.equal([
        '2027-03-27T02:30:00.000+01:00',
        '2027-03-28T03:30:00.000+02:00',
        '2027-03-29T02:30:00.000+02:00',
      ]);
      const fall = programme(['cron: "30 2 * * *"', 'from: 2027-10-30', 'until: 2027-11-01'], [], 'Europe/Paris');
      expect(expand(fall, '2027-10-01T00:00:00Z', '2027-11-10T00:00:00Z').map((o) => o.start.toISOString())).to.deep.equal([
        '2027-10-30T00:30:00.000Z',
        '2027-10-31T00:30:00.000Z',
        '2027-11-01T01:30:00.000Z',
      ]);
    });

    it('cron in America/New_York: runs in the gap collapse onto the real times, each instant airs once', () => {
      const p = programme(['cron: "*/30 0-4 * * *"', 'from: 2027-03-14', 'until: 2027-03-14'], [], 'America/New_York', '10m');
      const occ = expand(p, '2027-03-13T00:00:00Z', '2027-03-16T00:00:00Z');
      expect(occ.map((o) => o.localStart.slice(11, 16))).to.deep.equal(['00:00', '00:30', '01:00', '01:30', '03:00', '03:30', '04:00', '04:30']);
      expect(occ.map((o) => o.id.slice(-5))).to.deep.equal(['00:00', '00:30', '01:00', '01:30', '03:00', '03:30', '04:00', '04:30']);
      const fall = programme(['cron: "0 1 * * *"', 'from: 2027-11-07', 'until: 2027-11-07'], [], 'America/New_York', '10m');
      expect(expand(fall, '2027-11-06T00:00:00Z', '2027-11-09T00:00:00Z').map((o) => o.start.toISOString())).to.deep.equal(['2027-11-07T05:00:00.000Z']);
    });
  });

  describe('rules', () => {
    it('once, in the programme zone', () => {
      const p = programme(['once: 2027-03-20T15:00']);
      const occ = expand(p, '2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z');
      expect(occ.map((o) => [o.id, o.localStart, o.localEnd])).to.deep.equal([
        ['p@2027-03-20T15:00', '2027-03-20T15:00:00.000+03:00', '2027-03-20T15:30:00.000+03:00'],
      ]);
    });

    it('weekly with several days and times, every other week', () => {
      const p = programme(['weekly: { days: [mon, wed], at: ["10:00", "14:00"], every: 2 }', 'from: 2026-12-07', 'until: 2026-12-23']);
      expect(starts(expand(p, '2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z')).map((s) => s.slice(0, 16))).to.deep.equal([
        '2026-12-07T10:00',
        '2026-12-07T14:00',
        '2026-12-09T10:00',
        '2026-12-09T14:00',
        '2026-12-21T10:00',
        '2026-12-21T14:00',
        '2026-12-23T10:00',
        '2026-12-23T14:00',
      ]);
    });

    it('monthly: first Saturday, last Friday, the 31st (skipped in short months) and the last day', () => {
      const window = ['2027-01-01T00:00:00Z', '2027-05-01T00:00:00Z'] as const;
      const first = programme(['monthly: { nth: first, weekday: sat, at: "14:00" }']);
      expect(starts(expand(first, ...window)).map((s) => s.slice(0, 10))).to.deep.equal(['2027-01-02', '2027-02-06', '2027-03-06', '2027-04-03']);
      const lastFri = programme(['monthly: { nth: last, weekday: fri, at: "14:00" }']);
      expect(starts(expand(lastFri, ...window)).map((s) => s.slice(0, 10))).to.deep.equal(['2027-01-29', '2027-02-26', '2027-03-26', '2027-04-30']);
      const d31 = programme(['monthly: { day: 31, at: "10:00" }']);
      expect(starts(expand(d31, ...window)).map((s) => s.slice(0, 10))).to.deep.equal(['2027-01-31', '2027-03-31']);
      const last = programme(['monthly: { day: last, at: "10:00" }']);
      expect(starts(expand(last, ...window)).map((s) => s.slice(0, 10))).to.deep.equal(['2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30']);
    });

    it('dates list, and count from `from`', () => {
      const d = programme(['dates: [2027-01-27T11:00, 2027-02-03T9:30]']);
      expect(starts(expand(d, '2027-01-01T00:00:00Z', '2027-03-01T00:00:00Z'))).to.deep.equal([
        '2027-01-27T11:00:00.000+03:00',
        '2027-02-03T09:30:00.000+03:00',
      ]);
      const c = programme(['weekly: { days: [tue], at: "18:00" }', 'from: 2027-01-05', 'count: 3']);
      // The window starts after the first one: the count still runs from `from`.
      expect(starts(expand(c, '2027-01-10T00:00:00Z', '2028-01-01T00:00:00Z')).map((s) => s.slice(0, 10))).to.deep.equal(['2027-01-12', '2027-01-19']);
    });

    it('except and cancelled overrides are kept, flagged; overrides move time, length and title', () => {
      const p = programme(
        ['weekly: { days: [sat], at: "11:00" }', 'from: 2026-12-05', 'until: 2026-12-26', 'except: [2026-12-12]'],
        ['overrides:', '  2026-12-19: { at: "14:00", duration: 1h, title: { tr: Özel, en: Special } }', '  2026-12-26: { cancelled: true }'],
      );
      const occ = expand(p, '2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z');
      expect(occ.map((o) => [o.id, o.localStart.slice(0, 16), o.localEnd.slice(11, 16), o.cancelled, o.title.en])).to.deep.equal([
        ['p@2026-12-05T11:00', '2026-12-05T11:00', '11:30', false, 'P'],
        ['p@2026-12-12T11:00', '2026-12-12T11:00', '11:30', true, 'P'],
        ['p@2026-12-19T11:00', '2026-12-19T14:00', '15:00', false, 'Special'],
        ['p@2026-12-26T11:00', '2026-12-26T11:00', '11:30', true, 'P'],
      ]);
    });

    it('returns what intersects the window, in start order', () => {
      const p = programme(['weekly: { days: [sat], at: "11:00" }'], [], 'Europe/Istanbul', '1h');
      // 08:30Z is 11:30 local: the broadcast that started at 11:00 is still running.
      const occ = expand(p, '2026-12-05T08:30:00Z', '2026-12-05T08:40:00Z');
      expect(occ.map((o) => o.id)).to.deep.equal(['p@2026-12-05T11:00']);
    });
  });
});
