// Journey: a librarian breaks a schedule file that is on the air, whatever way the file is
// written (in place, truncate-then-write, rename over, an editor's swap-file save, sed -i).
// Once the file has settled, /api/status, the control room's data, the log and the staff's
// live feed (`schedule:status` on "/moderation") name the error with file:line:col and say
// that the previous version stays on air, since when.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startJourney, type Journey } from '../support/journey.js';
import { io as connect, type Socket } from 'socket.io-client';
import type { ModerationClientToServerEvents, ModerationServerToClientEvents, ScheduleStatusPayload } from '../../src/realtime/index.js';
import { waitFor } from '../support/wait.js';

const TOKEN = 'broken-save-staff-token-0123456789';

/** A good programme; each file airs on its own day, far from the test clock (no ffmpeg). */
function programme(id: string, day: number): string {
  return [
    `id: ${id}`,
    `title: { tr: Masal ${day}, en: Story ${day} }`,
    'duration: 20m',
    'recurrence:',
    `  once: 2026-12-${day}T11:00`,
    '  except: []',
    'source: { testPattern: {} }',
    'destinations: [local]',
    '',
  ].join('\n');
}

const WAYS = ['in-place', 'truncate', 'rename', 'swap', 'sed'] as const;
const FILES: Record<string, string> = {
  ...Object.fromEntries(WAYS.map((w, i) => [`${w}.yaml`, programme(`story-${w}`, 20 + i)])),
  // Broken and fixed while staff and a viewer are connected over Socket.IO.
  'live-feed.yaml': programme('story-live-feed', 27),
};

interface StatusFile {
  file: string;
  programmes: string[];
  ok: boolean;
  loadedAt: string;
  lastGoodAt: string | null;
  diagnostics: Array<{ line: number; col: number; severity: string; text: string }>;
  note: string | null;
}
interface Status {
  ok: boolean;
  files: StatusFile[];
  errors: string[];
  notes: string[];
}

