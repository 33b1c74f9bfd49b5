// The cluster's Socket.IO adapter lets go of Redis when it is closed, also while Redis is
// away: the stream reader it duplicated from the node's connection used to wait for its
// blocking XREAD, which a dead Redis never answers, and kept reconnecting after its node had
// stopped, holding the process open. A private redis-server is SIGKILLed under a process
// holding only the adapter (test/support/adapter-close-child.ts), which then closes it and
// must exit by itself.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { LoggedProcess } from '../support/logged-process.js';
import { freePort, killRedisServer, startRedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait.js';

const CHILD = fileURLToPath(new URL('../support/adapter-close-child.ts', import.meta.url));

describe('cluster: closing the Socket.IO adapter while Redis is away', function () {
  this.timeout(30_000);
  let tmp: string;
  let redisProc: ChildProcess | undefined;
  let admin: Redis | undefined;
  let child: LoggedProcess<{ event: string }> | undefined;

  afterEach(async () => {
    await child?.kill();
    admin?.disconnect();
    if (redisProc) await killRedisServer(redisProc);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('ends every connection it made: the process exits by itself', async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-adapter-close-'));
    const port = await freePort();
    redisProc = await startRedisServer(port, tmp, { appendOnly: false });
    child = new LoggedProcess<{ event: string }>(
      spawn(process.execPath, ['--import', 'tsx', CHILD, `redis://127.0.0.1:${port}`], { stdio: ['pipe', 'pipe', 'pipe'] }),
    );
    await child.waitFor((l) => l.event === 'ready');
    // The adapter's stream reader is blocked in XREAD when Redis dies.
    admin = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: 1, retryStrategy: () => null });
    admin.on('error', () => {});
    await waitFor('the adapter blocked in XREAD', async () => /cmd=xread/.test(String(await admin!.call('CLIENT', 'LIST'))));
    admin.disconnect();

    await killRedisServer(redisProc);
    redisProc = undefined;
    child.child.stdin!.write('close\n');
    await child.waitFor((l) => l.event === 'closed');
    const exited = child.exited;
    expect(await waitFor('the process to exit by itself (nothing of the adapter left open)', () => Promise.race([exited, undefined]))).to.deep.equal({ code: 0, signal: null });
  });
});
