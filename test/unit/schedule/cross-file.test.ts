// Checks across files: duplicate ids and overlapping broadcasts on one destination.
import { expect } from 'chai';
import { loadSchedules } from '../../../src/schedule/index.js';
import { lines, tempMedia } from './helpers.js';

describe('schedule cross-file checks', () => {
  const media = tempMedia();
  after(() => media.cleanup());
  const now = new Date('2026-11-26T00:00:00Z');

  function prog(id: string, at: string, days = '[sat]', dest = '[local]', duration = '45m'): string {
    return [
      `id: ${id}`,
      `title: ${id}`,
      `duration: ${duration}`,
      'recurrence:',
      `  weekly: { days: ${days}, at: "${at}" }`,
      '  from: 2026-12-05',
      '  until: 2027-01-30',
      'source: { testPattern: {} }',
      `destinations: ${dest}`,
    ].join('\n');
  }
  const load = (files: Record<string, string>) =>
    loadSchedules(Object.keys(files), media.ctx, { now, read: (f) => files[f]! });

  it('reports an id used in two files, at the second, naming the first', () => {
    const r = load({ 'a.yaml': prog('story', '11:00'), 'b.yaml': prog('story', '15:00') });
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`)).to.deep.equal([
      'b.yaml:1:1: id "story" is already used by a.yaml:1:1; give each programme its own id',
    ]);
  });

  it('reports overlapping broadcasts on one destination in both files, naming both programmes and the local times', () => {
    const r = load({ 'a.yaml': prog('story', '11:00'), 'b.yaml': prog('workshop', '11:30', '[sat]', '[local]', '1h') });
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`)).to.deep.equal([
      'a.yaml:1:1: error: "story" overlaps "workshop" (b.yaml:1:1) on destination local: Sat 2026-12-05 11:00–11:45 and Sat 2026-12-05 11:30–12:30 (Europe/Istanbul) (and 8 more times); move one of them or use another destination',
      'b.yaml:1:1: error: "workshop" overlaps "story" (a.yaml:1:1) on destination local: Sat 2026-12-05 11:30–12:30 and Sat 2026-12-05 11:00–11:45 (Europe/Istanbul) (and 8 more times); move one of them or use another destination',
    ]);
    expect(r.programmes).to.deep.equal([]);
  });

  it('allows back-to-back broadcasts and the same time on different destinations', () => {
    const r = load({
      'a.yaml': prog('story', '11:00'),
      'b.yaml': prog('after', '11:45'),
      'c.yaml': prog('demo', '11:00', '[sat]', '[demo]'),
    });
    expect(r.diagnostics).to.deep.equal([]);
    expect(r.programmes.map((p) => p.id)).to.deep.equal(['story', 'after', 'demo']);
  });

  it('reports a programme whose broadcasts overlap each other', () => {
    const r = load({ 'a.yaml': prog('long', '11:00', '[sat, sun]', '[local]', '12h').replace('"11:00"', '["09:00", "20:00"]') });
    expect(lines(r.diagnostics)[0]).to.match(/^1:1: error: two broadcasts of "long" overlap on destination local: Sat 2026-12-05 09:00–21:00 and Sat 2026-12-05 20:00–08:00/);
  });
});
