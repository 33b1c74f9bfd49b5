// Graceful shutdown tells viewers: stopping a node (onair.stop(), what SIGTERM does) sends
// `server:shutdown` to every viewer and moderator of that node before their connections
// close, and closes them so that Socket.IO reconnects by itself — here through a small TCP
// "balancer" that sends new connections to a second node, where the viewer lands and gets
// its schedule. Both nodes are the composed server (startJourney). A stopped node leaves
// nothing open even when a polling viewer's next poll goes elsewhere: its process (the
// composed server in test/support/journey-stop-child.ts) exits by itself.
import { spawn } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { io as connect } from 'socket.io-client';
import type { ScheduleSnapshotPayload, ShutdownNoticePayload } from '../../src/realtime/events.js';
import { startJourney, type Journey } from '../support/journey.js';
import { LoggedProcess } from '../support/logged-process.js';
import { nextEvent, type ViewerClient } from '../support/realtime-harness.js';
import { waitFor } from '../support/wait.js';

const TOKEN = 'test-moderator-token-0123456789';

/** The viewers connected to a node, as its /metrics counts them. */
async function viewersOn(j: Journey): Promise<number> {
  const text = await (await fetch(`${j.url}/metrics`)).text();
  const m = /^onair_viewers_connected\{[^}]*\} (\d+)$/m.exec(text);
  if (!m) throw new Error('no onair_viewers_connected in /metrics');
  return Number(m[1]);
}

/** Forwards each new TCP connection to whichever backend `target()` names at that moment. */
async function balancer(target: () => number): Promise<{ port: number; close(): Promise<void> }> {
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target(), '127.0.0.1');
    open.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('realtime: graceful shutdown tells viewers, who reconnect elsewhere', function () {
  this.timeout(30_000);
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('sends server:shutdown to viewers (websocket and polling) and moderators, then they reconnect to another node', async () => {
    const a = await startJourney({ env: { ONAIR_MODERATOR_TOKEN: TOKEN } });
    const b = await startJourney({ env: { ONAIR_MODERATOR_TOKEN: TOKEN } });
    let aStopped = false;
    cleanups.push(() => b.stop(), () => (aStopped ? undefined : a.stop()));
    let backend = a.port;
    const lb = await balancer(() => backend);
    cleanups.push(() => lb.close());

    const viewers: ViewerClient[] = [];
    for (const transports of [['websocket'], ['polling']]) {
      const v: ViewerClient = connect(`http://127.0.0.1:${lb.port}`, { transports, forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 200 });
      cleanups.push(() => void v.disconnect());
      await nextEvent(v, 'connect');
      viewers.push(v);
    }
    const moderator = connect(`${a.url}/moderation`, { transports: ['websocket'], auth: { token: TOKEN }, forceNew: true, reconnection: false });
    cleanups.push(() => void moderator.disconnect());
    await nextEvent(moderator, 'connect');

    const notices = [...viewers, moderator].map((s) => nextEvent<ShutdownNoticePayload>(s, 'server:shutdown'));
    const reasons = viewers.map((v) => nextEvent<string>(v, 'disconnect'));
    // New connections go to node B from now on (A's readiness turned 503).
    backend = b.port;
    const snapshotsOnB = viewers.map((v) => nextEvent<ScheduleSnapshotPayload>(v, 'schedule'));
    aStopped = true;
    await a.stop();

    for (const notice of await Promise.all(notices)) {
      expect(notice.message.tr).to.contain('yeniden');
      expect(notice.message.en).to.contain('reconnecting');
      expect(notice.reconnectAfterMs).to.be.a('number');
    }
    // A lost transport, never a server-side disconnect ('io server disconnect', after which
    // socket.io-client would stay away): the client retries by itself.
    for (const reason of await Promise.all(reasons)) expect(reason).to.be.oneOf(['transport close', 'transport error']);
    await Promise.all(snapshotsOnB);
    expect(viewers.map((v) => v.connected)).to.deep.equal([true, true]);
    expect(await viewersOn(b)).to.equal(2);
  });

  it('a stopped node leaves nothing open, though a polling viewer never polls it again (its process exits by itself)', async () => {
    const node = new LoggedProcess<{ event: string; url?: string }>(
      spawn(process.execPath, ['--import', 'tsx', new URL('../support/journey-stop-child.ts', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'pipe'] }),
    );
    cleanups.push(async () => void (await node.kill()));
    const { url } = await node.waitFor((l) => l.event === 'ready');
    // A polling viewer by hand (engine.io v4 over HTTP): its long poll is pending when the
    // node stops and carries the notice; its next poll would go to another node, so none
    // comes here.
    const poll = `${url}/socket.io/?EIO=4&transport=polling`;
    const open = await (await fetch(poll)).text();
    const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
    expect(await (await fetch(`${poll}&sid=${sid}`, { method: 'POST', body: '40' })).text()).to.equal('ok');
    await waitFor('the viewer connected and sent its schedule', async () => (await (await fetch(`${poll}&sid=${sid}`)).text()).includes('"schedule"'));
    const pending = fetch(`${poll}&sid=${sid}`).then((r) => r.text());
    node.child.stdin!.write('stop\n');
    expect(await pending).to.include('server:shutdown');
    await node.waitFor((l) => l.event === 'stopped');
    const exited = node.exited;
    expect(await waitFor('the stopped node to exit by itself', () => Promise.race([exited, undefined]))).to.deep.equal({ code: 0, signal: null });
  });
});