describe('journey: a broken save of a schedule on the air is reported, never fine', function () {
  this.timeout(60_000);
  let j: Journey;
  let initial: Status;
  let staff: Socket<ModerationServerToClientEvents, ModerationClientToServerEvents> | undefined;
  let viewer: Socket | undefined;

  const status = async (lang = ''): Promise<Status> => (await (await fetch(`${j.url}/api/status${lang ? `?lang=${lang}` : ''}`)).json()) as Status;
  const fileOf = (s: Status, name: string): StatusFile => s.files.find((f) => path.basename(f.file) === name)!;
  const file = (name: string): string => path.join(j.dirs.schedules, name);

  /** Waits until the file's latest read has an error at `line`:`col`, and returns the status. */
  async function brokenAt(name: string, line: number, col: number): Promise<StatusFile> {
    return waitFor(`${name} to show its error at ${line}:${col}`, async () => {
      const f = fileOf(await status(), name);
      return f.diagnostics.some((d) => d.severity === 'error' && d.line === line && d.col === col) ? f : undefined;
    }, 10_000);
  }

  /** What every way of writing must end in: the error with its position, the old version on air. */
  async function expectReported(name: string, line: number, col: number): Promise<void> {
    const f = await brokenAt(name, line, col);
    const before = fileOf(initial, name);
    expect(f.ok).to.equal(false);
    expect(f.diagnostics.find((d) => d.severity === 'error')!.text).to.match(new RegExp(`${name.replace('.', '\\.')}:${line}:${col}: error: `));
    expect(f.programmes).to.deep.equal(before.programmes);
    expect(f.lastGoodAt).to.equal(before.loadedAt);
    expect(f.note).to.equal(`the previous version of ${f.file} (read ${before.loadedAt}) stays on air until the errors are fixed`);
    const s = await status();
    expect(s.ok).to.equal(false);
    expect(s.notes).to.include(f.note);
    expect(s.errors.some((e) => e.includes(`${name}:${line}:${col}: error:`))).to.equal(true);
    // The programme is still the one in force.
    expect((await (await fetch(`${j.url}/api/schedule?from=2026-12-01&days=31`)).json()).map((x: { id: string }) => x.id)).to.include(`${before.programmes[0]}@${programmeDay(name)}`);
    // The control room lists it with the same note.
    const room = (await (await fetch(`${j.url}/api/control-room`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
      scheduleErrors: Array<{ file: string; line: number; col: number; text: string; note: { tr: string; en: string } }>;
    };
    const listed = room.scheduleErrors.find((e) => path.basename(e.file) === name && e.line === line && e.col === col);
    expect(listed?.note.en).to.equal(f.note);
    expect(listed?.note.tr).to.match(/önceki sürümü .* yayında kalıyor/);
    // And the log says it, with the position and what stays on air.
    expect(j.logs.some((l) => typeof l.msg === 'string' && l.msg.includes(`${name}:${line}:${col}: error:`))).to.equal(true);
    expect(j.logs.some((l) => l.msg === f.note && l.lastGoodAt === before.loadedAt)).to.equal(true);
  }

  function programmeDay(name: string): string {
    const i = WAYS.indexOf(name.replace('.yaml', '') as (typeof WAYS)[number]);
    return `2026-12-${20 + i}T11:00`;
  }

  before(async () => {
    j = await startJourney({ schedules: FILES, start: '2026-12-05T08:00:00Z', env: { ONAIR_MODERATOR_TOKEN: TOKEN } });
    initial = await status();
    expect(initial.ok, JSON.stringify(initial.errors)).to.equal(true);
  });
  after(async () => {
    staff?.close();
    viewer?.close();
    await j?.stop();
  });

  it('in place: the same file rewritten from its first byte (a tab indent)', async () => {
    const text = FILES['in-place.yaml']!.replace('  once:', '\tonce:');
    const fd = fs.openSync(file('in-place.yaml'), 'r+');
    fs.writeSync(fd, text, 0);
    fs.ftruncateSync(fd, Buffer.byteLength(text));
    fs.closeSync(fd);
    await expectReported('in-place.yaml', 5, 1);
  });

  it('truncate then write (cat >): the empty file is an error too, then the broken text shows', async () => {
    fs.truncateSync(file('truncate.yaml'), 0);
    const empty = await brokenAt('truncate.yaml', 1, 1);
    expect(empty.ok).to.equal(false);
    expect(empty.diagnostics.map((d) => d.text)).to.satisfy((t: string[]) => t.length === 1 && /truncate\.yaml:1:1: error: the file is empty/.test(t[0]!));
    expect(empty.programmes).to.deep.equal(['story-truncate']);
    fs.appendFileSync(file('truncate.yaml'), FILES['truncate.yaml']!.replace('  except:', ' except:'));
    await expectReported('truncate.yaml', 6, 1);
  });

  it('rename over: written to a temp file beside it, then moved over it (an unclosed [)', async () => {
    const tmp = file('.rename.yaml.tmp');
    fs.writeFileSync(tmp, FILES['rename.yaml']!.replace('[local]', '[local'));
    fs.renameSync(tmp, file('rename.yaml'));
    await expectReported('rename.yaml', 9, 1);
  });

  it("an editor's save: swap file, original renamed to a backup, new file written, backup removed", async () => {
    const swp = file('.swap.yaml.swp');
    fs.writeFileSync(swp, 'vim swap');
    fs.renameSync(file('swap.yaml'), file('swap.yaml~'));
    fs.writeFileSync(file('swap.yaml'), FILES['swap.yaml']!.replace('  except:', ' except:'));
    fs.unlinkSync(file('swap.yaml~'));
    fs.unlinkSync(swp);
    await expectReported('swap.yaml', 6, 1);
  });

  it('sed -i: a real sed edits the file in place through its own temp file', async () => {
    execFileSync('sed', ['-i', 's/^  once:/\tonce:/', file('sed.yaml')]);
    await expectReported('sed.yaml', 5, 1);
  });

  it('gives the note in Turkish when asked (?lang=tr), and the file is fine again once fixed', async () => {
    const tr = fileOf(await status('tr'), 'sed.yaml');
    expect(tr.note).to.match(/sed\.yaml dosyasının önceki sürümü \(okunma: .*\) hatalar düzeltilene kadar yayında kalıyor/);
    expect(tr.diagnostics[0]!.text).to.match(/sed\.yaml:5:1: hata: /);
    fs.writeFileSync(file('sed.yaml'), FILES['sed.yaml']!);
    const fixed = await waitFor('sed.yaml to load again', async () => {
      const f = fileOf(await status(), 'sed.yaml');
      return f.ok ? f : undefined;
    }, 10_000);
    expect(fixed.note).to.equal(null);
    expect(fixed.diagnostics).to.deep.equal([]);
  });

  it('pushes the error with line, column and the version in force to staff, clears it once fixed, and tells viewers nothing', async () => {
    const name = 'live-feed.yaml';
    const seen: ScheduleStatusPayload[] = [];
    staff = connect(`${j.url}/moderation`, { auth: { token: TOKEN }, transports: ['websocket'], reconnection: false });
    staff.on('schedule:status', (s) => void seen.push(s));
    const viewerEvents: string[] = [];
    viewer = connect(j.url, { transports: ['websocket'], reconnection: false });
    viewer.onAny((event: string) => void viewerEvents.push(event));
    // On connect staff get the files as they are: every one read, this one without a problem.
    const first = await waitFor('the first schedule:status', () => seen[0]);
    expect(first.fileCount).to.equal(Object.keys(FILES).length);
    expect(first.files.map((x) => path.basename(x.file))).to.not.include(name);
    await waitFor('the viewer to be connected', () => viewerEvents.includes('schedule'));
    const loadedAt = fileOf(await status(), name).loadedAt;

    // An unclosed [ saved over the good file.
    fs.writeFileSync(path.join(j.dirs.schedules, name), FILES[name]!.replace('[local]', '[local'));
    const broken = await waitFor('staff to be told of the broken file', () =>
      seen.find((s) => s.files.some((f) => path.basename(f.file) === name && f.problems.some((p) => p.severity === 'error'))),
    );
    const f = broken.files.find((x) => path.basename(x.file) === name)!;
    expect(broken.ok).to.equal(false);
    expect(f.ok).to.equal(false);
    expect(f.problems[0]).to.include({ line: 9, col: 1, severity: 'error' });
    expect(f.problems[0]!.text.en).to.match(/live-feed\.yaml:9:1: error: /);
    expect(f.problems[0]!.text.tr).to.match(/live-feed\.yaml:9:1: hata: /);
    expect(f.programmeCount).to.equal(1);
    expect(f.lastGoodAt).to.equal(loadedAt);
    expect(f.note?.en).to.equal(`the previous version of ${f.file} (read ${loadedAt}) stays on air until the errors are fixed`);
    expect(f.note?.tr).to.match(/önceki sürümü \(okunma: .*\) hatalar düzeltilene kadar yayında kalıyor/);

    // Fixed: the next status lists no problem.
    const at = seen.indexOf(broken);
    fs.writeFileSync(path.join(j.dirs.schedules, name), FILES[name]!.replace('20m', '25m'));
    const fixed = await waitFor('staff to be told the file is fine again', () =>
      seen.slice(at + 1).find((s) => !s.files.some((x) => path.basename(x.file) === name)),
    );
    expect(fixed.fileCount).to.equal(Object.keys(FILES).length);

    // The fix changed the programme, so the viewer heard of it (a fresh `schedule`), but
    // never of the file's problems.
    await waitFor('the viewer to get the changed schedule', () => viewerEvents.filter((e) => e === 'schedule').length >= 2);
    expect(viewerEvents).to.not.include('schedule:status');
    expect(viewer.connected).to.equal(true);
  });
});
