// `onair` as installed: a copy of the package with dist/ built by the same build `npm ci`
// and `npm start` run, and no src/ at all, so only the compiled JavaScript can answer.
// Also: a reader that closes the pipe early (`onair preview | head -1`) ends it quietly.
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

describe('onair as installed (compiled dist/, no sources)', function () {
  this.timeout(120_000);
  let pkg: string;
  let media: string;

  function onair(args: string[], options: { stdoutLines?: number } = {}): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(pkg, 'bin/onair.js'), ...args], {
        cwd: pkg,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LANG: 'en_US.UTF-8', ONAIR_MEDIA_DIR: media },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        // Like `| head -n N`: read N lines, then close our end of the pipe.
        if (options.stdoutLines !== undefined && stdout.split('\n').length > options.stdoutLines) child.stdout.destroy();
      });
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
  }

  before(() => {
    pkg = mkdtempSync(path.join(os.tmpdir(), 'onair-installed-'));
    media = mkdtempSync(path.join(os.tmpdir(), 'onair-media-'));
    for (const part of ['package.json', 'bin', 'config', 'schedules', 'web', 'docs', 'test/fixtures/schedules']) cpSync(path.join(ROOT, part), path.join(pkg, part), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'));
    // The build `prepare` and `prestart` run, into the copy.
    const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), path.join(pkg, 'dist')], { encoding: 'utf8' });
    expect(built.status, built.stderr).to.equal(0);
    expect(existsSync(path.join(pkg, 'src'))).to.equal(false);
  });
  after(() => {
    rmSync(pkg, { recursive: true, force: true });
    rmSync(media, { recursive: true, force: true });
  });

  it('validates the shipped schedules from dist/ (exit 0, the summary)', async () => {
    const r = await onair(['validate', 'schedules']);
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^\d+ files, \d+ programmes valid: 0 errors, 0 warnings$/m);
  });

  it('reports a broken file with file:line:col and exit 1, in Turkish with --lang tr', async () => {
    const r = await onair(['validate', '--lang', 'tr', 'test/fixtures/schedules/broken']);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/broken\/[\w-]+\.yaml:\d+:\d+: hata: /);
    expect(r.stdout).to.match(/hata.*onair validate/);
  });

  it('ends quietly when the reader closes the pipe early (preview | head -1)', async () => {
    const r = await onair(['preview', 'schedules', '--days', '60'], { stdoutLines: 1 });
    expect(r.stderr).to.equal('');
    expect(r.signal).to.equal(null);
    expect(r.code).to.equal(0);
  });
});
