// What staff sockets get about the schedule files (`schedule:status`): files with problems
// only, errors first, and never more than MAX_LISTED_PROBLEMS problems in one frame.
import { expect } from 'chai';
import { scheduleStatusPayload } from '../../../src/realtime/schedule-status.js';
import { MAX_LISTED_PROBLEMS, type Diagnostic, type FileStatus } from '../../../src/schedule/index.js';

const at = new Date('2026-12-05T09:00:00Z');

function problems(file: string, n: number, severity: Diagnostic['severity']): Diagnostic[] {
  return Array.from({ length: n }, (_, i) => ({ file, line: i + 1, col: 3, severity, message: `problem ${i + 1}`, tr: `sorun ${i + 1}` }));
}

describe('schedule:status payload', () => {
  it('lists files with errors first, counts what it leaves out, and stays within the bound', () => {
    const files: FileStatus[] = [
      { file: 'schedules/a-fine.yaml', programmeIds: ['a'], diagnostics: [], loadedAt: at, lastGoodAt: at },
      { file: 'schedules/b-warned.yaml', programmeIds: ['b'], diagnostics: problems('schedules/b-warned.yaml', 2, 'warning'), loadedAt: at, lastGoodAt: at },
      {
        file: 'schedules/c-broken.yaml',
        programmeIds: ['c1', 'c2'],
        diagnostics: [...problems('schedules/c-broken.yaml', 3, 'warning'), ...problems('schedules/c-broken.yaml', 120, 'error')],
        loadedAt: new Date('2026-12-05T09:30:00Z'),
        lastGoodAt: at,
      },
      { file: 'schedules/d-new.yaml', programmeIds: [], diagnostics: problems('schedules/d-new.yaml', 1, 'error'), loadedAt: at },
    ];
    const p = scheduleStatusPayload({ version: 4, files }, new Date('2026-12-05T09:31:00Z'));
    expect(p).to.include({ at: '2026-12-05T09:31:00.000Z', ok: false, version: 4, fileCount: 4 });
    // c-broken takes the whole allowance, errors first; the two other files are counted.
    expect(p.files.map((f) => f.file)).to.deep.equal(['schedules/c-broken.yaml']);
    expect(p.moreFiles).to.equal(2);
    const c = p.files[0]!;
    expect(c.problems).to.have.length(MAX_LISTED_PROBLEMS);
    expect(c.problems.every((x) => x.severity === 'error')).to.equal(true);
    expect(c.moreProblems).to.equal(123 - MAX_LISTED_PROBLEMS);
    expect(c.problems[0]!.text).to.deep.equal({ en: 'schedules/c-broken.yaml:1:3: error: problem 1', tr: 'schedules/c-broken.yaml:1:3: hata: sorun 1' });
    expect(c).to.include({ ok: false, programmeCount: 2, loadedAt: '2026-12-05T09:30:00.000Z', lastGoodAt: '2026-12-05T09:00:00.000Z' });
    expect(c.note?.en).to.equal('the previous version of schedules/c-broken.yaml (read 2026-12-05T09:00:00.000Z) stays on air until the errors are fixed');
    expect(c.note?.tr).to.match(/önceki sürümü/);
  });

  it('shows a new broken file as not loaded, a warned file as ok, and nothing for fine files', () => {
    const files: FileStatus[] = [
      { file: 'schedules/a-fine.yaml', programmeIds: ['a'], diagnostics: [], loadedAt: at, lastGoodAt: at },
      { file: 'schedules/b-warned.yaml', programmeIds: ['b'], diagnostics: problems('schedules/b-warned.yaml', 1, 'warning'), loadedAt: at, lastGoodAt: at },
      { file: 'schedules/d-new.yaml', programmeIds: [], diagnostics: problems('schedules/d-new.yaml', 1, 'error'), loadedAt: at },
    ];
    const p = scheduleStatusPayload({ version: 1, files }, at);
    expect(p.files.map((f) => [f.file, f.ok, f.note?.en ?? null])).to.deep.equal([
      ['schedules/d-new.yaml', false, 'schedules/d-new.yaml is not loaded until its errors are fixed; none of its programmes is on the air'],
      ['schedules/b-warned.yaml', true, null],
    ]);
    expect(p.moreFiles).to.equal(0);
    expect(scheduleStatusPayload({ version: 1, files: [files[0]!] }, at)).to.include({ ok: true, fileCount: 1, moreFiles: 0 }).and.to.have.property('files').that.deep.equals([]);
  });
});
