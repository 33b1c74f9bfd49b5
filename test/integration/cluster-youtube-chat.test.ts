// YouTube live chat in cluster mode (real Redis): the bridge runs on the leader only (here an
// in-process leader node with the real lease, the real staff-action queue and the real
// bridge, fed by a hand-written YouTube chat port); a moderator connected to a `web` node
// (the real cluster composition root) sees its messages and figures, and deletes/bans them
// through the leader.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import type { YoutubeChatItem, YoutubeChatPort } from '../../src/chat/index.js';
import { ClusterNode, type LeaderEngine } from '../../src/cluster/index.js';
import { loadConfig } from '../../src/config/index.js';
import { startLeaderYoutubeChat } from '../../src/compose/index.js';
import { startClusterNode, type ClusterOnair } from '../../src/main-cluster.js';
import type { AuditEntryPayload, ChatMessagePayload, YoutubeChatStatus } from '../../src/realtime/events.js';
import type { BroadcastRecord, EngineEvents } from '../../src/scheduler/ports.js';
import { systemClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { TypedEmitter } from '../../src/shared/typed-emitter.js';
import { fakeSchedule, occurrence } from '../unit/scheduler/fakes.js';
import { REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../unit/cluster/redis-test-support.js';

const TOKEN = 'cluster-yt-moderator-token-0123456789';

/** YouTube's live chat as the bridge sees it: one message, then quiet; records every call. */
function fakeYoutubeChat() {
  const calls: string[] = [];
  const first: YoutubeChatItem = { id: 'ytmsg-1', authorChannelId: 'UC-author-1', authorName: 'Deniz', text: 'Merhaba!', publishedAt: new Date().toISOString() };
  const port = {
    async list(liveChatId: string, pageToken: string | undefined) {
      calls.push(`list ${liveChatId} ${pageToken ?? '-'}`);
      return pageToken ? { items: [], nextPageToken: 'p2', pollingIntervalMillis: 60_000 } : { items: [first], nextPageToken: 'p2', pollingIntervalMillis: 60_000 };
    },
    async deleteMessage(messageId: string) {
      calls.push(`delete ${messageId}`);
    },
    async ban(liveChatId: string, channelId: string, durationSeconds: number | null) {
      calls.push(`ban ${liveChatId} ${channelId} ${durationSeconds}`);
    },
  } satisfies YoutubeChatPort;
  return { port, calls };
}

describe('cluster: YouTube live chat polled by the leader, moderated from a web node (real Redis)', function () {
  this.timeout(60_000);
  let prefix: string;
  let admin: Redis;
  let tmp: string;
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeEach(() => {
    prefix = uniquePrefix('ytchat');
    admin = testRedis();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-ytchat-'));
    fs.mkdirSync(path.join(tmp, 'schedules'));
  });

  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await deletePrefix(admin, prefix);
    await admin.quit();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('shows the leader’s YouTube messages and figures to a web node’s moderator, whose delete and ban reach YouTube through the leader', async () => {
    const config = loadConfig({
      env: {
        PORT: '0', ONAIR_HOST: '127.0.0.1', ONAIR_DATA_DIR: path.join(tmp, 'data'), ONAIR_SCHEDULES_DIR: path.join(tmp, 'schedules'),
        ONAIR_REDIS_URL: REDIS_URL, ONAIR_REDIS_PREFIX: prefix, ONAIR_LOG_LEVEL: 'silent', ONAIR_MODERATOR_TOKEN: TOKEN,
      },
    });
    expect(Object.values(config.destinations).some((d) => d.type === 'youtube'), 'the default config has a YouTube destination').to.equal(true);
    const logger = createLogger('silent');
    const occ = occurrence('story-hour@2026-12-05T11:00', new Date(Date.now() - 60_000).toISOString(), 60);
    const schedule = fakeSchedule([occ]);
    const youtube = fakeYoutubeChat();

    // The leader: the real lease, fencing and staff-action queue; an engine stand-in whose
    // events the test drives; the real chat service + YouTube bridge of the leader.
    const leaderNode = new ClusterNode({ redisUrl: REDIS_URL, role: 'worker', clock: systemClock, logger, prefix, nodeId: 'leader', leaseTtlMs: 5000 });
    await leaderNode.connect();
    const engine = new TypedEmitter<EngineEvents>();
    let leading!: () => void;
    let leaderIo!: Parameters<Parameters<ClusterNode['runLeader']>[0]>[0]['io'];
    const led = new Promise<void>((resolve) => (leading = resolve));
    leaderNode.runLeader(async (term): Promise<LeaderEngine> => {
      leaderIo = term.io;
      const chat = await startLeaderYoutubeChat({ config, logger, clock: systemClock, schedule, engineEvents: engine, chatStore: leaderNode.chatStore(), port: youtube.port, io: term.io });
      const refuse = async (): Promise<BroadcastRecord> => {
        throw new Error('not in this test');
      };
      leading();
      return { on: engine.on.bind(engine), startNow: refuse, extend: refuse, endNow: refuse, show: refuse, youtubeChat: chat.moderator, stop: () => chat.stop() };
    });
    cleanups.push(() => leaderNode.stop());
    await led;

    const web: ClusterOnair = await startClusterNode(config, { role: 'web', logger });
    cleanups.push(() => web.stop());
    const moderator: ClientSocket = connect(`http://127.0.0.1:${web.port}/moderation`, { transports: ['websocket'], auth: { token: TOKEN }, reconnection: false });
    cleanups.push(() => void moderator.disconnect());
    await new Promise<void>((resolve, reject) => {
      moderator.once('connect', resolve);
      moderator.once('connect_error', reject);
    });
    // The web node's stream adapter starts reading from "now" with its first XREAD, a moment
    // after the node listens; what the leader emits before that never reaches it. Probe until
    // the leader's emits arrive here, so the test waits on the path, not on a guess.
    await new Promise<void>((resolve) => {
      const probe = setInterval(() => leaderIo.of('/moderation').emit('test:probe'), 100);
      moderator.once('test:probe', () => {
        clearInterval(probe);
        resolve();
      });
    });
    const messages = new Promise<ChatMessagePayload[]>((resolve) => moderator.once('chat:messages', resolve));
    const status = new Promise<YoutubeChatStatus>((resolve) => moderator.on('youtube:status', (s: YoutubeChatStatus) => s.polls > 0 && resolve(s)));

    // The broadcast goes live on YouTube: the leader's bridge starts polling its live chat.
    const now = new Date().toISOString();
    engine.emit(
      'transition',
      {
        occurrenceId: occ.id, programmeId: occ.programmeId, title: occ.title, state: 'live',
        scheduledStart: occ.start.toISOString(), scheduledEnd: occ.end.toISOString(), liveAt: now, updatedAt: now,
        destinations: [{ name: 'youtube', kind: 'youtube', status: 'live', watchUrl: 'https://www.youtube.com/watch?v=x', remote: { broadcastId: 'b1', liveChatId: 'chat-1' } }],
      },
      'ready',
      occ,
    );
    const [message] = await messages;
    expect(message).to.include({ id: 'yt_ytmsg-1', origin: 'youtube', nickname: 'Deniz', text: 'Merhaba!', occurrenceId: occ.id });
    const figures = await status;
    expect(figures).to.include({ occurrenceId: occ.id, polling: true, pollingIntervalMs: 60_000 });
    expect(figures.unitsSpent).to.equal(5);

    // Delete from the web node: carried out on YouTube by the leader, recorded, shown.
    const deleted = (await moderator.emitWithAck('mod:action', { action: 'delete', messageId: message!.id })) as { ok: boolean; entry?: AuditEntryPayload; error?: unknown };
    expect(deleted.ok, JSON.stringify(deleted.error)).to.equal(true);
    expect(deleted.entry).to.include({ action: 'delete', origin: 'youtube' });
    const banned = (await moderator.emitWithAck('mod:action', { action: 'ban', messageId: message!.id, scope: 'all', minutes: null })) as { ok: boolean; error?: unknown };
    expect(banned.ok, JSON.stringify(banned.error)).to.equal(true);
    expect(youtube.calls.filter((c) => !c.startsWith('list'))).to.deep.equal(['delete ytmsg-1', 'ban chat-1 UC-author-1 null']);
    // One poller for the whole cluster: only the leader lists.
    expect(youtube.calls.filter((c) => c.startsWith('list'))).to.deep.equal(['list chat-1 -']);
  });
});
