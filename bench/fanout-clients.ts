// The viewers of bench/fanout.ts, in their own process: opens N socket.io-client (or bare
// ws) connections to the server on loopback, and reports over IPC when they are connected,
// how long one broadcast took to reach each, and how many chat messages each received.
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { profileStart, profileStop } from './cpu-profile.js';

export type ClientCommand =
  /**
   * client (socket.io servers only): 'raw' viewers speak the Socket.IO protocol over a bare
   * `ws` client and decode a broadcast as the bare ws viewers do (one JSON.parse), so this
   * one process spends the same per copy whichever server it measures; 'library' viewers
   * are socket.io-client (about twice the CPU per copy). Chat members (`chatRoom`) too.
   */
  | { cmd: 'connect'; kind: 'sio' | 'plain' | 'ws'; url: string; n: number; chatRoom?: string; client?: 'raw' | 'library' }
  | { cmd: 'expect-live'; round: number }
  | { cmd: 'expect-chat'; count: number }
  | { cmd: 'profile-start' }
  | { cmd: 'profile-stop'; name: string }
  | { cmd: 'close' };

export type ClientReport =
  | { type: 'connected'; n: number; failed: number; ms: number }
  /** cpuMs: this process's CPU time from the round's announcement to its last viewer's copy (decoding every copy). */
  | { type: 'latencies'; round: number; latencies: number[]; cpuMs: number }
  | { type: 'chat-done'; lastAt: number; received: number }
  | { type: 'profiled' }
  | { type: 'closed' };

/** Wall time in ms, comparable across processes on one machine (payloads carry ISO times). */
export function wallNow(): number {
  return Date.now();
}

function send(report: ClientReport): void {
  process.send?.(report);
}

let sockets: Socket[] = [];
/** Viewers whose connection succeeded: a round is complete when each of them has the event. */
let connected = 0;
let raws: WebSocket[] = [];
let latencies: number[] = [];
let expectedRound = -1;
let roundCpu: NodeJS.CpuUsage | undefined;
let chatExpected = 0;
let chatReceived = 0;
let chatLast = 0;
let chatMembers = 0;
let chatDoneMembers = 0;
const perMember = new Map<number, number>();

/** What a viewer reads of `programme:live`: the bench server sets liveAt to the instant it emitted, and a round number in the id. */
interface LiveSeen {
  liveAt: string;
  programme: { occurrenceId: string };
}

function roundOf(p: LiveSeen): number {
  return Number(p.programme.occurrenceId.split('round-')[1]);
}

function onLive(sentAt: number, round: number, total: number): void {
  if (round !== expectedRound) return;
  latencies.push(wallNow() - sentAt);
  if (latencies.length === total) {
    const cpu = process.cpuUsage(roundCpu);
    send({ type: 'latencies', round, latencies, cpuMs: (cpu.user + cpu.system) / 1000 });
    latencies = [];
  }
}

function onChat(member: number, count: number): void {
  chatReceived += count;
  const got = (perMember.get(member) ?? 0) + count;
  perMember.set(member, got);
  chatLast = wallNow();
  if (got >= chatExpected && got - count < chatExpected) {
    chatDoneMembers++;
    if (chatDoneMembers === chatMembers) send({ type: 'chat-done', lastAt: chatLast, received: chatReceived });
  }
}

/** A chat member's room and name, and its index among the members (each counts its own copies). */
interface RawChat {
  room: string;
  nickname: string;
  member: number;
}

/**
 * A Socket.IO viewer on a bare `ws` client (Engine.IO protocol 4, websocket transport, the
 * default namespace): answers the server's pings, connects with the same handshake auth as
 * the library client, and reads `programme:live` with one JSON.parse of the packet. With
 * `chat` it joins that room once connected (an event with an acknowledgement, as the page
 * sends it) and reads each `chat:messages` batch the same way, counting its messages.
 */
