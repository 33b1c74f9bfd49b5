// Hot reload with real files in a temp folder: the service watches it like the server does.
import { expect } from 'chai';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScheduleService, type FileStatus } from '../../src/schedule/index.js';
import { createLogger } from '../../src/shared/logger.js';
import { systemClock } from '../../src/shared/clock.js';
import type { ScheduleReader } from '../../src/scheduler/ports.js';

function programme(id: string, at: string, title = id): string {
  return [
    '# yaml-language-server: $schema=../docs/schedule.schema.json',
    `id: ${id}`,
    `title: { tr: ${title}, en: ${title} }`,
    'duration: 45m',
    'recurrence:',
    `  weekly: { days: [sat], at: "${at}" }`,
    'source: { testPattern: {} }',
    'destinations: [local]',
    '',
  ].join('\n');
}

describe('schedule hot reload (real files)', function () {
  this.timeout(20_000);
  let dir: string;
  let media: string;
  let service: ScheduleService;

  function waitFile(file: string, pred: (s: FileStatus) => boolean = () => true): Promise<FileStatus> {
    return new Promise((resolve) => {
      const off = service.on('file', (s: FileStatus) => {
        if (path.basename(s.file) === file && pred(s)) {
          off();
          resolve(s);
        }
      });
    });
  }
  const ids = (): string[] => service.snapshot().programmes.map((p) => p.id);

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'onair-schedules-'));
    media = mkdtempSync(path.join(os.tmpdir(), 'onair-media-'));
    writeFileSync(path.join(dir, 'story.yaml'), programme('story', '11:00'));
    service = new ScheduleService({
      dir,
      mediaRoot: media,
      destinations: ['local'],
      defaultTimezone: 'Europe/Istanbul',
      maxDurationMs: 12 * 3600_000,
      debounceMs: 150,
      clock: systemClock,
      logger: createLogger('silent'),
    });
    await service.start();
  });

  afterEach(async () => {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(media, { recursive: true, force: true });
  });

  it('loads the folder at start, and is the ScheduleReader the engine reads', () => {
    const reader = service satisfies ScheduleReader;
    const [first] = reader.occurrences(new Date('2026-12-04T00:00:00Z'), new Date('2026-12-06T00:00:00Z'));
    expect(first?.id).to.equal('story@2026-12-05T11:00');
    expect(reader.find('story@2026-12-05T11:00')?.localStart).to.equal('2026-12-05T11:00:00.000+03:00');
    expect(reader.find('story@2026-12-05T11:30')).to.equal(undefined);
    expect(ids()).to.deep.equal(['story']);
    expect(service.snapshot().files.map((f) => [path.basename(f.file), f.programmeIds])).to.deep.equal([['story.yaml', ['story']]]);
  });

  it('puts a saved change in force within a second', async () => {
    const changed = new Promise<number>((resolve) => service.onChange(() => resolve(Date.now())));
    const t0 = Date.now();
    writeFileSync(path.join(dir, 'story.yaml'), programme('story', '15:00', 'Masal'));
    const elapsed = (await changed) - t0;
    // The issue asks for one second; the margin covers a busy 2-core CI machine.
    expect(elapsed).to.be.below(2000);
    const next = service.occurrences(new Date('2026-12-04T00:00:00Z'), new Date('2026-12-06T00:00:00Z'));
    expect(next.map((o) => [o.localStart, o.title.en])).to.deep.equal([['2026-12-05T15:00:00.000+03:00', 'Masal']]);
    expect(service.snapshot().version).to.equal(2);
  });

  it('picks up a new file, and an atomic save (write to temp, rename)', async () => {
    let status = waitFile('book.yaml');
    writeFileSync(path.join(dir, 'book.yaml'), programme('book', '14:00'));
    expect((await status).programmeIds).to.deep.equal(['book']);
    status = waitFile('book.yaml', (s) => s.programmeIds.includes('book-2'));
    writeFileSync(path.join(dir, '.book.yaml.tmp'), programme('book-2', '16:00'));
    renameSync(path.join(dir, '.book.yaml.tmp'), path.join(dir, 'book.yaml'));
    await status;
    expect(ids()).to.deep.equal(['book-2', 'story']);
  });

  it('keeps the last good version of a file that became invalid, with the error at file:line:col', async () => {
    let changes = 0;
    service.onChange(() => changes++);
    const status = waitFile('story.yaml', (s) => s.diagnostics.length > 0);
    writeFileSync(path.join(dir, 'story.yaml'), programme('story', '15:00').replace('duration: 45m', 'duration: 45 minutes'));
    const s = await status;
    expect(s.programmeIds).to.deep.equal(['story']);
    expect(s.lastGoodAt).to.be.instanceOf(Date);
    expect(s.diagnostics.map((d) => `${path.basename(d.file)}:${d.line}:${d.col}: ${d.severity}`)).to.deep.equal(['story.yaml:4:11: error']);
    expect(changes).to.equal(0);
    // Still the old time.
    const occ = service.occurrences(new Date('2026-12-04T00:00:00Z'), new Date('2026-12-06T00:00:00Z'));
    expect(occ.map((o) => o.localStart.slice(11, 16))).to.deep.equal(['11:00']);
    // Fixing it puts the new version in force and clears the error.
    const fixed = waitFile('story.yaml', (s2) => s2.diagnostics.length === 0);
    writeFileSync(path.join(dir, 'story.yaml'), programme('story', '15:00'));
    await fixed;
    expect(service.occurrences(new Date('2026-12-04T00:00:00Z'), new Date('2026-12-06T00:00:00Z'))[0]!.localStart.slice(11, 16)).to.equal('15:00');
  });

  it('tells whether a programme is in force, surely gone, or unknown while a file is invalid', async () => {
    expect(service.standing('story')).to.equal('in-force');
    expect(service.standing('puppets')).to.equal('gone');
    const broken = waitFile('puppets.yaml', (s) => s.diagnostics.length > 0);
    writeFileSync(path.join(dir, 'puppets.yaml'), programme('puppets', '15:00').replace('duration: 45m', 'duration: 45 minutes'));
    await broken;
    // puppets.yaml has no good version: any programme missing may be in it.
    expect(service.standing('puppets')).to.equal('unknown');
    expect(service.standing('story')).to.equal('in-force');
    const mended = waitFile('puppets.yaml', (s) => s.diagnostics.length === 0);
    writeFileSync(path.join(dir, 'puppets.yaml'), programme('shadows', '15:00'));
    await mended;
    expect(service.standing('puppets')).to.equal('gone');
  });

  it('refuses a change that would overlap another file, keeping both in force as they were', async () => {
    let status = waitFile('book.yaml');
    writeFileSync(path.join(dir, 'book.yaml'), programme('book', '14:00'));
    await status;
    status = waitFile('book.yaml', (s) => s.diagnostics.length > 0);
    writeFileSync(path.join(dir, 'book.yaml'), programme('book', '11:30'));
    const s = await status;
    expect(s.diagnostics[0]!.message).to.match(/^"book" overlaps "story" .* on destination local: Sat \d{4}-\d\d-\d\d 11:30–12:15 and Sat \d{4}-\d\d-\d\d 11:00–11:45/);
    expect(s.programmeIds).to.deep.equal(['book']);
    const occ = service.occurrences(new Date('2026-12-04T00:00:00Z'), new Date('2026-12-06T00:00:00Z'));
    expect(occ.map((o) => `${o.programmeId} ${o.localStart.slice(11, 16)}`)).to.deep.equal(['story 11:00', 'book 14:00']);
    // Moving the other programme away lets the refused version in.
    const accepted = waitFile('book.yaml', (x) => x.diagnostics.length === 0);
    writeFileSync(path.join(dir, 'story.yaml'), programme('story', '09:00'));
    await accepted;
    const after = service.occurrences(new Date('2026-12-04T00:00:00Z'), new Date('2026-12-06T00:00:00Z'));
    expect(after.map((o) => `${o.programmeId} ${o.localStart.slice(11, 16)}`)).to.deep.equal(['story 09:00', 'book 11:30']);
  });

  it('removes the programmes of a deleted file', async () => {
    const changed = new Promise<void>((resolve) => service.onChange(() => resolve()));
    unlinkSync(path.join(dir, 'story.yaml'));
    await changed;
    expect(ids()).to.deep.equal([]);
    expect(service.snapshot().files).to.deep.equal([]);
    expect(service.occurrences(new Date('2026-12-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'))).to.deep.equal([]);
  });

  it('never reads a half-written file as an empty programme', async () => {
    let changes = 0;
    service.onChange(() => changes++);
    // An editor truncates the file first, then writes the new text.
    let status = waitFile('story.yaml', (s) => s.diagnostics.length > 0);
    writeFileSync(path.join(dir, 'story.yaml'), '');
    let s = await status;
    // An existing schedule emptied is an error (nobody may read it as fine), and the last
    // good version stays in force meanwhile.
    expect(s.diagnostics.map((d) => d.severity)).to.deep.equal(['error']);
    expect(s.diagnostics[0]!.message).to.match(/^the file is empty/);
    expect(s.programmeIds).to.deep.equal(['story']);
    expect(ids()).to.deep.equal(['story']);
    // Cut in the middle of a line: invalid, so the last good version stays.
    status = waitFile('story.yaml', (x) => x.diagnostics.some((d) => d.severity === 'error'));
    const full = programme('story', '15:00');
    writeFileSync(path.join(dir, 'story.yaml'), full.slice(0, full.indexOf('recurrence:') + 14));
    s = await status;
    expect(s.programmeIds).to.deep.equal(['story']);
    expect(changes).to.equal(0);
    // The save completes.
    const changed = new Promise<void>((resolve) => service.onChange(() => resolve()));
    writeFileSync(path.join(dir, 'story.yaml'), full);
    await changed;
    expect(service.occurrences(new Date('2026-12-04T00:00:00Z'), new Date('2026-12-06T00:00:00Z'))[0]!.localStart.slice(11, 16)).to.equal('15:00');
  });
});
