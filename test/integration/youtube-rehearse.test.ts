// `onair rehearse` as staff run it (the real command): a day with one YouTube programme is
// played at 2× against the in-process emulator with real ffmpeg; the output shows the event
// going live and complete, and the summary gives calls, units and start accuracy.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ffmpegProcessesMentioning, makeOnairDirs, type OnairDirs } from '../support/onair-process.js';

describe('onair rehearse (YouTube emulator, real ffmpeg)', function () {
  this.timeout(120_000);
  let dirs: OnairDirs;
  beforeEach(() => {
    dirs = makeOnairDirs({ engine: { prepareLead: '10s', ffmpegLead: '6s', stopTimeout: '2s' } });
  });
  afterEach(() => fs.rmSync(dirs.root, { recursive: true, force: true }));

  it('plays the day: the event goes live within 1 s of schedule and completes; nothing left running', async () => {
    fs.writeFileSync(
      path.join(dirs.schedules, 'day.yaml'),
      [
        'id: prova',
        'title: { tr: Prova Yayını, en: Rehearsal broadcast }',
        'description: { tr: Prova, en: Rehearsal }',
        'category: other',
        'audience: [adults]',
        'timezone: Europe/Istanbul',
        'duration: 20s',
        'recurrence: { once: "2026-12-05T11:00" }',
        'source: { testPattern: {} }',
        'destinations: [youtube]',
        'youtube: { privacy: unlisted, madeForKids: false }',
        'chat: { enabled: false }',
        '',
      ].join('\n'),
    );
    const data = path.join(dirs.root, 'rehearsal-data');
    const child = spawn(process.execPath, ['bin/onair.js', 'rehearse', '--date', '2026-12-05', '--speed', '2', '--data', data], {
      env: {
        ...process.env,
        NODE_ENV: 'onairtest',
        ONAIR_CONFIG_DIR: dirs.config,
        ONAIR_SCHEDULES_DIR: dirs.schedules,
        ONAIR_MEDIA_DIR: dirs.media,
        ONAIR_DATA_DIR: dirs.data,
        ONAIR_LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code, `${out}\n${err}`).to.equal(0);
    expect(out).to.contain('Rehearsing 2026-12-05 (Europe/Istanbul) at 2×');
    expect(out).to.match(/YouTube event "Prova Yayını" \(\S+\): live/);
    expect(out).to.match(/YouTube stream .*: active/);
    expect(out).to.match(/YouTube event "Prova Yayını" \(\S+\): complete/);
    expect(out).to.match(/done: 1 YouTube event\(s\) for 1 YouTube broadcast\(s\); \d+ API calls, \d+ quota units, 0 refused/);
    const m = /live transition (\d+\.\d) s after schedule/.exec(out);
    expect(m, out).to.not.equal(null);
    expect(Number(m![1])).to.be.below(1);
    // The rehearsal kept its state where told, not in the configured data folder.
    expect(fs.existsSync(path.join(data, 'onair.db'))).to.equal(true);
    expect(fs.existsSync(path.join(dirs.data, 'onair.db'))).to.equal(false);
    expect(ffmpegProcessesMentioning(dirs.root)).to.deep.equal([]);
  });
});
