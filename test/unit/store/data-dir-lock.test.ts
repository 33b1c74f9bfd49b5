import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataDirLockedError, lockDataDir } from '../../../src/store/data-dir-lock.js';

describe('data folder lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'onair-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second holder while the first process lives, naming it', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      lockDataDir(dir, other.pid!);
      expect(() => lockDataDir(dir)).to.throw(DataDirLockedError, new RegExp(`pid ${other.pid}.*ONAIR_DATA_DIR`));
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    // Its holder was killed: the lock is stale and taken over.
    const release = lockDataDir(dir);
    expect(readFileSync(path.join(dir, 'onair.lock'), 'utf8').trim().split(' ')[0]).to.equal(String(process.pid));
    release();
    expect(existsSync(path.join(dir, 'onair.lock'))).to.equal(false);
  });

  it('takes over a lock whose pid now names an unrelated live process (pid reuse after a power cut)', async () => {
    const unrelated = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      // Written by an onair of another boot that had this pid: same number, another process.
      writeFileSync(path.join(dir, 'onair.lock'), `${unrelated.pid} 00000000-dead-beef-0000-000000000000 4242\n`);
      const release = lockDataDir(dir);
      expect(readFileSync(path.join(dir, 'onair.lock'), 'utf8').split(' ')[0]).to.equal(String(process.pid));
      release();
    } finally {
      unrelated.kill('SIGKILL');
      await new Promise((r) => unrelated.once('exit', r));
    }
  });

  it('release leaves a lock that another process has taken since', () => {
    const release = lockDataDir(dir);
    writeFileSync(path.join(dir, 'onair.lock'), '1\n');
    release();
    expect(readFileSync(path.join(dir, 'onair.lock'), 'utf8').trim()).to.equal('1');
  });
});
