// `onair validate` and `onair preview` as staff run them: a real process, real files.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { englishWords } from '../support/english-words.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURES = 'test/fixtures/schedules';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function onair(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/onair.js', ...args], {
      cwd: ROOT,
      // English messages (the staff language follows LANG, else config's tr).
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LANG: 'en_US.UTF-8', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('onair validate / preview (CLI)', function () {
  this.timeout(60_000);
  let media: string;
  before(() => {
    media = mkdtempSync(path.join(os.tmpdir(), 'onair-media-'));
  });
  after(() => rmSync(media, { recursive: true, force: true }));

  it('passes the shipped examples (exit 0) with a summary', async () => {
    const r = await onair(['validate'], { ONAIR_MEDIA_DIR: media });
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^7 files, 15 programmes valid: 0 errors, 0 warnings$/m);
  });

  it('reports every problem as path:line:col: error: message and exits 1', async () => {
    const r = await onair(['validate', `${FIXTURES}/broken`], { ONAIR_MEDIA_DIR: media });
    expect(r.code).to.equal(1);
    const b = `${FIXTURES}/broken`;
    const out = r.stdout.split('\n');
    const expected: Array<string | RegExp> = [
      new RegExp(`^${b}/a-story.yaml:1:1: error: "story" overlaps "painting" \\(${b}/c-overlap.yaml:1:1\\) on destination local: Sat \\d{4}-\\d\\d-\\d\\d 11:00–11:45 and Sat \\d{4}-\\d\\d-\\d\\d 11:30–12:30 \\(Europe/Istanbul\\)`),
      `${b}/b-typos.yaml:1:1: error: missing title (e.g. title: { tr: Masal Saati, en: Fairy Tale Time })`,
      `${b}/b-typos.yaml:2:1: error: unknown key "titel"; did you mean "title"?`,
      `${b}/b-typos.yaml:3:11: error: unknown timezone "Europe/Istanbol"; did you mean "Europe/Istanbul"?`,
      `${b}/b-typos.yaml:4:11: error: duration 13h is longer than the 12h a programme may last; split it or shorten it`,
      `${b}/b-typos.yaml:7:9: error: 2027-02-30 is not a date that exists; check the month and day (YYYY-MM-DD)`,
      `${b}/b-typos.yaml:8:17: error: "../../outside.mp4" lies outside the media folder ${media}; copy the file into it and write its path relative to that folder`,
      `${b}/b-typos.yaml:9:16: error: destination "locl" is not defined in the configuration; did you mean "local"?`,
      new RegExp(`^${b}/c-overlap.yaml:1:1: error: "painting" overlaps "story" \\(${b}/a-story.yaml:1:1\\) on destination local: Sat `),
      `${b}/c-overlap.yaml:8:3: error: 2026-12-20 is not a date this programme airs on, so the override would never apply; use a date the recurrence gives (nearby: 2026-12-19, 2026-12-26)`,
      `${b}/c-overlap.yaml:12:1: error: id "story" is already used by ${b}/a-story.yaml:1:1; give each programme its own id`,
      `${b}/d-syntax.yaml:3:1: error: YAML syntax: Flow map in block collection must be sufficiently indented and end with a }; check the indentation and that quotes and brackets are closed`,
      '',
      '4 files, 0 programmes valid: 12 errors, 0 warnings — fix the errors above (file:line:col) and run onair validate again',
    ];
    expected.forEach((e, i) => (typeof e === 'string' ? expect(out[i]).to.equal(e) : expect(out[i]).to.match(e)));
  });

  it('exits 2 on a usage error, and 0 on --help of each command', async () => {
    const missing = await onair(['validate', 'no/such/folder'], { ONAIR_MEDIA_DIR: media });
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain('no/such/folder does not exist');
    const badOption = await onair(['preview', '--days', 'many'], { ONAIR_MEDIA_DIR: media });
    expect(badOption.code).to.equal(2);
    expect(badOption.stderr).to.contain('write a whole number of days');
    const help = await onair(['validate', '--help']);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.contain('Usage: onair validate [options] [paths...]');
  });

  it('previews in local time with weekdays, and as JSON with ISO local times', async () => {
    const text = await onair(['preview', `${FIXTURES}/good`, '--from', '2026-12-01', '--days', '30', '--lang', 'en'], { ONAIR_MEDIA_DIR: media });
    expect(text.code).to.equal(0);
    expect(text.stdout.trim().split('\n')).to.deep.equal([
      'Sat 2026-12-05 11:00–11:45 +03:00  Fairy Tale Time  (story)  → local',
      'Sat 2026-12-12 11:00–11:45 +03:00  Fairy Tale Time  (story)  → local',
      'Sat 2026-12-19 11:00–11:45 +03:00  Fairy Tale Time  (story)  → local  [cancelled]',
      'Sat 2026-12-26 11:00–11:45 +03:00  Fairy Tale Time  (story)  → local',
    ]);
    const json = await onair(['preview', `${FIXTURES}/good`, '--from', '2027-03-27', '--days', '2', '--json'], { ONAIR_MEDIA_DIR: media });
    expect(json.code).to.equal(0);
    expect(JSON.parse(json.stdout)).to.deep.equal([
      {
        id: 'workshop@2027-03-28T02:30',
        title: 'Ebru Atölyesi',
        // 02:30 does not exist in Paris that night: read with the offset before the gap.
        start: '2027-03-28T03:30:00.000+02:00',
        end: '2027-03-28T05:00:00.000+02:00',
        destinations: ['local', 'demo'],
        cancelled: false,
      },
    ]);
  });

  it('speaks Turkish with --lang tr: every kind of mistake, the summary and the quota line, without an English sentence', async () => {
    // Mistakes of each kind the fixtures lack: a misspelt Turkish weekday beside an impossible
    // hour, two sources, a repeated and an unknown destination, a bad reminder, a wrong type,
    // an empty override, two recurrences, an unknown key, a tab indent.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-tr-'));
    const mistakes = path.join(dir, 'mistakes.yaml');
    writeFileSync(
      mistakes,
      [
        'id: tale-time',
        'title: { tr: Masal, en: Tale }',
        'duration: 45m',
        'recurrence:',
        '  weekly: { days: [cumartsi], at: "25:00" }',
        'source: { file: missing.mp4, url: "http://example.org/a.m3u8" }',
        'destinations: [local, local, yerel]',
        'reminders: [soon]',
        'chat: { enabled: "yes" }',
        'overrides:',
        '  2026-12-12: {}',
        '---',
        'id: other',
        'title: 5',
        'duration: 30m',
        'recurrence: { once: 2026-12-12T14:00, weekly: { days: [sat], at: "10:00" } }',
        'source: { testPattern: {} }',
        'destinations: [local]',
        'colour: red',
        '---',
        'id: tabbed',
        'recurrence:',
        '\tonce: 2026-12-12T14:00',
        '',
      ].join('\n'),
    );
    try {
      const tr = await onair(['validate', '--lang', 'tr', mistakes, `${FIXTURES}/broken`], { ONAIR_MEDIA_DIR: media });
      expect(tr.code).to.equal(1);
      const lines = tr.stdout.split('\n').filter((l) => l !== '');
      const problems = lines.filter((l) => /^\S+:\d+:\d+: /.test(l));
      expect(problems.length).to.be.at.least(20);
      for (const l of problems) expect(l).to.match(/^\S+:\d+:\d+: (hata|uyarı): /);
      expect(problems).to.include(`${mistakes}:5:20: hata: recurrence.weekly.days[0]: "cumartsi" metni geçerli değil; şunu mu demek istediniz: "cumartesi"?`);
      expect(problems.some((l) => l.startsWith(`${mistakes}:5:35: hata: "25:00" geçerli bir saat değil`))).to.equal(true);
      expect(problems.some((l) => l.startsWith(`${mistakes}:23:1: hata: girintide sekme`))).to.equal(true);
      const english = lines.map((l) => [l, englishWords(l.replace(/^\S+:\d+:\d+: (hata|uyarı): /, ''))] as const).filter(([, w]) => w.length > 0);
      expect(english, english.map(([l, w]) => `${l}  <- ${w.join(', ')}`).join('\n')).to.deep.equal([]);
      expect(lines).to.include('YouTube kotası: bu dönemde YouTube yayını yok.');
      // The same run in English is full of English: the check above can fail.
      const en = await onair(['validate', '--lang', 'en', mistakes, `${FIXTURES}/broken`], { ONAIR_MEDIA_DIR: media });
      expect(en.stdout.split('\n').filter((l) => /^\S+:\d+:\d+: error: /.test(l) && englishWords(l).length > 0)).to.have.length(problems.filter((l) => / hata: /.test(l)).length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
