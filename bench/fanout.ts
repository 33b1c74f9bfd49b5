// npm run bench:fanout — how fast one `programme:live` reaches N viewers, what each
// connected viewer costs in server memory, and chat throughput through the moderation
// filters to 1,000 room members; the same fan-out on a bare `ws` server, and the ratio.
// Three processes on loopback: this one (orchestrator and chat senders), the server
// (bench/fanout-server.ts: onair's realtime layer as main.ts builds it, or bare ws) and the
// viewers (bench/fanout-clients.ts).
// The socket.io viewers of the fan-out rounds and the chat room's members speak the protocol
// over a bare ws client and decode a broadcast as the bare ws viewers do
// (bench/fanout-clients.ts): the one client process decodes every viewer's copy on the same
// 2 cores as the server, and socket.io-client spent twice bare ws's CPU per copy there
// (10,000 viewers: 46 µs against 22 µs), which put the client library, not the server, into
// the p99 ratio and the chat rates. BENCH_CLIENT=library measures with socket.io-client as
// before; BENCH_NO_CHAT=1 skips chat; BENCH_CHAT_MEMBERS=<n> sets the chat room's members
// (default 1,000; 1 leaves the cost of accepting messages nearly alone); BENCH_CPU_PROF=<folder>
// writes CPU profiles of the counted rounds (bench/cpu-profile.ts).
// Chat is measured warm (an uncounted burst first, as round 0 of the fan-out) over three
// counted bursts: the median burst is printed whole, with the range of its fan-out rate.
// Usage: npm run bench:fanout [-- 1000,5000,10000]   (ulimit -n must exceed N + 200; -- 0: chat only)
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { buildFilters, runFilters } from '../src/chat/index.js';
import type { ClientCommand, ClientReport } from './fanout-clients.js';
import type { ServerCommand, ServerKind, ServerReport } from './fanout-server.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
// 0 measures chat only.
const SIZES = (process.argv[2] ?? '1000,5000,10000').split(',').map(Number).filter((n) => n > 0);
const ROUNDS = 11;
/**
 * BENCH_CLIENT=library: the socket.io viewers are socket.io-client instead of the raw
 * protocol client (bench/fanout-clients.ts), whose per-copy cost equals bare ws's.
 */
const CLIENT = process.env['BENCH_CLIENT'] === 'library' ? 'library' : 'raw';
const CHAT_MEMBERS = Number(process.env['BENCH_CHAT_MEMBERS'] ?? 1000);
const CHAT_MESSAGES = 4000;
/** Messages of the uncounted burst before the counted one (see measureChat). */
const CHAT_WARM_UP = 1000;
/** Counted bursts; the chat line gives the one of median fan-out rate. */
const CHAT_BURSTS = 3;
const CHAT_SENDERS = 20;

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/** A child process spoken to over IPC, waiting on its reports by type. */
class Peer<C, R extends { type: string }> {
  readonly child: ChildProcess;
  readonly #waiters: Array<{ type: string; resolve: (r: R) => void }> = [];