function rawSocketIo(url: string, fingerprint: string, resolve: () => void, fail: () => void, chat?: RawChat): WebSocket {
  const u = new URL(url);
  const ws = new WebSocket(`ws://${u.host}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
  let settled = false;
  const settle = (ok: boolean): void => {
    if (settled) return;
    settled = true;
    if (ok) connected++;
    else fail();
    resolve();
  };
  ws.on('message', (data) => {
    const text = String(data);
    if (text.startsWith('42')) {
      // 42["event", payload, offset]: an EVENT of the default namespace.
      const [event, p] = JSON.parse(text.slice(2)) as [string, unknown];
      if (event === 'programme:live') onLive(Date.parse((p as LiveSeen).liveAt), roundOf(p as LiveSeen), connected);
      else if (event === 'chat:messages' && chat) onChat(chat.member, (p as unknown[]).length);
    } else if (text === '2') {
      ws.send('3');
    } else if (text.startsWith('0')) {
      ws.send(`40${JSON.stringify({ fingerprint })}`);
    } else if (text.startsWith('40') && chat) {
      // 42<ack id>["chat:join", …]; the server answers 43<ack id>[ack].
      ws.send(`421${JSON.stringify(['chat:join', { occurrenceId: chat.room, nickname: chat.nickname }])}`);
    } else if (text.startsWith('431')) {
      settle((JSON.parse(text.slice(3)) as [{ ok: boolean }])[0].ok);
    } else if (text.startsWith('40')) {
      settle(true);
    } else if (text.startsWith('44')) {
      settle(false);
      ws.terminate();
    }
  });
  ws.once('error', () => settle(false));
  return ws;
}

async function connectAll(c: Extract<ClientCommand, { cmd: 'connect' }>): Promise<void> {
  const started = wallNow();
  let failed = 0;
  const batch = 250;
  for (let i = 0; i < c.n; i += batch) {
    const size = Math.min(batch, c.n - i);
    await Promise.all(
      Array.from({ length: size }, (_, j) => {
        const index = i + j;
        return new Promise<void>((resolve) => {
          if (c.kind !== 'ws' && c.client === 'raw') {
            const chat = c.chatRoom ? { room: c.chatRoom, nickname: `Viewer ${index}`, member: index } : undefined;
            raws.push(rawSocketIo(c.url, `bench-${process.pid}-${index}`, resolve, () => failed++, chat));
          } else if (c.kind !== 'ws') {
            const s = io(c.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { fingerprint: `bench-${process.pid}-${index}` } });
            s.on('programme:live', (p: LiveSeen) => onLive(Date.parse(p.liveAt), roundOf(p), connected));
            s.on('chat:messages', (batch: unknown[]) => onChat(index, batch.length));
            s.once('connect', () => {
              connected++;
              if (!c.chatRoom) return resolve();
              s.emit('chat:join', { occurrenceId: c.chatRoom, nickname: `Viewer ${index}` }, () => resolve());
            });
            s.once('connect_error', () => {
              failed++;
              resolve();
            });
            sockets.push(s);
          } else {
            const ws = new WebSocket(c.url, { perMessageDeflate: false });
            // ["programme:live", payload]: what a raw Socket.IO viewer reads after "42".
            ws.on('message', (data) => {
              const [event, p] = JSON.parse(String(data)) as [string, LiveSeen];
              if (event === 'programme:live') onLive(Date.parse(p.liveAt), roundOf(p), connected);
            });
            ws.once('open', () => {
              connected++;
              resolve();
            });
            ws.once('error', () => {
              failed++;
              resolve();
            });
            raws.push(ws);
          }
        });
      }),
    );
  }
  if (c.chatRoom) chatMembers = connected;
  send({ type: 'connected', n: connected, failed, ms: wallNow() - started });
}

process.on('message', (msg: ClientCommand) => {
  switch (msg.cmd) {
    case 'connect':
      void connectAll(msg);
      break;
    case 'expect-live':
      expectedRound = msg.round;
      latencies = [];
      roundCpu = process.cpuUsage();
      break;
    case 'expect-chat':
      chatExpected = msg.count;
      chatReceived = 0;
      chatDoneMembers = 0;
      perMember.clear();
      break;
    case 'profile-start':
      void profileStart();
      break;
    case 'profile-stop':
      void profileStop(msg.name).then(() => send({ type: 'profiled' }));
      break;
    case 'close':
      for (const s of sockets) s.disconnect();
      for (const w of raws) w.terminate();
      sockets = [];
      raws = [];
      send({ type: 'closed' });
      setTimeout(() => process.exit(0), 200);
      break;
  }
});
