// How a namespace's EventDispatcher is attached to a socket: as its one middleware, in a
// list of exactly one (socket.io's own list, replaced while still empty), else through
// socket.use(); either way every event goes to the dispatcher and no further.
import { expect } from 'chai';
import { z } from 'zod';
import { EventDispatcher, HandlerTable } from '../../../src/realtime/event-dispatcher.js';
import { createLogger } from '../../../src/shared/logger.js';
import { memoryRateLimits } from '../../../src/shared/rate-limit.js';
import { systemClock } from '../../../src/shared/clock.js';

type FakeSocket = { id: string; fns?: unknown[]; used: unknown[]; use(fn: unknown): unknown };

function fakeSocket(withList: boolean): FakeSocket {
  const socket: FakeSocket = {
    id: 's1',
    used: [],
    use(fn) {
      this.used.push(fn);
      return this;
    },
  };
  if (withList) socket.fns = [];
  return socket;
}

describe('realtime: event dispatcher attach', () => {
  const seen: string[] = [];
  const dispatcher = new EventDispatcher<FakeSocket>({
    handlers: new HandlerTable<FakeSocket, { hello: unknown }>().on('hello', z.strictObject({ name: z.string() }), (_s, p, ack) => {
      seen.push(p.name);
      ack({ ok: true });
    }).handlers,
    flood: memoryRateLimits(systemClock).limiter('test-events', { points: 10, windowMs: 10_000 }, { local: true }),
    logger: createLogger('silent'),
  });
  const send = (fn: unknown, packet: unknown[]): Promise<unknown> =>
    new Promise((resolve) => (fn as (p: unknown[], next: () => void) => void)([...packet, resolve], () => resolve('passed on')));

  it("replaces socket.io's empty middleware list with a list of one that dispatches", async () => {
    const socket = fakeSocket(true);
    dispatcher.attach(socket as never);
    expect(socket.used).to.have.length(0);
    expect(socket.fns).to.have.length(1);
    expect(await send(socket.fns![0], ['hello', { name: 'Ayşe' }])).to.deep.equal({ ok: true });
    expect(await send(socket.fns![0], ['nope', {}])).to.have.nested.property('error.code', 'unknown-event');
    expect(seen).to.deep.equal(['Ayşe']);
  });

  it('falls back to socket.use() when the socket keeps no such list', async () => {
    const socket = fakeSocket(false);
    dispatcher.attach(socket as never);
    expect(socket.used).to.have.length(1);
    expect(await send(socket.used[0], ['hello', { name: 'Ali' }])).to.deep.equal({ ok: true });
  });
});
