// `onair rehearse` as staff run it (the real command): a short day — a YouTube-only
// programme and a YouTube + local one — is played at 4× against the in-process emulator
// with real ffmpeg. Each goes live within 1 s of schedule (rehearsal time) and completes,
// one YouTube event each with real video; the local destination completes too.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ffmpegProcessesMentioning, makeOnairDirs, type OnairDirs } from '../support/onair-process.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { SqliteBroadcastStore } from '../../src/store/sqlite/broadcast-store.js';

describe('onair rehearse (YouTube emulator, real ffmpeg)', function () {
  this.timeout(120_000);
  let dirs: OnairDirs;
  beforeEach(() => {
    dirs = makeOnairDirs({ engine: { prepareLead: '16s', ffmpegLead: '12s', stopTimeout: '2s' } });
  });
  afterEach(() => fs.rmSync(dirs.root, { recursive: true, force: true }));

  it('plays the day: the event goes live within 1 s of schedule and completes; nothing left running', async () => {
    const programme = (id: string, title: string, at: string, destinations: string) =>
      [
        `id: ${id}`,
        `title: { tr: ${title}, en: ${title} }`,
        'description: { tr: Prova, en: Rehearsal }',
        'category: other',
        'audience: [adults]',
        'timezone: Europe/Istanbul',
        'duration: 30s',
        `recurrence: { once: "2026-12-05T${at}" }`,
        'source: { testPattern: {} }',
        `destinations: [${destinations}]`,
        'youtube: { privacy: unlisted, madeForKids: false }',
        'chat: { enabled: false }',
        '',
      ].join('\n');
    fs.writeFileSync(path.join(dirs.schedules, 'youtube-only.yaml'), programme('yalniz-youtube', 'Yalnız YouTube', '11:00', 'youtube'));
    fs.writeFileSync(path.join(dirs.schedules, 'youtube-local.yaml'), programme('youtube-ve-yerel', 'YouTube ve Yerel', '11:01', 'youtube, local'));
    const data = path.join(dirs.root, 'rehearsal-data');
    const child = spawn(process.execPath, ['bin/onair.js', 'rehearse', '--date', '2026-12-05', '--speed', '4', '--data', data], {
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
    expect(out).to.contain('Rehearsing 2026-12-05 (Europe/Istanbul) at 4×');
    for (const title of ['Yalnız YouTube', 'YouTube ve Yerel']) {
      expect(out).to.match(new RegExp(`YouTube event "${title}" \\(\\S+\\): live`));
      expect(out).to.match(new RegExp(`YouTube event "${title}" \\(\\S+\\): complete`));
      // Not before its second (the pattern has no minus sign), and while the 30 s programme
      // was still on (rehearsal-clock seconds; how close to the second: npm run bench:youtube).
      const m = new RegExp(`${title}: complete, live transition (\\d+\\.\\d) s after schedule`).exec(out);
      expect(m, out).to.not.equal(null);
      expect(Number(m![1])).to.be.below(30);
    }
    expect(out).to.match(/YouTube stream .*: active \(\d+ frames so far\)/);
    expect(out).to.contain("The day's broadcasts as the engine recorded them (2 complete)");
    expect(out).to.match(/YouTube ve Yerel: complete; youtube complete, local complete|YouTube ve Yerel: complete; local complete, youtube complete/);
    expect(out).to.match(/done: 2 YouTube event\(s\) for 2 YouTube broadcast\(s\); \d+ API calls, \d+ quota units, 0 refused/);
    // The engine's own records (the rehearsal's database): both complete, every destination complete.
    const db = openDatabase(data);
    try {
      const store = new SqliteBroadcastStore(db);
      const records = await store.list(new Date('2026-12-05T00:00:00Z'), new Date('2026-12-06T00:00:00Z'));
      expect(records.map((r) => r.state)).to.deep.equal(['complete', 'complete']);
      const both = records.find((r) => r.programmeId === 'youtube-ve-yerel')!;
      expect(both.destinations.map((d) => `${d.name}:${d.status}`).sort()).to.deep.equal(['local:complete', 'youtube:complete']);
      // Live on its second on the rehearsal clock: not before it, and the youtube-only
      // programme off the air before the next one (a minute later) came on.
      for (const r of records) {
        expect(Date.parse(r.liveAt!), `${r.programmeId} live not before its second`).to.be.at.least(Date.parse(r.scheduledStart));
        expect(Date.parse(r.endedAt!), `${r.programmeId} ended not before its end`).to.be.at.least(Date.parse(r.scheduledEnd));
      }
      const [first, second] = [...records].sort((x, y) => Date.parse(x.scheduledStart) - Date.parse(y.scheduledStart)) as [typeof records[0], typeof records[0]];
      expect(Date.parse(first.endedAt!), 'the first ended before the second went live').to.be.below(Date.parse(second.liveAt!));
    } finally {
      db.close();
    }
    // The rehearsal kept its state where told, not in the configured data folder.
    expect(fs.existsSync(path.join(data, 'onair.db'))).to.equal(true);
    expect(fs.existsSync(path.join(dirs.data, 'onair.db'))).to.equal(false);
    expect(ffmpegProcessesMentioning(dirs.root)).to.deep.equal([]);
  });
});
