// Occurrence ids name one broadcast each: for every rule the format accepts (seconds in a
// cron, several times a day, DST days), no two broadcasts of one expansion share an id,
// and an id reads back to its programme and nominal start.
import { expect } from 'chai';
import { Expander, type Occurrence, type Programme } from '../../../src/schedule/index.js';
import { occurrenceId, parseOccurrenceId } from '../../../src/schedule/expand.js';
import { check, exampleTexts, tempMedia } from './helpers.js';

function programme(recurrence: string[], duration = '20s'): string {
  return ['id: quiz', 'title: Quiz', `duration: ${duration}`, 'recurrence:', ...recurrence.map((l) => `  ${l}`), 'source: { testPattern: {} }', 'destinations: [local]', ''].join('\n');
}

/** Ids used by more than one broadcast of `list`. */
function duplicates(list: readonly Occurrence[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const o of list) (seen.has(o.id) ? dup : seen).add(o.id);
  return [...dup];
}

describe('occurrence ids', () => {
  const media = tempMedia();
  after(() => media.cleanup());
  const from = new Date('2026-12-01T00:00:00Z');
  const to = new Date('2027-12-01T00:00:00Z');

  it('gives two broadcasts a minute apart in seconds (cron with a seconds field) their own ids', () => {
    const r = check(programme(['cron: "0,30 0 9 * * *"', 'from: 2026-12-20', 'until: 2026-12-20']), media.ctx);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).to.deep.equal([]);
    const list = new Expander().expandAll(r.programmes, from, to);
    expect(list.map((o) => [o.id, o.localStart])).to.deep.equal([
      ['quiz@2026-12-20T09:00', '2026-12-20T09:00:00.000+03:00'],
      ['quiz@2026-12-20T09:00:30', '2026-12-20T09:00:30.000+03:00'],
    ]);
  });

  it('reads an id back to its programme and nominal start, with or without seconds', () => {
    const nominal = Date.parse('2026-12-20T09:00:30Z');
    expect(occurrenceId('quiz', nominal)).to.equal('quiz@2026-12-20T09:00:30');
    expect(parseOccurrenceId('quiz@2026-12-20T09:00:30')).to.deep.equal({ programmeId: 'quiz', nominal });
    expect(parseOccurrenceId('quiz@2026-12-20T09:00')).to.deep.equal({ programmeId: 'quiz', nominal: nominal - 30_000 });
    expect(parseOccurrenceId('quiz@tomorrow')).to.equal(undefined);
    expect(parseOccurrenceId('@2026-12-20T09:00')).to.equal(undefined);
  });

  it('never repeats an id within one expansion, for every kind of rule (and the shipped schedules)', () => {
    const rules: string[][] = [
      ['cron: "*/20 * 9 * * *"'],
      ['cron: "15,45 30 10 * * sat"'],
      ['weekly: { days: [sat, sun, sat], at: ["10:00", "14:00", "10:00"] }'],
      // DST: 02:30 does not exist on the US spring-forward day, 01:30 exists twice in autumn.
      ['weekly: { days: [sun], at: ["01:30", "02:30", "03:30"] }'],
      ['monthly: { day: last, at: ["09:00", "21:00"] }'],
      ['monthly: { nth: first, weekday: sat, at: "11:00" }'],
      ['dates: [2026-12-12T14:00, 2026-12-12T14:00, 2026-12-12T16:00]'],
      ['once: 2026-12-12T14:00'],
    ];
    const programmes: Programme[] = [];
    for (const [i, rule] of rules.entries()) {
      const zone = i === 3 ? ['timezone: America/New_York'] : [];
      const r = check(programme(rule).replace('id: quiz', `id: rule-${i}`) + zone.join('\n'), media.ctx);
      expect(r.diagnostics.filter((d) => d.severity === 'error'), rule[0]).to.deep.equal([]);
      programmes.push(...r.programmes);
    }
    for (const [i, text] of exampleTexts().entries()) programmes.push(...check(text, { ...media.ctx, mediaRoot: media.root }, `example-${i}.yaml`).programmes);
    // A month around each of New York's DST changes (a year of the every-20-s cron is slow).
    const expander = new Expander();
    const list = [
      ...expander.expandAll(programmes, new Date('2027-03-01T00:00:00Z'), new Date('2027-04-01T00:00:00Z')),
      ...expander.expandAll(programmes, new Date('2027-10-25T00:00:00Z'), new Date('2027-11-25T00:00:00Z')),
    ];
    expect(list.length).to.be.greaterThan(1000);
    expect(duplicates(list)).to.deep.equal([]);
    // Every id reads back to a broadcast of its programme.
    for (const o of list.slice(0, 500)) expect(parseOccurrenceId(o.id)?.programmeId).to.equal(o.programmeId);
  });
});
