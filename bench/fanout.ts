// npm run bench:fanout — how fast one `programme:live` reaches N viewers, what each
// connected viewer costs in server memory, and chat throughput through the moderation
// filters to 1,000 room members; the same fan-out on a bare `ws` server, and the ratio.
// The server runs here (the real RealtimeServer + ChatService, as main.ts wires them); the
// viewers run in a separate process (bench/fanout-clients.ts) on loopback.
// Usage: npm run bench:fanout [-- 1000,5000,10000]   (needs `ulimit -n` above 2×N+100)
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { loadConfig } from '../src/config/index.js';
import { buildRealtimeParts } from '../src/main.js';
import { buildFilters, runFilters } from '../src/chat/index.js';
import type { BroadcastRecord, EngineEvents, ScheduleReader } from '../src/scheduler/ports.js';
import type { Occurrence } from '../src/schedule/types.js';
import { createLogger } from '../src/shared/logger.js';
import { systemClock } from '../src/shared/clock.js';
import { TypedEmitter } from '../src/shared/typed-emitter.js';
import { openDatabase } from '../src/store/sqlite.js';
import type { ClientCommand, ClientReport } from './fanout-clients.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SIZES = (process.argv[2] ?? '1000,5000,10000').split(',').map(Number);
const ROUNDS = 5;
const CHAT_MEMBERS = 1000;
const CHAT_MESSAGES = 2000;
const CHAT_SENDERS = 20;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
}

