// Every broken case staff may write, with the exact line:col of the node to fix.
import { expect } from 'chai';
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { check, lines, tempMedia, VALID } from './helpers.js';

describe('schedule validation', () => {
  const media = tempMedia();
  after(() => media.cleanup());
  const run = (text: string) => check(text, media.ctx);
  const errorsOf = (text: string) => lines(run(text).diagnostics.filter((d) => d.severity === 'error'));

  it('accepts a valid programme and normalises it', () => {
    const r = run(VALID.join('\n'));
    expect(r.diagnostics).to.deep.equal([]);
    expect(r.programmes).to.have.length(1);
    const p = r.programmes[0]!;
    expect(p).to.include({ id: 'fairy-tale-time', timezone: 'Europe/Istanbul', durationMs: 45 * 60_000, category: 'other' });
    expect(p.recurrence.rule).to.deep.equal({ kind: 'weekly', days: ['sat'], at: ['11:00'], intervalWeeks: 1 });
    expect(p.position).to.deep.equal({ file: 'f.yaml', line: 1, col: 1 });
  });

  it('reports a YAML syntax error at its position', () => {
    const errs = errorsOf('id: a\ntitle: [unclosed\nduration: 45m\n');
    expect(errs).to.have.length.greaterThan(0);
    expect(errs[0]).to.match(/^\d+:\d+: error: YAML syntax: /);
  });

  it('reports a duplicate key in a mapping', () => {
    const errs = errorsOf([...VALID, 'duration: 30m'].join('\n'));
    expect(errs[0]).to.match(/^10:1: error: .*unique.*each key may appear once/i);
  });

  it('names an unknown key with a did-you-mean', () => {
    const text = VALID.map((l) => l.replace(/^title:/, 'titel:')).join('\n');
    expect(errorsOf(text)).to.deep.equal([
      '1:1: error: missing title (e.g. title: { tr: Masal Saati, en: Fairy Tale Time })',
      '2:1: error: unknown key "titel"; did you mean "title"?',
    ]);
  });

  it('names an unknown nested key with a did-you-mean', () => {
    const text = VALID.map((l) => l.replace('weekly: { days', 'weekly: { dayz')).join('\n');
    expect(errorsOf(text)).to.include('5:13: error: unknown key "dayz" in recurrence.weekly; did you mean "days"?');
  });

  it('reports wrong types with a hint', () => {
    const text = VALID.map((l) => l.replace('duration: 45m', 'duration: 45')).join('\n');
    expect(errorsOf(text)).to.deep.equal(['3:11: error: duration must be a text, not the number 45 (e.g. duration: 45m (or 1h30m, 90s, PT45M))']);
  });

  it('suggests the right value of an enumeration', () => {
    const text = VALID.map((l) => l.replace('[sat]', '[cumartsi]')).join('\n');
    expect(errorsOf(text)).to.deep.equal(['5:20: error: recurrence.weekly.days[0]: the text "cumartsi" is not allowed; did you mean "cumartesi"?']);
    const category = [...VALID, 'category: worksop'].join('\n');
    expect(errorsOf(category)).to.deep.equal(['10:11: error: category: the text "worksop" is not allowed; did you mean "workshop"?']);
  });

  it('accepts weekday and month names in Turkish and in full, in any case (Cumartesi, cmt, SALI, saturday, Ağustos)', () => {
    const weekly = VALID.map((l) => l.replace('[sat]', '[Cumartesi, cmt, SALI, çarşamba, Perşembe, saturday]')).join('\n');
    const r = run(weekly);
    expect(r.diagnostics).to.deep.equal([]);
    expect(r.programmes[0]!.recurrence.rule).to.deep.include({ days: ['sat', 'sat', 'tue', 'wed', 'thu', 'sat'] });
    const monthly = VALID.map((l) => l.replace('weekly: { days: [sat], at: "11:00" }', 'monthly: { nth: first, weekday: Pazar, at: "11:00" }')).join('\n');
    expect(run(monthly).programmes[0]!.recurrence.rule).to.deep.include({ weekday: { nth: 1, day: 'sun' } });
    const cron = VALID.map((l) => l.replace('weekly: { days: [sat], at: "11:00" }', 'cron: "0 11 * Ağustos,ocak cmt"')).join('\n');
    expect(run(cron).programmes[0]!.recurrence.rule).to.deep.equal({ kind: 'cron', expression: '0 11 * aug,jan sat' });
  });

  it('reports an unknown timezone', () => {
    expect(errorsOf([...VALID, 'timezone: Europe/Istanbol'].join('\n'))).to.deep.equal([
      '10:11: error: unknown timezone "Europe/Istanbol"; did you mean "Europe/Istanbul"?',
    ]);
  });

  it('reports impossible dates', () => {
    const text = VALID.map((l) => l.replace('until: 2027-06-26', 'until: 2027-02-30')).join('\n');
    expect(errorsOf(text)).to.deep.equal(['7:10: error: 2027-02-30 is not a date that exists; check the month and day (YYYY-MM-DD)']);
  });

  it('reports until before from', () => {
    const text = VALID.map((l) => l.replace('until: 2027-06-26', 'until: 2026-06-26')).join('\n');
    expect(errorsOf(text)).to.deep.equal([
      '7:10: error: until 2026-06-26 is before from 2026-12-05; the programme would never air — check the years and months',
    ]);
  });

  it('reports a duplicate id within a file', () => {
    const text = ['- ' + VALID[0], ...VALID.slice(1).map((l) => '  ' + l), '- ' + VALID[0], ...VALID.slice(1).map((l) => '  ' + l.replace('11:00', '15:00'))].join('\n');
    expect(errorsOf(text)).to.deep.equal(['10:7: error: id "fairy-tale-time" is already used at f.yaml:1:3; give each programme its own id']);
  });

  for (const [written, message] of [
    ['0m', 'duration must be longer than zero; write e.g. 45m'],
    ['-5m', 'duration must be a duration such as 90s, 45m, 1h30m or PT45M'],
    ['13h', 'duration 13h is longer than the 12h a programme may last; split it or shorten it'],
  ] as const) {
    it(`reports the duration ${written}`, () => {
      const text = VALID.map((l) => l.replace('duration: 45m', `duration: ${written}`)).join('\n');
      expect(errorsOf(text)).to.deep.equal([`3:11: error: ${message}`]);
    });
  }

  it('accepts an existing source file relative to the media root', () => {
    const r = run(VALID.map((l) => l.replace('{ testPattern: {} }', '{ file: fairy-tales/intro.mp4 }')).join('\n'));
    expect(r.diagnostics).to.deep.equal([]);
    expect(r.programmes[0]!.source).to.deep.equal({ kind: 'file', path: path.join(media.root, 'fairy-tales', 'intro.mp4'), loop: false });
  });

  it('reports a missing source file, with a hint when the media folder name was written', () => {
    const base = path.basename(media.root);
    const text = VALID.map((l) => l.replace('{ testPattern: {} }', `{ file: ${base}/fairy-tales/intro.mp4 }`)).join('\n');
    expect(errorsOf(text)).to.deep.equal([
      `8:17: error: file "${base}/fairy-tales/intro.mp4" does not exist under the media folder; paths are relative to the media folder, so write "fairy-tales/intro.mp4"`,
    ]);
  });

  it('reports a source outside the media root, by .. and by symlink', () => {
    const outside = path.join(os.tmpdir(), `onair-outside-${process.pid}.mp4`);
    writeFileSync(outside, 'x');
    symlinkSync(outside, path.join(media.root, 'escape.mp4'));
    const dots = VALID.map((l) => l.replace('{ testPattern: {} }', '{ file: ../secret.mp4 }')).join('\n');
    expect(errorsOf(dots)[0]).to.match(/^8:17: error: "\.\.\/secret\.mp4" lies outside the media folder/);
    const link = VALID.map((l) => l.replace('{ testPattern: {} }', '{ file: escape.mp4 }')).join('\n');
    expect(errorsOf(link)[0]).to.match(/^8:17: error: "escape\.mp4" is a link to a file outside the media folder/);
  });

  it('reports a destination config does not define', () => {
    const text = VALID.map((l) => l.replace('[local]', '[local, youtub]')).join('\n');
    expect(errorsOf(text)).to.deep.equal(['9:23: error: destination "youtub" is not defined in the configuration; did you mean "youtube"?']);
  });

  it('reports an override for a date that is not an occurrence', () => {
    const text = [...VALID, 'overrides:', '  2026-12-20: { at: "14:00" }'].join('\n');
    expect(errorsOf(text)).to.deep.equal([
      '11:3: error: 2026-12-20 is not a date this programme airs on, so the override would never apply; use a date the recurrence gives (nearby: 2026-12-19, 2026-12-26)',
    ]);
  });

  it('reports two recurrence kinds and a missing one', () => {
    const two = VALID.map((l) => l.replace('  from: 2026-12-05', '  once: 2026-12-12T14:00\n  from: 2026-12-05')).join('\n');
    expect(errorsOf(two)).to.deep.equal(['6:3: error: recurrence has once and weekly; give exactly one of them (split into two programmes if both are meant)']);
    const none = VALID.filter((l) => !l.includes('weekly')).join('\n');
    expect(errorsOf(none)).to.deep.equal([
      '4:1: error: recurrence needs one of once, weekly, monthly, cron or dates (e.g. weekly: { days: [sat], at: "11:00" })',
    ]);
  });

  it('reports an invalid cron expression and an impossible time', () => {
    const cron = VALID.map((l) => l.replace('weekly: { days: [sat], at: "11:00" }', 'cron: "61 * * * *"')).join('\n');
    expect(errorsOf(cron)[0]).to.match(/^5:9: error: cron "61 \* \* \* \*" is not valid: .*minute/);
    const seconds = VALID.map((l) => l.replace('weekly: { days: [sat], at: "11:00" }', 'cron: "* * * * * *"')).join('\n');
    expect(errorsOf(seconds)).to.deep.equal([
      '5:9: error: cron "* * * * * *" starts 86400 broadcasts a day; at most one a minute is allowed (use 0 as the seconds field, or leave it out)',
    ]);
    const time = VALID.map((l) => l.replace('"11:00"', '"25:00"')).join('\n');
    expect(errorsOf(time)).to.deep.equal(['5:30: error: "25:00" is not a time of day; write HH:mm between "00:00" and "23:59"']);
  });

  it('reports all problems of a file at once', () => {
    const text = [
      'id: Bad Id',
      'title: { tr: Masal }',
      'timezone: Mars/Olympus',
      'duration: 0s',
      'recurrence: { weekly: { days: [sat], at: "11:00" }, from: 2027-02-30 }',
      'source: { file: nope.mp4 }',
      'destinations: [nowhere]',
      'colour: red',
    ].join('\n');
    expect(errorsOf(text)).to.deep.equal([
      '1:5: error: id must use only a-z, 0-9 and single dashes, e.g. fairy-tale-time',
      '3:11: error: unknown timezone "Mars/Olympus"; write an IANA name such as Europe/Istanbul',
      '4:11: error: duration must be longer than zero; write e.g. 45m',
      '5:59: error: 2027-02-30 is not a date that exists; check the month and day (YYYY-MM-DD)',
      `6:17: error: file "nope.mp4" does not exist under the media folder; check the spelling, or copy the file into ${media.root}`,
      '7:16: error: destination "nowhere" is not defined in the configuration; defined destinations are local, demo, youtube',
      '8:1: error: unknown key "colour"; allowed keys are id, title, description, category, audience, timezone, duration, recurrence, overrides, source, destinations, youtube, chat, reminders, listed',
    ]);
  });

  it('reports a bad weekday and a bad hour of one rule in the same run, each at its position', () => {
    const text = VALID.map((l) => l.replace('weekly: { days: [sat], at: "11:00" }', 'weekly: { days: [fryday], at: "25:00" }'))
      .map((l) => l.replace('until: 2027-06-26', 'until: 2027-02-30'));
    expect(errorsOf([...text, 'overrides:', '  2026-12-12: { at: "24:30", title: 5 }'].join('\n'))).to.deep.equal([
      '5:20: error: recurrence.weekly.days[0]: the text "fryday" is not allowed; did you mean "friday"?',
      '5:33: error: "25:00" is not a time of day; write HH:mm between "00:00" and "23:59"',
      '7:10: error: 2027-02-30 is not a date that exists; check the month and day (YYYY-MM-DD)',
      '11:21: error: "24:30" is not a time of day; write HH:mm between "00:00" and "23:59"',
      '11:37: error: overrides.2026-12-12.title must be a text or a mapping (key: value lines, or { ... }), not the number 5 (e.g. title: { tr: Masal Saati, en: Fairy Tale Time })',
    ]);
  });

  it('reads several documents and lists, with positions in each', () => {
    const second = VALID.map((l) => l.replace('fairy-tale-time', 'book-time').replace('[local]', '[locl]')).join('\n');
    const r = run(`${VALID.join('\n')}\n---\n${second}\n`);
    expect(r.programmes.map((p) => p.id)).to.deep.equal(['fairy-tale-time']);
    expect(lines(r.diagnostics)).to.deep.equal(['19:16: error: destination "locl" is not defined in the configuration; did you mean "local"?']);
  });

  it('warns (without failing) about an empty file and a no-op except', () => {
    expect(lines(run('# only a comment\n').diagnostics)).to.deep.equal([
      '1:1: warning: this file holds no programme; it is ignored (delete it if it is not needed)',
    ]);
    const ex = VALID.map((l) => (l.startsWith('  until') ? `${l}\n  except: [2026-12-07]` : l)).join('\n');
    const res = run(ex);
    expect(res.programmes).to.have.length(1);
    expect(lines(res.diagnostics)).to.deep.equal([
      '8:12: warning: 2026-12-07 is not a date this programme airs on, so excepting it changes nothing (nearby: 2026-12-05, 2026-12-12)',
    ]);
  });

  it('bounds every text a programme carries, naming the field, its length and the limit at its position', () => {
    const long = (n: number): string => 'a'.repeat(n);
    const text = VALID.map((l) =>
      l.startsWith('title:') ? `title: { tr: Masal, en: ${long(201)} }` : l.startsWith('duration:') ? `${l}\ndescription: ${long(5001)}\naudience: [${long(41)}]` : l,
    ).join('\n');
    expect(errorsOf(text)).to.deep.equal([
      '2:25: error: title.en is 201 characters long; at most 200 are allowed, so shorten it',
      '4:14: error: description is 5001 characters long; at most 5000 are allowed, so shorten it',
      '5:12: error: audience[0] is 41 characters long; at most 40 are allowed, so shorten it',
    ]);
    const id = VALID.map((l) => (l.startsWith('id:') ? `id: ${long(81)}` : l)).join('\n');
    expect(errorsOf(id)).to.deep.equal(['1:5: error: id is 81 characters long; at most 80 are allowed, so shorten it']);
    const override = [...VALID, 'overrides:', `  2026-12-12: { title: ${long(300)} }`].join('\n');
    expect(errorsOf(override)).to.deep.equal(['11:24: error: overrides.2026-12-12.title is 300 characters long; at most 200 are allowed, so shorten it']);
  });

  it('warns before air, in both languages, of a title YouTube would cut or change, only for a programme on YouTube', () => {
    const onYoutube = (title: string, extra: string[] = []): string =>
      [...VALID.map((l) => (l.startsWith('title:') ? `title: ${title}` : l.replace('[local]', '[local, youtube]'))), ...extra].join('\n');
    const r = run(onYoutube(`{ tr: Masal, en: ${'a'.repeat(110)}bcd }`, ['overrides:', '  2026-12-12: { title: "Masal <canlı>" }']));
    expect(r.programmes).to.have.length(1);
    expect(lines(r.diagnostics)).to.deep.equal([
      `2:25: warning: title.en is 113 characters long and YouTube takes at most 100: the YouTube event's title will end at "…${'a'.repeat(20)}"; shorten the title to 100 characters or fewer`,
      "11:24: warning: overrides.2026-12-12.title holds < or >, which YouTube does not take in a title: they will be left out of the YouTube event's title; write the title without them",
    ]);
    expect(r.diagnostics[0]!.tr).to.include('title.en 113 karakter').and.include('YouTube en çok 100');
    expect(r.diagnostics[1]!.tr).to.include('< ya da > içeriyor');
    // A programme not on YouTube may use its 200 characters freely; 100 on YouTube is fine.
    expect(run(VALID.map((l) => (l.startsWith('title:') ? `title: ${'a'.repeat(200)}` : l)).join('\n')).diagnostics).to.deep.equal([]);
    expect(run(onYoutube('a'.repeat(100))).diagnostics).to.deep.equal([]);
  });

  it('accepts texts at their limits', () => {
    const text = VALID.map((l) => (l.startsWith('title:') ? `title: ${'ş'.repeat(200)}\ndescription: ${'a'.repeat(5000)}` : l)).join('\n');
    const r = run(text);
    expect(r.diagnostics).to.deep.equal([]);
    expect(r.programmes[0]!.title.tr).to.have.length(200);
  });
});