  constructor(file: string, execArgv: string[] = []) {
    this.child = fork(path.join(HERE, file), [], { execArgv: [...execArgv, '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (r: R) => {
      const i = this.#waiters.findIndex((w) => w.type === r.type);
      if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(r);
    });
  }

  send(cmd: C): void {
    this.child.send(cmd as object);
  }

  wait<T extends R['type']>(type: T): Promise<Extract<R, { type: T }>> {
    return new Promise((resolve) => this.#waiters.push({ type, resolve: resolve as (r: R) => void }));
  }

  async request<T extends R['type']>(cmd: C, type: T): Promise<Extract<R, { type: T }>> {
    const reply = this.wait(type);
    this.send(cmd);
    return reply;
  }

  exited(): Promise<void> {
    return new Promise((r) => (this.child.exitCode !== null ? r() : this.child.once('exit', () => r())));
  }
}

type Server = Peer<ServerCommand, ServerReport>;
type Clients = Peer<ClientCommand, ClientReport>;

interface FanoutResult {
  connectS: number;
  failed: number;
  p50: number;
  p99: number;
  /** Median time of the server's own emit loop (writing every viewer's frame). */
  emitMs: number;
  /** CPU per viewer (µs, median round): the server's loop and what its writes left to do after it; the client process decoding its copy. */
  serverUs: number;
  clientUs: number;
  kbPerViewer: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const T0 = Date.now();
/** BENCH_DEBUG=1 prints when each phase ends. */
function phase(name: string): void {
  if (process.env['BENCH_DEBUG']) console.log(`  [${((Date.now() - T0) / 1000).toFixed(1)} s] ${name}`);
}

/** One kind's server and viewers, connected, and its rounds so far. */
interface Setup {
  kind: ServerKind;
  server: Server;
  clients: Clients;
  n: number;
  connectMs: number;
  failed: number;
  kbPerViewer: number;
  p50s: number[];
  p99s: number[];
  emits: number[];
  serverCpu: number[];
  clientCpu: number[];
}

async function connect(kind: ServerKind, n: number): Promise<Setup> {
  const server: Server = new Peer('fanout-server.ts', ['--expose-gc']);
  const { url } = await server.request({ cmd: 'start', kind }, 'listening');
  phase(`${kind} server listening`);
  await sleep(300);
  const before = await server.request({ cmd: 'rss' }, 'rss');
  const clients: Clients = new Peer('fanout-clients.ts');
  const c = await clients.request({ cmd: 'connect', kind, url, n, client: CLIENT }, 'connected');
  phase(`${n} ${kind} viewers connected`);
  await sleep(1000);
  const after = await server.request({ cmd: 'rss' }, 'rss');
  phase(`per viewer: RSS ${((after.kb - before.kb) / c.n).toFixed(1)} KB, JS heap ${((after.heapKb - before.heapKb) / c.n).toFixed(1)} KB, buffers ${((after.externalKb - before.externalKb) / c.n).toFixed(1)} KB`);
  return { kind, server, clients, n: c.n, connectMs: c.ms, failed: c.failed, kbPerViewer: (after.kb - before.kb) / c.n, p50s: [], p99s: [], emits: [], serverCpu: [], clientCpu: [] };
}

async function round(s: Setup, round: number): Promise<void> {
  s.clients.send({ cmd: 'expect-live', round });
  await sleep(200);
  const got = s.clients.wait('latencies');
  const emitted = s.server.request({ cmd: 'emit', round }, 'emitted');
  const [{ latencies, cpuMs: clientMs }, { emitMs }] = await Promise.all([got, emitted]);
  const { cpuMs: serverMs } = await s.server.request({ cmd: 'round-cpu' }, 'round-cpu');
  // Round 0 warms up the JIT on both sides; it is not counted.
  if (round > 0) {
    s.p50s.push(pct(latencies, 50));
    s.p99s.push(pct(latencies, 99));
    s.emits.push(emitMs);
    s.serverCpu.push((serverMs * 1000) / s.n);
    s.clientCpu.push((clientMs * 1000) / s.n);
  } else {
    // BENCH_CPU_PROF=<folder>: both sides profile the counted rounds (bench/cpu-profile.ts).
    s.server.send({ cmd: 'profile-start' });
    s.clients.send({ cmd: 'profile-start' });
  }
}

async function close(s: Setup): Promise<FanoutResult> {
  await Promise.all([s.server.request({ cmd: 'profile-stop', name: `${s.kind}-${s.n}-server` }, 'profiled'), s.clients.request({ cmd: 'profile-stop', name: `${s.kind}-${s.n}-clients` }, 'profiled')]);
  await s.clients.request({ cmd: 'close' }, 'closed');
  await s.clients.exited();
  await s.server.request({ cmd: 'stop' }, 'stopped');
  await s.server.exited();
  phase(`${s.kind} stopped`);
  return {
    connectS: s.connectMs / 1000,
    failed: s.failed,
    p50: pct(s.p50s, 50),
    p99: pct(s.p99s, 50),
    emitMs: pct(s.emits, 50),
    serverUs: pct(s.serverCpu, 50),
    clientUs: pct(s.clientCpu, 50),
    kbPerViewer: s.kbPerViewer,
  };
}

/**
 * The three servers hold their viewers at once (each in processes of its own, so each one's
 * memory is its own) and take turns round by round: the machine is shared, its load drifts
 * over the minutes a run takes, and kinds measured one after another compared different
 * loads (the p99 ratio swung 0.7x-1.3x between runs of the same code). An idle server's
 * pings are all that runs beside another's round.
 */
async function measureAll(n: number): Promise<Record<ServerKind, FanoutResult>> {
  const setups: Setup[] = [];
  for (const kind of ['sio', 'plain', 'ws'] as const) setups.push(await connect(kind, n));
  for (let r = 0; r < ROUNDS; r++) for (const s of setups) await round(s, r);
  phase('rounds done');
  const [sio, plain, ws] = [await close(setups[0]!), await close(setups[1]!), await close(setups[2]!)];
  return { sio, plain, ws };
}

const SAMPLES = ['Merhaba herkese!', 'Bu masal çok güzel 😀', 'What happens next?', 'Ayşe buradayım', 'harika bir gün'];

/** Filters alone: the ceiling the moderation checks put on chat. */
function filtersPerSecond(): number {
  const filters = buildFilters({ maxLength: 300, allowLinks: false, bannedWords: [] });
  const t0 = performance.now();
  let k = 0;
  while (performance.now() - t0 < 1000) runFilters(filters, SAMPLES[k++ % SAMPLES.length]!);
  return k / ((performance.now() - t0) / 1000);
}

interface BurstResult {
  /** Every member's client had every message. */
  perSecond: number;
  /** The server acknowledged every message. */
  acceptedPerSecond: number;
  /** The server had written the batch with the last message to every member's socket. */
  fannedOutPerSecond: number;
  members: number;
  /** Messages per batch written to the room (the fan-out writes one frame per member per batch). */
  perBatch: number;
  /** Server CPU time per message, from the first send to its last batch written (acceptance and fan-out). */
  cpuUsPerMessage: number;
  delivered: number;
  refused: number;
}

/** The counted burst of median fan-out rate, whole (its figures belong together). */
interface ChatResult extends BurstResult {
  /** The lowest and highest fan-out rate of the counted bursts. */
  fannedOutRange: [number, number];
}

type Sender = ReturnType<typeof io>;

/**
 * The senders blast `count` messages, `count / CHAT_SENDERS` each, without waiting; resolves
 * when the server has acknowledged all of them, with the time of the last acknowledgement
 * and how many it refused.
 */
function blast(senders: Sender[], room: string, count: number, tag: string): Promise<{ lastAck: number; refused: number }> {
  let refused = 0;
  let acked = 0;
  const per = count / senders.length;
  return new Promise((resolve) => {
    for (const [i, s] of senders.entries()) {
      for (let m = 0; m < per; m++) {
        s.emit('chat:send', { occurrenceId: room, text: `${SAMPLES[m % SAMPLES.length]} #${tag}${i}-${m}` }, (ack: { ok: boolean }) => {
          if (!ack.ok) refused++;
          if (++acked === count) resolve({ lastAck: Date.now(), refused });
        });
      }
    }
  });
}

/** Resolves with `value` after `ms`; the timer is cleared by `cancel()`. */
function after<T>(ms: number, value: () => T): { promise: Promise<T>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<T>((r) => {
    timer = setTimeout(() => r(value()), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

async function measureChat(kind: 'sio' | 'plain'): Promise<ChatResult> {
  const server: Server = new Peer('fanout-server.ts');
  const { url, chatRoom } = await server.request({ cmd: 'start', kind }, 'listening');
  const members: Clients = new Peer('fanout-clients.ts');
  await members.request({ cmd: 'connect', kind, url, n: CHAT_MEMBERS, chatRoom, client: CLIENT }, 'connected');
  const senders = await Promise.all(
    Array.from(
      { length: CHAT_SENDERS },
      (_, i) =>
        new Promise<Sender>((resolve) => {
          const s = io(url, { transports: ['websocket'], forceNew: true, auth: { fingerprint: `bench-sender-${i}` } });
          s.once('connect', () => s.emit('chat:join', { occurrenceId: chatRoom, nickname: `Sender ${i}` }, () => resolve(s)));
        }),
    ),
  );
  // The warm-up burst: a server that has carried a chat for a while has compiled its paths;
  // a cold one spends about half of its first burst compiling and collecting. Not counted.
  members.send({ cmd: 'expect-chat', count: CHAT_WARM_UP });
  const warm = after(120_000, () => undefined);
  await Promise.race([Promise.all([members.wait('chat-done'), blast(senders, chatRoom, CHAT_WARM_UP, 'w')]), warm.promise]);
  warm.cancel();
  phase(`${kind} chat warmed up`);

  const bursts: BurstResult[] = [];
  for (let b = 0; b < CHAT_BURSTS; b++) bursts.push(await countedBurst(server, members, senders, chatRoom, `${b}.`));
  for (const s of senders) s.disconnect();
  await members.request({ cmd: 'close' }, 'closed');
  await members.exited();
  await server.request({ cmd: 'stop' }, 'stopped');
  await server.exited();
  const sorted = [...bursts].sort((a, b) => a.fannedOutPerSecond - b.fannedOutPerSecond);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return { ...median, fannedOutRange: [sorted[0]!.fannedOutPerSecond, sorted.at(-1)!.fannedOutPerSecond] };
}

/** One counted burst of CHAT_MESSAGES, once every member has had everything before it. */
async function countedBurst(server: Server, members: Clients, senders: Sender[], chatRoom: string, tag: string): Promise<BurstResult> {
  members.send({ cmd: 'expect-chat', count: CHAT_MESSAGES });
  server.send({ cmd: 'count-chat', expect: CHAT_MESSAGES });
  await sleep(200);
  const done = members.wait('chat-done');
  const fannedOut = server.wait('chat-fanned-out');
  const start = Date.now();
  const timeout = after(120_000, () => ({ lastAt: Date.now(), received: -1 }));
  const [{ lastAt, received }, { lastAck, refused }, fan] = await Promise.all([
    Promise.race([done, timeout.promise]),
    blast(senders, chatRoom, CHAT_MESSAGES, tag),
    Promise.race([fannedOut, timeout.promise.then(() => ({ at: NaN, members: 0, batches: NaN, cpuMs: NaN }))]),
  ]);
  timeout.cancel();
  return {
    perSecond: CHAT_MESSAGES / ((lastAt - start) / 1000),
    acceptedPerSecond: CHAT_MESSAGES / ((lastAck - start) / 1000),
    fannedOutPerSecond: CHAT_MESSAGES / ((fan.at - start) / 1000),
    members: fan.members,
    perBatch: CHAT_MESSAGES / fan.batches,
    cpuUsPerMessage: (fan.cpuMs * 1000) / CHAT_MESSAGES,
    delivered: received,
    refused,
  };
}

function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

async function main(): Promise<void> {
  console.log(`bench:fanout — node ${process.version}, ${os.cpus().length} cores; median of ${ROUNDS - 1} rounds after a warm-up; viewers: ${CLIENT === 'raw' ? 'raw protocol clients' : 'socket.io-client'}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const n of SIZES) {
    const { sio, plain, ws } = await measureAll(n);
    console.log(
      `N=${String(n).padStart(6)} | onair socket.io: p50 ${fmt(sio.p50)} ms, p99 ${fmt(sio.p99)} ms, ${fmt(sio.kbPerViewer)} KB RSS/viewer` +
        ` (connect ${fmt(sio.connectS)} s, ${sio.failed} failed)` +
        ` | bare ws: p50 ${fmt(ws.p50)} ms, p99 ${fmt(ws.p99)} ms, ${fmt(ws.kbPerViewer)} KB RSS/viewer (${ws.failed} failed)` +
        ` | ratio: p99 ${fmt(sio.p99 / ws.p99, 2)}×, RSS ${fmt(sio.kbPerViewer / ws.kbPerViewer, 2)}×`,
    );
    console.log(
      `           plain socket.io (same options, no onair): p50 ${fmt(plain.p50)} ms, p99 ${fmt(plain.p99)} ms, ${fmt(plain.kbPerViewer)} KB RSS/viewer` +
        ` | onair against it: p99 ${fmt(sio.p99 / plain.p99, 2)}×, RSS ${fmt(sio.kbPerViewer / plain.kbPerViewer, 2)}×, emit loop ${fmt(sio.emitMs / plain.emitMs, 2)}×`,
    );
    console.log(
      `           server emit loop alone: onair ${fmt(sio.emitMs)} ms, bare ws ${fmt(ws.emitMs)} ms (${fmt(sio.emitMs / ws.emitMs, 2)}×);` +
        ' the p50/p99 above include one client process decoding every viewer\'s copy',
    );
    console.log(
      `           CPU per viewer and broadcast: server onair ${fmt(sio.serverUs)} µs, plain socket.io ${fmt(plain.serverUs)} µs, bare ws ${fmt(ws.serverUs)} µs (${fmt(sio.serverUs / ws.serverUs, 2)}×);` +
        ` client process (${CLIENT === 'raw' ? 'raw protocol client' : 'socket.io-client'}) ${fmt(sio.clientUs)} µs, (ws) ${fmt(ws.clientUs)} µs (${fmt(sio.clientUs / ws.clientUs, 2)}×)`,
    );
  }
  if (process.env['BENCH_NO_CHAT']) return;
  const chat = await measureChat('sio');
  const plainChat = await measureChat('plain');
  const line = (c: ChatResult): string =>
    `server CPU ${fmt(c.cpuUsPerMessage, 0)} µs/msg (${fmt(1e6 / c.cpuUsPerMessage, 0)} msg/s a core), accepted ${fmt(c.acceptedPerSecond, 0)} msg/s, fanned out by the server to ${c.members} members ${fmt(c.fannedOutPerSecond, 0)} msg/s (bursts ${fmt(c.fannedOutRange[0], 0)}–${fmt(c.fannedOutRange[1], 0)}; ${fmt(c.perBatch, 0)} per batch), ` +
    `every member had every message ${fmt(c.perSecond, 0)} msg/s (${c.delivered} deliveries, ${c.refused} refused)`;
  console.log(`chat: ${CHAT_BURSTS} bursts of ${CHAT_MESSAGES} messages from ${CHAT_SENDERS} senders to ${CHAT_MEMBERS} room members, batched per 100 ms, after an uncounted burst of ${CHAT_WARM_UP} (figures: the burst of median fan-out); members: ${CLIENT === 'raw' ? 'raw protocol clients' : 'socket.io-client'}`);
  console.log(`           onair (filters, SQLite store, fan-out): ${line(chat)}`);
  console.log(`           plain socket.io (accept and batch only): ${line(plainChat)}`);
  console.log(
    `           onair against it: server CPU per message ${fmt(chat.cpuUsPerMessage / plainChat.cpuUsPerMessage, 2)}×, accepted ${fmt(chat.acceptedPerSecond / plainChat.acceptedPerSecond, 2)}×, fanned out ${fmt(chat.fannedOutPerSecond / plainChat.fannedOutPerSecond, 2)}×; ` +
      `filters alone ${fmt(filtersPerSecond(), 0)} msg/s; "every member had" is bound by one client process decoding all 1,000 members' copies`,
  );
  console.log('targets: p99 ≤ 1.2× bare ws at 10,000 viewers; ≤ 10 KB RSS per viewer; ≥ 2,000 chat messages/s');
  console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
