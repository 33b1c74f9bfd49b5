// The viewers of bench/fanout.ts, in their own process: opens N socket.io-client (or bare
// ws) connections to the server on loopback, and reports over IPC when they are connected,
// how long one broadcast took to reach each, and how many chat messages each received.
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';

export type ClientCommand =
  | { cmd: 'connect'; kind: 'sio' | 'plain' | 'ws'; url: string; n: number; chatRoom?: string }
  | { cmd: 'expect-live'; round: number }
  | { cmd: 'expect-chat'; count: number }
  | { cmd: 'close' };

export type ClientReport =
  | { type: 'connected'; n: number; failed: number; ms: number }
  | { type: 'latencies'; round: number; latencies: number[] }
  | { type: 'chat-done'; lastAt: number; received: number }
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
let chatExpected = 0;
let chatReceived = 0;
let chatLast = 0;
let chatMembers = 0;
let chatDoneMembers = 0;
const perMember = new Map<number, number>();

function onLive(sentAt: number, round: number, total: number): void {
  if (round !== expectedRound) return;
  latencies.push(wallNow() - sentAt);
  if (latencies.length === total) {
    send({ type: 'latencies', round, latencies });
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
          if (c.kind !== 'ws') {
            const s = io(c.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { fingerprint: `bench-${process.pid}-${index}` } });
            // The bench server sets liveAt to the instant it emitted, and a round number in the id.
            s.on('programme:live', (p: { liveAt: string; programme: { occurrenceId: string } }) => {
              onLive(Date.parse(p.liveAt), Number(p.programme.occurrenceId.split('round-')[1]), connected);
            });
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
            ws.on('message', (data) => {
              const m = JSON.parse(String(data)) as { sentAt: number; round: number };
              onLive(m.sentAt, m.round, connected);
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
      break;
    case 'expect-chat':
      chatExpected = msg.count;
      chatReceived = 0;
      chatDoneMembers = 0;
      perMember.clear();
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
