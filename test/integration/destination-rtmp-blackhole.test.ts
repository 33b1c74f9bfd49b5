// An RTMP server that accepts the TCP connection and never answers the handshake (a black
// hole): the destination is `failed` with a lastError that says so, and the broadcast does
// not count as live or complete while nothing is delivered (docs/broadcast-states.md).
// Through the real composed server (journey harness) with real ffmpeg.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { startJourney, type Journey } from '../support/journey.js';

describe('rtmp destination: a server that never answers the RTMP handshake (real composed server)', function () {
  this.timeout(90_000);
  let j: Journey | undefined;
  let hole: net.Server;
  const sockets = new Set<net.Socket>();

  before(async () => {
    // Accepts, reads and discards, never writes a byte.
    hole = net.createServer((s) => {
      sockets.add(s);
      s.on('data', () => {});
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await j?.stop();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => hole.close(() => resolve()));
  });

  it('marks the destination failed with a lastError naming the handshake, and the broadcast failed, not complete', async () => {
    const port = (hole.address() as AddressInfo).port;
    j = await startJourney({
      start: '2026-12-05T08:59:57Z',
      config: { destinations: { blackhole: { type: 'rtmp', url: `rtmp://127.0.0.1:${port}/live` } } },
      schedules: {
        'hole.yaml': 'id: hole\ntitle: { tr: Kara Delik, en: Black Hole }\ndescription: { tr: x, en: x }\ncategory: other\ntimezone: UTC\nduration: 1m\nrecurrence:\n  once: 2026-12-05T09:00\nsource: { testPattern: {} }\ndestinations: [blackhole]\n',
      },
    });
    const id = 'hole@2026-12-05T09:00';
    type View = { state: string; lastError?: { message: string }; destinations: Array<{ status: string; error?: { code: string; message: string } }> };
    let view: View | undefined;
    // Checked every 100 ms; the test's timeout bounds it.
    for (;;) {
      const res = await fetch(`${j.url}/api/broadcasts/${encodeURIComponent(id)}`);
      if (res.ok) {
        view = (await res.json()) as View;
        if (view.state === 'failed' || view.state === 'complete') break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(view.destinations[0]?.status).to.equal('failed');
    expect(view.destinations[0]?.error?.code).to.equal('rtmp-handshake');
    expect(view.destinations[0]?.error?.message).to.include('did not answer the RTMP handshake');
    expect(view.lastError?.message).to.include('blackhole');
    expect(view.state).to.equal('failed');
  });
});
