// The one composition (src/compose/onair.ts) when its start fails halfway: whatever it had
// built by then (data folder lock, database, schedule watcher, chat) is released, so fixing
// the cause and starting again in the same process works. Real parts throughout: the real
// startOnair, the real lock, a real port held by another server.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { loadConfig, type Config } from '../../src/config/index.js';
import { startOnair } from '../../src/main.js';
import { createLogger } from '../../src/shared/logger.js';

describe('composition: a start that fails halfway releases what it built', function () {
  this.timeout(30_000);
  let tmp: string;
  let config: Readonly<Config>;
  const logger = createLogger('silent');

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-compose-'));
    fs.mkdirSync(path.join(tmp, 'schedules'));
    config = loadConfig({
      env: {
        PORT: '0',
        ONAIR_HOST: '127.0.0.1',
        ONAIR_DATA_DIR: path.join(tmp, 'data'),
        ONAIR_SCHEDULES_DIR: path.join(tmp, 'schedules'),
        ONAIR_MEDIA_DIR: path.join(tmp, 'media'),
        ONAIR_LOG_LEVEL: 'silent',
      },
    });
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a port already in use: the error says so, nothing is left held, and a second start works', async () => {
    const squatter = http.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as AddressInfo).port;
    try {
      const failed = await startOnair({ ...config, server: { ...config.server, port: taken } }, { logger }).then(
        () => undefined,
        (err: unknown) => err as NodeJS.ErrnoException,
      );
      expect(failed?.code).to.equal('EADDRINUSE');
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
    // Before, the lock, the database and the schedule watcher stayed open.
    expect(fs.existsSync(path.join(config.dirs.data, 'onair.lock')), 'the data folder lock').to.equal(false);
    const onair = await startOnair(config, { logger });
    expect(fs.existsSync(path.join(config.dirs.data, 'onair.lock'))).to.equal(true);
    await onair.stop();
    expect(fs.existsSync(path.join(config.dirs.data, 'onair.lock'))).to.equal(false);
  });

  it('a mistyped moderator password hash: refused with the fix, and nothing is left held', async () => {
    const broken = { ...config, moderation: { ...config.moderation, accounts: [{ name: 'zeynep', passwordHash: 'not-a-hash' }] } };
    let message = '';
    await startOnair(broken, { logger }).then(
      () => expect.fail('started with a broken hash'),
      (err: unknown) => void (message = String(err)),
    );
    expect(message).to.match(/onair hash-password --name zeynep/);
    expect(fs.existsSync(path.join(config.dirs.data, 'onair.lock')), 'the data folder lock').to.equal(false);
    const onair = await startOnair(config, { logger });
    await onair.stop();
  });
});
