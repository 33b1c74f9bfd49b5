// The real thing, black-box: `onair web` twice and `onair worker` as separate processes on the
// real Redis, a programme on the local HLS destination with real ffmpeg. Viewers on both web
// nodes get `programme:live` once; the worker is SIGKILLed mid-air and another started: it
// resumes the same broadcast (no second go-live), its ffmpeg extends the same HLS playlist,
// and no ffmpeg of the dead worker is left running.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { io as connect, type Socket } from 'socket.io-client';
import { stringify } from 'yaml';
import { RedisBroadcastStore } from '../../src/store/redis/broadcast-store.js';
import { ffmpegProcessesMentioning, outputFfmpegMentioning } from '../support/onair-process.js';
import { REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../unit/cluster/redis-test-support.js';
import { LoggedProcess } from '../support/logged-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** An onair node process (its JSON log lines, waits on them, kill). */
class Proc extends LoggedProcess {}

describe('cluster: real onair web ×2 + onair worker processes, real ffmpeg (real Redis)', function () {
  this.timeout(120_000);
  let root: string;
  let prefix: string;
  let admin: Redis;
  const procs: Proc[] = [];
  const sockets: Socket[] = [];

  beforeEach(() => {
    prefix = uniquePrefix('procs');
    admin = testRedis();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-cluster-procs-'));
    for (const d of ['schedules', 'data', 'media', 'config']) fs.mkdirSync(path.join(root, d));
    fs.copyFileSync(path.join(ROOT, 'config/default.yaml'), path.join(root, 'config/default.yaml'));
    fs.writeFileSync(path.join(root, 'config/clustertest.yaml'), stringify({ cluster: { leaseTtl: '3s' } }));
  });

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.disconnect();
    for (const p of procs.splice(0)) await p.kill();
    await deletePrefix(admin, prefix);
    await admin.quit();
    fs.rmSync(root, { recursive: true, force: true });
  });

  function start(role: 'web' | 'worker'): Proc {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/onair.js'), role], {
      env: {
        ...process.env,
        NODE_ENV: 'clustertest',
        ONAIR_CONFIG_DIR: path.join(root, 'config'),
        ONAIR_REDIS_URL: REDIS_URL,
        ONAIR_REDIS_PREFIX: prefix,
        ONAIR_SCHEDULES_DIR: path.join(root, 'schedules'),
        ONAIR_DATA_DIR: path.join(root, 'data'),
        ONAIR_MEDIA_DIR: path.join(root, 'media'),
        ONAIR_HOST: '127.0.0.1',
        PORT: '0',
        ONAIR_LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const p = new Proc(child);
    procs.push(p);
    return p;
  }

  async function portOf(p: Proc): Promise<number> {
    return Number((await p.waitFor((l) => typeof l['msg'] === 'string' && (l['msg'] as string).endsWith('node listening')))['port']);
  }

  async function viewer(port: number): Promise<{ socket: Socket; live: string[] }> {
    const socket = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
    sockets.push(socket);
    const live: string[] = [];
    socket.on('programme:live', (p: { programme: { occurrenceId: string } }) => live.push(p.programme.occurrenceId));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return { socket, live };
  }

  it('viewers on both web nodes get programme:live once; a SIGKILLed worker is replaced and the same broadcast continues', async () => {
    const worker1 = start('worker');
    const webA = start('web');
    const webB = start('web');
    const [portA, portB] = await Promise.all([portOf(webA), portOf(webB)]);
    await worker1.waitFor((l) => l['msg'] === 'this node now leads: starting the scheduler');
    const viewers = await Promise.all([viewer(portA), viewer(portB)]);

    // Now the programme appears (hot reload), starting within the current minute: a late
    // start inside the grace, so it goes on air at once.
    const local = new Date().toISOString().slice(0, 16);
    const occId = `cluster-test@${local}`;
    fs.writeFileSync(
      path.join(root, 'schedules/cluster-test.yaml'),
      `id: cluster-test\ntitle: { tr: Küme Testi, en: Cluster Test }\ndescription: { tr: x, en: x }\ncategory: other\ntimezone: UTC\nduration: 30m\nrecurrence:\n  once: ${local}\nsource: { testPattern: {} }\ndestinations: [demo]\n`,
    );
    await Promise.all(viewers.map((v) => (v.live.length ? undefined : new Promise((r) => v.socket.once('programme:live', r)))));
    await worker1.waitFor((l) => l['msg'] === 'ffmpeg started' && l['kind'] === 'programme');
    // Wait for ffmpeg's first playlist (checked every 100 ms; the test's timeout bounds it).
    let playlist: string | undefined;
    while (!playlist) {
      const hls = path.join(root, 'data/hls');
      playlist = fs.existsSync(hls)
        ? fs
            .readdirSync(hls)
            .map((d) => path.join(hls, d, 'index.m3u8'))
            .find((f) => fs.existsSync(f))
        : undefined;
      if (!playlist) await new Promise((r) => setTimeout(r, 100));
    }

    // Kill the worker mid-air, start another.
    await worker1.kill('SIGKILL');
    const worker2 = start('worker');
    await worker2.waitFor((l) => l['msg'] === 'this node now leads: starting the scheduler');
    await worker2.waitFor((l) => l['msg'] === 'ffmpeg started');
    // No ffmpeg of the dead worker keeps pushing into the same place.
    // ("ffmpeg started" is logged as its wrapper starts; wait for the process itself.)
    // The dead worker's ffmpeg dies with its guard a moment after the kill, so allow it a
    // few seconds to go; two still running after that is the failure this checks for.
    const settleBy = Date.now() + 5_000;
    while (outputFfmpegMentioning(root).length !== 1 && Date.now() < settleBy) await new Promise((r) => setTimeout(r, 50));
    expect(outputFfmpegMentioning(root).length).to.equal(1);

    // The playlist grows again under the new worker: wait for a segment it did not have.
    const before = fs.readFileSync(playlist!, 'utf8');
    await new Promise<void>((resolve) => {
      const watcher = fs.watch(path.dirname(playlist!), () => {
        if (fs.existsSync(playlist!) && fs.readFileSync(playlist!, 'utf8') !== before) {
          watcher.close();
          resolve();
        }
      });
    });

    const store = new RedisBroadcastStore({ redis: admin, prefix, fenceKey: `${prefix}leader:fence`, fencingToken: () => undefined });
    expect((await store.get(occId))?.state).to.equal('live');
    expect((await store.transitions(occId)).filter((t) => t.to === 'live')).to.have.length(1);
    expect(worker2.logs.some((l) => l['to'] === 'live')).to.equal(false);
    expect(viewers.map((v) => v.live)).to.deep.equal([[occId], [occId]]);
  });
});
