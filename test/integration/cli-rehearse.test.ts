// `onair rehearse` tells what happens (the real command, real ffmpeg): a line per state
// change of a local-only broadcast and of its destination, why --speed does not hold while
// a broadcast is on air, "stopped" with what had run on Ctrl-C, and — without --date —
// only the broadcasts from now on.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { makeOnairDirs, type OnairDirs } from '../support/onair-process.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function programme(id: string, title: string, once: string): string {
  return [`id: ${id}`, `title: { tr: ${title}, en: ${title} }`, 'duration: 30s', `recurrence: { once: "${once}" }`, 'source: { testPattern: {} }', 'destinations: [local]', 'chat: { enabled: false }', ''].join('\n');
}

describe('onair rehearse tells what happens (local destination, real ffmpeg)', function () {
  this.timeout(120_000);
  let dirs: OnairDirs;
  let child: ChildProcess | undefined;
  beforeEach(() => {
    dirs = makeOnairDirs({ engine: { prepareLead: '6s', ffmpegLead: '4s', stopTimeout: '2s' } });
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
    }
    fs.rmSync(dirs.root, { recursive: true, force: true });
  });

  /** Starts rehearse; `lines` grows as it prints; `waitFor` resolves when a line matches. */
  function rehearse(args: string[]) {
    const c = spawn(process.execPath, [path.join(ROOT, 'bin/onair.js'), 'rehearse', '--data', path.join(dirs.root, 'rehearsal'), ...args], {
      env: { ...process.env, NODE_ENV: 'onairtest', ONAIR_CONFIG_DIR: dirs.config, ONAIR_SCHEDULES_DIR: dirs.schedules, ONAIR_MEDIA_DIR: dirs.media, ONAIR_DATA_DIR: dirs.data, ONAIR_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    let out = '';
    let err = '';
    const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
    c.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      for (const w of [...waiters]) if (w.re.test(out)) waiters.splice(waiters.indexOf(w), 1), w.resolve();
    });
    c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => c.once('exit', (code) => resolve(code)));
    return {
      out: () => out,
      err: () => err,
      exited,
      waitFor: (re: RegExp): Promise<void> =>
        re.test(out)
          ? Promise.resolve()
          : Promise.race([
              new Promise<void>((resolve) => waiters.push({ re, resolve })),
              exited.then(() => {
                throw new Error(`rehearse exited before printing ${re}:\n${out}\n${err}`);
              }),
            ]),
    };
  }

  it('prints each state change of the broadcast and its local destination, why --speed waits, and "stopped" on Ctrl-C', async () => {
    fs.writeFileSync(path.join(dirs.schedules, 'story.yaml'), programme('masal', 'Masal', '2026-12-05T11:00'));
    const r = rehearse(['--date', '2026-12-05', '--speed', '60']);
    await r.waitFor(/\d\d:\d\d:\d\d {2}"Masal": live/);
    const out = r.out();
    expect(out).to.contain('--speed 60 holds between broadcasts; while one is prepared, on air or ending the clock runs at 4×');
    expect(out).to.match(/\d\d:\d\d:\d\d {2}"Masal": ready/);
    expect(out).to.match(/\d\d:\d\d:\d\d {2}"Masal" → local \(local\): \w+/);
    child!.kill('SIGINT');
    expect(await r.exited).to.equal(130);
    expect(r.out()).to.match(/stopped \(Ctrl-C\): 1 of 1 broadcast\(s\) had begun/);
    expect(r.out()).to.match(/Rehearsal of 2026-12-05 stopped at \d\d:\d\d:\d\d/);
    expect(r.out()).to.not.match(/Rehearsal of 2026-12-05 done/);
  });

  it('without --date plays today from now: a broadcast already past is not listed', async () => {
    const today = DateTime.now().setZone('Europe/Istanbul').toISODate();
    fs.writeFileSync(path.join(dirs.schedules, 'past.yaml'), programme('gecmis', 'Gecmis', `${today}T00:00`));
    fs.writeFileSync(path.join(dirs.schedules, 'later.yaml'), programme('sonra', 'Sonra', `${today}T23:59`));
    const r = rehearse(['--speed', '1']);
    await r.waitFor(/State is kept in /);
    child!.kill('SIGINT');
    await r.exited;
    expect(r.out()).to.match(/: 1 broadcast\(s\), 0 on YouTube\./);
    expect(r.out()).to.match(/23:59:00–23:59:30 {2}Sonra → local/);
    expect(r.out()).to.not.contain('Gecmis');
  });
});
