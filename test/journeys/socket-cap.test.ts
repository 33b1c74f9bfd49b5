// Journey: one address cannot hold the server's Socket.IO connections (1,000 sockets from
// one address were accepted). Through the real composed server: the cap refuses the next
// handshake from that address, leaves other addresses alone, and frees up as sockets close.
import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import { startJourney, type Journey } from '../support/journey.js';

describe('journey: a per-address cap on Socket.IO connections', function () {
  this.timeout(60_000);
  let j: Journey;
  const sockets: Socket[] = [];

  before(async () => {
    // Behind a trusted proxy, so the test can speak from several addresses over loopback.
    j = await startJourney({ config: { server: { maxSocketsPerAddress: 3, trustProxy: true } } });
  });
  after(async () => {
    for (const s of sockets) s.close();
    await j?.stop();
  });

  /** Resolves 'ok' when the socket connects, or the refusal's message. */
  function open(address: string): Promise<{ socket: Socket; outcome: string }> {
    const socket = connect(j.url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { 'x-forwarded-for': address } });
    sockets.push(socket);
    return new Promise((resolve) => {
      socket.once('connect', () => resolve({ socket, outcome: 'ok' }));
      socket.once('connect_error', (err) => resolve({ socket, outcome: `refused: ${err.message}` }));
    });
  }

  it('refuses the connection over the cap from one address, not from another, and again after one closes', async () => {
    const first: Array<{ socket: Socket; outcome: string }> = [];
    for (let i = 0; i < 3; i++) first.push(await open('203.0.113.7'));
    expect(first.map((r) => r.outcome)).to.deep.equal(['ok', 'ok', 'ok']);
    expect((await open('203.0.113.7')).outcome).to.match(/^refused/);
    expect((await open('198.51.100.4')).outcome).to.equal('ok');
    // One closes: its place is free again (the server counts the close, so wait for it).
    const closed = new Promise<void>((resolve) => first[0]!.socket.once('disconnect', () => resolve()));
    first[0]!.socket.close();
    await closed;
    let outcome = 'refused';
    // The client's close and the server's count race by a few ms: retry until it is counted.
    for (let i = 0; i < 50 && outcome !== 'ok'; i++) outcome = (await open('203.0.113.7')).outcome;
    expect(outcome).to.equal('ok');
  });
});
