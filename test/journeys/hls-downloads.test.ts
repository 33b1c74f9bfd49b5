// Journey: viewers who leave mid-download do not fill the log. On the real composed server
// (startOnair), a client that asks for an HLS segment and drops the connection halfway
// through the body is counted in /metrics (onair_http_aborted_downloads_total) and leaves no
// warning or error line; a failure on the server's side is counted per request
// (onair_http_errors_total) but logged once per cause per minute, with the number held back.
// The clock stands still, so every request here falls in one minute of the log's window.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { startJourney, type Journey } from '../support/journey.js';
import { ManualClock } from '../support/manual-clock.js';
import { waitFor } from '../support/wait.js';

/** pino's levels: 40 warn, 50 error. */
const WARN = 40;

/** The value of a counter's series whose labels include `label` (0 when it has none yet). */
async function counter(j: Journey<ManualClock>, name: string, label: string): Promise<number> {
  const text = await (await fetch(`${j.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/** Asks for `urlPath` on a raw socket and destroys it once `bodyBytes` of the body arrived. */
function downloadAndLeave(port: number, urlPath: string, bodyBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`GET ${urlPath} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    });
    let head = '';
    let body = 0;
    socket.on('data', (chunk: Buffer) => {
      if (body === 0) {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!head.startsWith('HTTP/1.1 200')) {
          socket.destroy();
          reject(new Error(`expected 200, got ${head.split('\r\n')[0]}`));
          return;
        }
        body = head.length - end - 4;
      } else body += chunk.length;
      if (body >= bodyBytes) {
        socket.destroy();
        resolve(body);
      }
    });
    socket.on('error', reject);
  });
}

describe('journey: aborted HLS downloads and failing requests stay quiet in the log', function () {
  this.timeout(60_000);
  let j: Journey<ManualClock>;
  let hlsFolder: string;

  before(async () => {
    j = await startJourney({ clock: new ManualClock('2026-12-05T08:00:00Z') });
    // A segment far larger than the socket buffers, so the client leaves while it is still being sent.
    hlsFolder = path.join(j.dirs.data, 'hls', 'story-hour_2026-12-05T12-00');
    fs.mkdirSync(hlsFolder, { recursive: true });
    fs.writeFileSync(path.join(hlsFolder, 'index0.ts'), Buffer.alloc(64 * 1024 * 1024, 0x47));
  });
  after(async () => {
    await j?.stop();
  });

  it('counts a viewer who leaves mid-segment and logs no warning or error for it', async () => {
    const before = await counter(j, 'onair_http_aborted_downloads_total', 'route="hls"');
    const logged = j.logs.length;
    const got = await downloadAndLeave(j.port, '/hls/story-hour_2026-12-05T12-00/index0.ts', 256 * 1024);
    expect(got).to.be.below(64 * 1024 * 1024);
    await waitFor('the aborted download to be counted', async () => (await counter(j, 'onair_http_aborted_downloads_total', 'route="hls"')) === before + 1);
    // The server still answers the next viewer of the same segment in full.
    const full = await fetch(`${j.url}/hls/story-hour_2026-12-05T12-00/index0.ts`, { headers: { Range: 'bytes=0-9' } });
    expect(full.status).to.equal(206);
    expect((await full.arrayBuffer()).byteLength).to.equal(10);
    const loud = j.logs.slice(logged).filter((l) => typeof l['level'] === 'number' && l['level'] >= WARN);
    expect(loud, JSON.stringify(loud)).to.deep.equal([]);
  });

  it('counts every failing request but logs its cause once, with the number held back', async () => {
    // A folder where a segment should be: reading it fails on the server's side (EISDIR) each time.
    fs.mkdirSync(path.join(hlsFolder, 'index1.ts'));
    const before = await counter(j, 'onair_http_errors_total', 'status="500"');
    const logged = j.logs.length;
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${j.url}/hls/story-hour_2026-12-05T12-00/index1.ts`);
      expect(res.status).to.equal(500);
      await res.arrayBuffer();
    }
    expect(await counter(j, 'onair_http_errors_total', 'status="500"')).to.equal(before + 5);
    const errors = j.logs.slice(logged).filter((l) => l['level'] === 50);
    expect(errors.map((l) => l['msg'])).to.deep.equal(['unexpected error in a request']);
    expect(errors[0]).to.not.have.property('suppressed');

    // A minute later the cause may speak again, and says how many lines it held back.
    await j.clock.advance(60_000);
    const res = await fetch(`${j.url}/hls/story-hour_2026-12-05T12-00/index1.ts`);
    expect(res.status).to.equal(500);
    const again = j.logs.slice(logged).filter((l) => l['level'] === 50);
    expect(again).to.have.length(2);
    expect(again[1]).to.include({ msg: 'unexpected error in a request', suppressed: 4 });
  });
});
