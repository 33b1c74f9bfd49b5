// A web node cut off from Redis misses the engine events published meanwhile (Pub/Sub keeps
// nothing). When Redis is back it re-reads the shared broadcasts and tells its viewers: a
// private redis-server is SIGKILLed; while it is down the leader's write lands (a second
// redis-server on another port over the same append-only file, with no publish reaching the
// node); Redis comes back on the node's port and the viewer gets `programme:live` and a fresh
// `schedule` without any new engine event.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { RedisBroadcastStore } from '../../src/store/redis/broadcast-store.js';
import { closeRedis, connectRedis, waitForRedis } from '../../src/cluster/redis.js';
import { loadConfig } from '../../src/config/index.js';
import { startClusterNode, type ClusterOnair } from '../../src/main-cluster.js';
import type { LivePayload, ScheduleSnapshotPayload } from '../../src/realtime/events.js';
import type { BroadcastRecord } from '../../src/scheduler/ports.js';
import { createLogger } from '../../src/shared/logger.js';
import { freePort, killRedisServer, startRedisServer } from '../support/redis-server.js';

describe('cluster: a web node catches up after a Redis outage (private redis-server)', function () {
  this.timeout(60_000);
  let tmp: string;
  const procs: ChildProcess[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-resync-'));
  });

  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    for (const p of procs.splice(0)) await killRedisServer(p);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function redis(port: number, dir: string): Promise<ChildProcess> {
    const p = await startRedisServer(port, dir);
    procs.push(p);
    return p;
  }

  it('re-reads the shared broadcasts on reconnect and tells its viewers what went live meanwhile', async () => {
    const redisDir = path.join(tmp, 'redis');
    fs.mkdirSync(redisDir);
    fs.mkdirSync(path.join(tmp, 'schedules'));
    const port = await freePort();
    const first = await redis(port, redisDir);
    const prefix = 'onair-resync:';
    const config = loadConfig({
      env: { PORT: '0', ONAIR_HOST: '127.0.0.1', ONAIR_DATA_DIR: path.join(tmp, 'data'), ONAIR_SCHEDULES_DIR: path.join(tmp, 'schedules'), ONAIR_REDIS_URL: `redis://127.0.0.1:${port}`, ONAIR_REDIS_PREFIX: prefix, ONAIR_LOG_LEVEL: 'silent' },
    });
    const web: ClusterOnair = await startClusterNode(config, { role: 'web', logger: createLogger('silent') });
    cleanups.push(() => web.stop());

    const viewer: ClientSocket = connect(`http://127.0.0.1:${web.port}`, { transports: ['websocket'] });
    cleanups.push(() => void viewer.disconnect());
    const firstSnapshot = await new Promise<ScheduleSnapshotPayload>((resolve) => viewer.once('schedule', resolve));
    expect(firstSnapshot.live).to.deep.equal([]);
    const lives: LivePayload[] = [];
    viewer.on('programme:live', (p: LivePayload) => lives.push(p));

    // Redis dies under the node.
    await killRedisServer(first);

    // Meanwhile the leader's write lands in the shared state (here: the same AOF served on
    // another port) and its publish never reaches this node.
    const otherPort = await freePort();
    const other = await redis(otherPort, redisDir);
    const conn = connectRedis(`redis://127.0.0.1:${otherPort}`, { name: 'test-leader' });
    await waitForRedis(conn, 10_000);
    await conn.set(`${prefix}leader:fence`, '7');
    const store = new RedisBroadcastStore({ redis: conn, prefix, fenceKey: `${prefix}leader:fence`, fencingToken: () => 7 });
    const now = new Date();
    const record: BroadcastRecord = {
      occurrenceId: 'fairy-tales@2026-12-05T11:00',
      programmeId: 'fairy-tales',
      title: { tr: 'Masal Saati', en: 'Fairy Tale Time' },
      state: 'live',
      scheduledStart: new Date(now.getTime() - 60_000).toISOString(),
      scheduledEnd: new Date(now.getTime() + 3_600_000).toISOString(),
      liveAt: now.toISOString(),
      destinations: [{ name: 'local', kind: 'local', status: 'live', watchUrl: '/hls/fairy-tales/index.m3u8', remote: {} }],
      updatedAt: now.toISOString(),
    };
    await store.transition(record, undefined, { at: now });
    await closeRedis(conn);
    await killRedisServer(other, 'SIGTERM');
    procs.splice(procs.indexOf(other), 1);
    expect(lives).to.deep.equal([]);

    // Redis is back where the node expects it: the node catches its viewer up by itself.
    const snapshotAfter = new Promise<ScheduleSnapshotPayload>((resolve) => {
      const onSnapshot = (s: ScheduleSnapshotPayload): void => {
        if (s.live.length === 0) return;
        viewer.off('schedule', onSnapshot);
        resolve(s);
      };
      viewer.on('schedule', onSnapshot);
    });
    await redis(port, redisDir);
    const snapshot = await snapshotAfter;
    expect(snapshot.live.map((l) => [l.occurrenceId, l.status])).to.deep.equal([[record.occurrenceId, 'live']]);
    expect(lives.map((l) => l.programme.occurrenceId)).to.deep.equal([record.occurrenceId]);
    expect(lives[0]!.watch).to.deep.equal([{ destination: 'local', kind: 'local', url: '/hls/fairy-tales/index.m3u8' }]);
    // A viewer connecting now gets the same picture.
    const late = connect(`http://127.0.0.1:${web.port}`, { transports: ['websocket'] });
    cleanups.push(() => void late.disconnect());
    const lateSnapshot = await new Promise<ScheduleSnapshotPayload>((resolve) => late.once('schedule', resolve));
    expect(lateSnapshot.live.map((l) => l.occurrenceId)).to.deep.equal([record.occurrenceId]);
  });
});
