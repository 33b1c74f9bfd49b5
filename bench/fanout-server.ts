// The server side of bench/fanout.ts, in a process of its own so its memory per viewer is
// measured clean: onair's realtime layer (RealtimeServer + ChatService as main.ts builds
// them), plain socket.io with the same transport options and nothing of onair's (what the
// library itself costs), or a bare `ws` server. Driven over IPC.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocketServer, WebSocket } from 'ws';
import { loadConfig } from '../src/config/index.js';
import { buildRealtimeParts, type RealtimeParts } from '../src/compose/index.js';
import { ChatFanOut } from '../src/realtime/chat-fan-out.js';
import { ProgrammeFeed, type LivePayload } from '../src/realtime/index.js';
import type { BroadcastRecord, EngineEvents, ScheduleReader } from '../src/scheduler/ports.js';
import type { Occurrence } from '../src/schedule/types.js';
import { createLogger } from '../src/shared/logger.js';
import { systemClock } from '../src/shared/clock.js';
import { TypedEmitter } from '../src/shared/typed-emitter.js';
import { profileStart, profileStop } from './cpu-profile.js';
import { openDatabase, type SqliteDatabase } from '../src/store/sqlite/database.js';

export type ServerKind = 'sio' | 'plain' | 'ws';
export type ServerCommand =
  | { cmd: 'start'; kind: ServerKind }
  | { cmd: 'rss' }
  | { cmd: 'emit'; round: number }
  | { cmd: 'round-cpu' }
  | { cmd: 'count-chat'; expect: number }
  | { cmd: 'profile-start' }
  | { cmd: 'profile-stop'; name: string }
  | { cmd: 'stop' };
export type ServerReport =
  | { type: 'listening'; url: string; chatRoom: string }
  | { type: 'rss'; kb: number; heapKb: number; externalKb: number }
  | { type: 'emitted'; round: number; emitMs: number; emitCpuMs: number }
  /** CPU time (user + system) the server spent since the last emit began: its loop and what the writes left to do after it. */
  | { type: 'round-cpu'; cpuMs: number }
  /** The server handed its last chat batch to every member's socket: `messages` of them, `members` in the room. */
  | { type: 'chat-fanned-out'; at: number; messages: number; batches: number; members: number; cpuMs: number }
  | { type: 'profiled' }
  | { type: 'stopped' };

/** An occurrence id as the schedules make them (`${programmeId}@${local start}`): each message carries it. */
export const CHAT_ROOM = 'fairy-tale-time@2026-12-05T11:00';

function reply(r: ServerReport): void {
  process.send?.(r);
}

function rssKb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().rss / 1024;
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