function rssKb(): number {
  gc();
  return process.memoryUsage().rss / 1024;
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

function median(values: number[]): number {
  return pct(values, 50);
}

class Clients {
  readonly child: ChildProcess;
  readonly #waiters: Array<{ type: ClientReport['type']; resolve: (r: ClientReport) => void }> = [];

  constructor() {
    this.child = fork(path.join(HERE, 'fanout-clients.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (r: ClientReport) => {
      const i = this.#waiters.findIndex((w) => w.type === r.type);
      if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(r);
    });
  }

  send(cmd: ClientCommand): void {
    this.child.send(cmd);
  }

  wait<T extends ClientReport['type']>(type: T): Promise<Extract<ClientReport, { type: T }>> {
    return new Promise((resolve) => this.#waiters.push({ type, resolve: resolve as (r: ClientReport) => void }));
  }

  async close(): Promise<void> {
    const closed = this.wait('closed');
    this.send({ cmd: 'close' });
    await closed;
    await new Promise((r) => this.child.once('exit', r));
  }
}

function occurrence(id: string, start: Date): Occurrence {
  const end = new Date(start.getTime() + 3600_000);
  return {
    id,
    programmeId: 'bench',
    title: { tr: 'Masal Saati', en: 'Fairy Tale Time' },
    description: { tr: 'Çocuklar için masallar', en: 'Stories for children' },
    category: 'reading',
    audience: ['children'],
    timezone: 'Europe/Istanbul',
    start,
    end,
    localStart: start.toISOString(),
    localEnd: end.toISOString(),
    source: { kind: 'testPattern', pattern: 'testsrc2', toneHz: 440 },
    destinations: ['local', 'youtube'],
    youtube: { privacy: 'public', madeForKids: true },
    chat: { enabled: true, slowModeMs: 0 },
    remindersMs: [900_000],
    cancelled: false,
  };
}

interface SioServer {
  url: string;
  engine: TypedEmitter<EngineEvents>;
  chatRoom: string;
  stop(): Promise<void>;
}

async function startSocketIo(dataDir: string): Promise<SioServer> {
  const config = loadConfig({
    env: {},
    overrides: {
      'paths.data': dataDir,
      'log.level': 'silent',
      // Throughput through the filters, not the anti-spam limits, is what is measured.
      'chat.rateLimitPerConnection': 1_000_000,
      'chat.rateLimitPerIp': 1_000_000,
    },
  });
  const chatOcc = occurrence('bench@chat', new Date(Date.now() + 60_000));
  const schedule: ScheduleReader = {
    occurrences: (from, to) => (chatOcc.end >= from && chatOcc.start <= to ? [chatOcc] : []),
    find: (id) => (id === chatOcc.id ? chatOcc : undefined),
    onChange: () => () => {},
  };
  const engine = new TypedEmitter<EngineEvents>();
  const db = openDatabase(dataDir);
  const parts = buildRealtimeParts({
    config,
    logger: createLogger('silent'),
    clock: systemClock,
    db,
    schedule,
    engineEvents: engine,
    // The per-socket flood guard (30 events / 10 s) would refuse the pipelined senders.
    realtimeLimits: { eventsPer10s: 1_000_000_000 },
  });
  await parts.start();
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  parts.attach(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    engine,
    chatRoom: chatOcc.id,
    async stop() {
      await parts.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      db.close();
    },
  };
}

function liveRecord(round: number, at: number): BroadcastRecord {
  const iso = new Date(at).toISOString();
  return {
    occurrenceId: `bench@round-${round}`,
    programmeId: 'bench',
    title: { tr: 'Masal Saati', en: 'Fairy Tale Time' },
    state: 'live',
    scheduledStart: iso,
    scheduledEnd: iso,
    liveAt: iso,
    destinations: [
      { name: 'youtube', kind: 'youtube', status: 'live', watchUrl: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', remote: {} },
      { name: 'local', kind: 'local', status: 'live', watchUrl: '/hls/bench/index.m3u8', remote: {} },
    ],
    updatedAt: iso,
  };
}

interface FanoutResult {
  connectMs: number;
  failed: number;
  p50: number;
  p99: number;
  kbPerViewer: number;
}

async function measureSocketIo(n: number): Promise<FanoutResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-bench-'));
  const srv = await startSocketIo(dir);
  const before = rssKb();
  const clients = new Clients();
  const connected = clients.wait('connected');
  clients.send({ cmd: 'connect', kind: 'sio', url: srv.url, n });
  const c = await connected;
  await new Promise((r) => setTimeout(r, 500));
  const after = rssKb();
  const p50s: number[] = [];
  const p99s: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    clients.send({ cmd: 'expect-live', round });
    await new Promise((r) => setTimeout(r, 100));
    const got = clients.wait('latencies');
    srv.engine.emit('transition', liveRecord(round, Date.now()), 'ready', undefined);
    const { latencies } = await got;
    p50s.push(pct(latencies, 50));
    p99s.push(pct(latencies, 99));
  }
  await clients.close();
  await srv.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  return { connectMs: c.ms, failed: c.failed, p50: median(p50s), p99: median(p99s), kbPerViewer: (after - before) / c.n };
}

async function measureWs(n: number): Promise<FanoutResult> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: true });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const before = rssKb();
  const clients = new Clients();
  const connected = clients.wait('connected');
  clients.send({ cmd: 'connect', kind: 'ws', url, n });
  const c = await connected;
  await new Promise((r) => setTimeout(r, 500));
  const after = rssKb();
  const p50s: number[] = [];
  const p99s: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    clients.send({ cmd: 'expect-live', round });
    await new Promise((r) => setTimeout(r, 100));
    const got = clients.wait('latencies');
    const sentAt = Date.now();
    // The same kind of payload, serialised once, as socket.io does for a broadcast.
    const frame = JSON.stringify({ sentAt, round, event: 'programme:live', payload: liveRecord(round, sentAt) });
    for (const ws of wss.clients) if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    const { latencies } = await got;
    p50s.push(pct(latencies, 50));
    p99s.push(pct(latencies, 99));
  }
  await clients.close();
  for (const ws of wss.clients) ws.terminate();
  wss.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  return { connectMs: c.ms, failed: c.failed, p50: median(p50s), p99: median(p99s), kbPerViewer: (after - before) / c.n };
}

