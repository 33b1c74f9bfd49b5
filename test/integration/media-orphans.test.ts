// No ffmpeg outlives onair: SIGKILL the process that runs an encoder and its ffmpeg
// must go too; pidfiles let a restarted onair kill leftovers of any other accident.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { GuardedProcess, killLeftovers } from '../../src/media/guarded-process.js';
import { binaries, ffmpegChildOf, groupPids, isAlive, waitFor } from '../support/ffmpeg-tools.js';

const parentScript = fileURLToPath(new URL('../support/ffmpeg-parent.ts', import.meta.url));

describe('media: no orphan ffmpeg', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'onair-orphans-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('SIGKILL of the parent process takes its ffmpeg down with it', async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', parentScript, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: parent.stdout! }).once('line', resolve);
        parent.once('exit', (code) => reject(new Error(`parent exited early (${code})`)));
      });
      const { guard, ffmpeg } = JSON.parse(line) as { guard: number; ffmpeg: number };
      expect(isAlive(ffmpeg)).to.equal(true);
      parent.kill('SIGKILL');
      await waitFor('ffmpeg to die with its parent', () => !isAlive(ffmpeg), 10_000, 100);
      await waitFor('the guard group to be empty', () => groupPids(guard).length === 0, 10_000, 100);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('killLeftovers ends processes recorded in pidfiles and removes the files', async () => {
    const runDir = path.join(dir, 'run');
    const proc = new GuardedProcess(
      binaries().ffmpeg,
      ['-hide_banner', '-nostdin', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=5', '-f', 'null', '-'],
      { pidFile: path.join(runDir, 'leftover.pid') },
    );
    const ffmpeg = await waitFor('the ffmpeg child', () => ffmpegChildOf(proc.pid), 5000);
    expect(readdirSync(runDir)).to.deep.equal(['leftover.pid']);
    expect(killLeftovers(runDir)).to.deep.equal([proc.pid]);
    await proc.exited;
    await waitFor('ffmpeg gone', () => !isAlive(ffmpeg), 5000, 50);
    expect(readdirSync(runDir)).to.deep.equal([]);
  });
});