export function liveRecord(round: number, at: number): BroadcastRecord {
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

/**
 * The `programme:live` payload onair's feed builds for liveRecord(round, at): the baselines
 * send these same bytes, so every kind's viewers decode the same JSON.
 */
export function livePayload(round: number, at: number): LivePayload {
  const events = new TypedEmitter<EngineEvents>();
  let payload: LivePayload | undefined;
  const feed = new ProgrammeFeed({
    engineEvents: events,
    schedule: { occurrences: () => [], find: () => undefined, standing: () => 'unknown', onChange: () => () => {} },
    clock: systemClock,
    chatOpensBeforeMs: 0,
    chatClosesAfterMs: 0,
    output: {
      toAll: (event: string, p: unknown) => {
        if (event === 'programme:live') payload = p as LivePayload;
      },
      toRooms: () => {},
    },
  });
  feed.start();
  events.emit('transition', liveRecord(round, at), 'ready', undefined);
  feed.stop();
  if (!payload) throw new Error('the feed sent no programme:live');
  return payload;
}

let server: http.Server | undefined;
let wss: WebSocketServer | undefined;
let parts: RealtimeParts | undefined;
let plain: SocketIoServer | undefined;
let db: SqliteDatabase | undefined;
let dataDir: string | undefined;
const engine = new TypedEmitter<EngineEvents>();
const CHAT_ROOM_NAME = `chat:${CHAT_ROOM}`;
let chatExpected = 0;
let chatCounted = 0;
/** How many batches (broadcasts of `chat:messages`) carried them. */
let chatBatches = 0;
/** The server's CPU time when counting began: what chat cost it, whatever else the machine runs. */
let chatCpu: NodeJS.CpuUsage | undefined;

/**
 * Counts the chat messages the server broadcasts to the chat room (socket.io writes each
 * broadcast to every member's socket before broadcast() returns): the server's fan-out
 * rate, apart from the one client process that has to decode all 1,000 members' copies.
 * Measurement only: the packet goes on unchanged.
 */
function countChatFanOut(io: SocketIoServer): void {
  const adapter = io.of('/').adapter;
  const broadcast = adapter.broadcast.bind(adapter);
  adapter.broadcast = (packet, opts) => {
    broadcast(packet, opts);
    const data = (packet as { data?: unknown[] }).data;
    if (chatExpected > 0 && data?.[0] === 'chat:messages' && opts.rooms.has(CHAT_ROOM_NAME) && Array.isArray(data[1])) {
      chatCounted += data[1].length;
      chatBatches++;
      if (chatCounted >= chatExpected) {
        const cpu = process.cpuUsage(chatCpu);
        reply({ type: 'chat-fanned-out', at: Date.now(), messages: chatCounted, batches: chatBatches, members: adapter.rooms.get(CHAT_ROOM_NAME)?.size ?? 0, cpuMs: (cpu.user + cpu.system) / 1000 });
        chatExpected = 0;
        void profileStop(`chat-${serverKind}`);
      }
    }
  };
}

/**
 * The baseline for chat: plain socket.io that accepts every message (no filters, no store)
 * and sends a room's messages through onair's own ChatFanOut (the same batching), so the
 * difference is what the chat service costs.
 */
function plainChat(io: SocketIoServer): void {
  const fanOut = new ChatFanOut({
    toViewers: (_occurrenceId, messages) => io.to(CHAT_ROOM_NAME).emit('chat:messages', messages),
    toModerators: () => {},
  });
  let seq = 0;
  io.on('connection', (socket) => {
    let nickname = '';
    socket.on('chat:join', (req: { nickname?: unknown }, ack: (r: unknown) => void) => {
      nickname = String(req.nickname);
      void socket.join(CHAT_ROOM_NAME);
      ack({ ok: true, history: [] });
    });
    socket.on('chat:send', (req: { occurrenceId: string; text: string }, ack: (r: unknown) => void) => {
      // The same fields and lengths as onair's messages (a 20-character id, a 12-character
      // author id), so both servers fan out the same bytes.
      const id = String(++seq).padStart(20, '0');
      const message = { id, occurrenceId: CHAT_ROOM, origin: 'onair' as const, nickname, authorId: socket.id.slice(0, 12), text: String(req.text), at: new Date().toISOString() };
      fanOut.queue(message, false);
      ack({ ok: true, message });
    });
  });
}

/** The kind this process serves (names its chat profile). */
let serverKind: ServerKind = 'sio';

async function start(kind: ServerKind): Promise<void> {
  serverKind = kind;
  server = http.createServer();
  if (kind === 'ws') {
    wss = new WebSocketServer({ server, perMessageDeflate: false });
  } else if (kind === 'plain') {
    // The options of RealtimeServer's constructor that shape each connection; no handlers.
    plain = new SocketIoServer(server, {
      perMessageDeflate: false,
      httpCompression: false,
      maxHttpBufferSize: 16 * 1024,
      connectionStateRecovery: { maxDisconnectionDuration: 120_000, skipMiddlewares: false },
    });
    plainChat(plain);
    countChatFanOut(plain);
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-bench-'));
    const config = loadConfig({
      env: {},
      overrides: {
        'paths.data': dataDir,
        'log.level': 'silent',
        // Throughput through the filters, not the anti-spam limits, is what is measured.
        'chat.rateLimitPerConnection': 1_000_000_000,
        'chat.rateLimitPerIp': 1_000_000_000,
        // Every bench viewer comes from 127.0.0.1; the per-address cap (256) would refuse all
        // but the first few hundred.
        'server.maxSocketsPerAddress': 1_000_000,
      },
    });
    const chatOcc = occurrence(CHAT_ROOM, new Date(Date.now() + 60_000));
    const schedule: ScheduleReader = {
      occurrences: (from, to) => (chatOcc.end >= from && chatOcc.start <= to ? [chatOcc] : []),
      find: (id) => (id === chatOcc.id ? chatOcc : undefined),
      standing: () => 'in-force',
      onChange: () => () => {},
    };
    db = openDatabase(dataDir);
    parts = buildRealtimeParts({
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
  }
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  if (parts) countChatFanOut(parts.attach(server).io as unknown as SocketIoServer);
  const port = (server.address() as AddressInfo).port;
  reply({ type: 'listening', url: kind === 'ws' ? `ws://127.0.0.1:${port}` : `http://127.0.0.1:${port}`, chatRoom: CHAT_ROOM });
}

let roundCpu: NodeJS.CpuUsage | undefined;

function cpuMs(since: NodeJS.CpuUsage | undefined): number {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
}

function emit(round: number): void {
  roundCpu = process.cpuUsage();
  const sentAt = Date.now();
  const t0 = performance.now();
  if (wss) {
    // What onair's feed sends (less the "42" prefix and the recovery offset), serialised and
    // encoded once as socket.io does for a broadcast: a string would be encoded to UTF-8
    // again for every viewer, which made this baseline's loop slower than socket.io's.
    const frame = Buffer.from(JSON.stringify(['programme:live', livePayload(round, sentAt)]));
    for (const ws of wss.clients) if (ws.readyState === WebSocket.OPEN) ws.send(frame, { binary: false });
  } else if (plain) {
    // What the feed sends for a transition to live, emitted straight to everyone.
    plain.emit('programme:live', livePayload(round, sentAt));
  } else {
    engine.emit('transition', liveRecord(round, sentAt), 'ready', undefined);
  }
  // How long the server's own loop took to hand every viewer its frame (server cost alone).
  reply({ type: 'emitted', round, emitMs: performance.now() - t0, emitCpuMs: cpuMs(roundCpu) });
}

async function stop(): Promise<void> {
  await parts?.stop();
  if (plain) await new Promise<void>((r) => plain!.close(() => r()));
  for (const ws of wss?.clients ?? []) ws.terminate();
  wss?.close();
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  db?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  reply({ type: 'stopped' });
  setTimeout(() => process.exit(0), 100);
}

process.on('message', (msg: ServerCommand) => {
  switch (msg.cmd) {
    case 'start':
      void start(msg.kind);
      break;
    case 'rss': {
      const kb = rssKb();
      const m = process.memoryUsage();
      reply({ type: 'rss', kb, heapKb: m.heapUsed / 1024, externalKb: (m.external + m.arrayBuffers) / 1024 });
      break;
    }
    case 'emit':
      emit(msg.round);
      break;
    case 'round-cpu':
      reply({ type: 'round-cpu', cpuMs: cpuMs(roundCpu) });
      break;
    case 'count-chat':
      chatCounted = 0;
      chatBatches = 0;
      chatExpected = msg.expect;
      chatCpu = process.cpuUsage();
      void profileStart();
      break;
    case 'profile-start':
      void profileStart();
      break;
    case 'profile-stop':
      void profileStop(msg.name).then(() => reply({ type: 'profiled' }));
      break;
    case 'stop':
      void stop();
      break;
  }
});