async function measureChat(): Promise<{ perSecond: number; filterOnlyPerSecond: number; delivered: number }> {
  // Filters alone, in this process: the ceiling the moderation checks put on chat.
  const filters = buildFilters({ maxLength: 300, allowLinks: false, bannedWords: [] });
  const samples = ['Merhaba herkese!', 'Bu masal çok güzel 😀', 'What happens next?', 'Ayşe buradayım', 'harika bir gün'];
  const t0 = performance.now();
  let k = 0;
  while (performance.now() - t0 < 1000) runFilters(filters, samples[k++ % samples.length]!);
  const filterOnlyPerSecond = k / ((performance.now() - t0) / 1000);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-bench-chat-'));
  const srv = await startSocketIo(dir);
  const members = new Clients();
  const joined = members.wait('connected');
  members.send({ cmd: 'connect', kind: 'sio', url: srv.url, n: CHAT_MEMBERS, chatRoom: srv.chatRoom });
  await joined;
  members.send({ cmd: 'expect-chat', count: CHAT_MESSAGES });
  await new Promise((r) => setTimeout(r, 100));
  const done = members.wait('chat-done');
  // Senders: socket.io clients in this process, each pushing its share without waiting.
  const { io } = await import('socket.io-client');
  const senders = await Promise.all(
    Array.from({ length: CHAT_SENDERS }, (_, i) =>
      new Promise<ReturnType<typeof io>>((resolve) => {
        const s = io(srv.url, { transports: ['websocket'], forceNew: true, auth: { fingerprint: `bench-sender-${i}` } });
        s.once('connect', () => s.emit('chat:join', { occurrenceId: srv.chatRoom, nickname: `Sender ${i}` }, () => resolve(s)));
      }),
    ),
  );
  const start = Date.now();
  let refused = 0;
  const per = CHAT_MESSAGES / CHAT_SENDERS;
  await Promise.all(
    senders.map(
      (s, i) =>
        new Promise<void>((resolve) => {
          let acked = 0;
          for (let m = 0; m < per; m++) {
            s.emit('chat:send', { occurrenceId: srv.chatRoom, text: `${samples[m % samples.length]} #${i}-${m}` }, (ack: { ok: boolean }) => {
              if (!ack.ok) refused++;
              if (++acked === per) resolve();
            });
          }
        }),
    ),
  );
  const { lastAt, received } = await Promise.race([
    done,
    new Promise<{ lastAt: number; received: number }>((r) => setTimeout(() => r({ lastAt: Date.now(), received: -1 }), 120_000)),
  ]);
  for (const s of senders) s.disconnect();
  await members.close();
  await srv.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  if (refused > 0) console.log(`  (${refused} chat messages were refused by the server)`);
  return { perSecond: CHAT_MESSAGES / ((lastAt - start) / 1000), filterOnlyPerSecond, delivered: received };
}

function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

async function main(): Promise<void> {
  console.log(`bench:fanout — node ${process.version}, ${os.cpus().length} cores, ${ROUNDS} rounds per size (median shown)`);
  if (!(globalThis as { gc?: unknown }).gc) console.log('  (run with --expose-gc for steadier memory figures; npm run bench:fanout does)');
  const rows: string[] = [];
  for (const n of SIZES) {
    const sio = await measureSocketIo(n);
    const ws = await measureWs(n);
    const line =
      `N=${String(n).padStart(6)} | socket.io p50 ${fmt(sio.p50)} ms p99 ${fmt(sio.p99)} ms, ${fmt(sio.kbPerViewer)} KB/viewer` +
      ` (connect ${fmt(sio.connectMs / 1000)} s, ${sio.failed} failed)` +
      ` | ws p50 ${fmt(ws.p50)} ms p99 ${fmt(ws.p99)} ms, ${fmt(ws.kbPerViewer)} KB/viewer` +
      ` | ratio p99 ${fmt(sio.p99 / ws.p99, 2)}×, RSS ${fmt(sio.kbPerViewer / ws.kbPerViewer, 2)}×`;
    console.log(line);
    rows.push(line);
  }
  const chat = await measureChat();
  console.log(
    `chat: ${CHAT_MESSAGES} messages from ${CHAT_SENDERS} senders through the filters to ${CHAT_MEMBERS} members: ` +
      `${fmt(chat.perSecond, 0)} messages/s end to end (${chat.delivered} deliveries); filters alone ${fmt(chat.filterOnlyPerSecond, 0)} messages/s`,
  );
  console.log('targets: p99 ≤ 1.2× bare ws at 10,000; ≤ 12 KB RSS per viewer; ≥ 2,000 chat messages/s');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
