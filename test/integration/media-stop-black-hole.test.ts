// Stopping an output ffmpeg whose tee holds an RTMP black hole (a server that accepts TCP and
// never answers the handshake): one SIGINT leaves ffmpeg waiting in that slave's trailer for
// good, so the stop used to end in SIGKILL at its timeout. The stop's second SIGINT
// (GuardedProcess.stop) ends it as ffmpeg's own exit, and the file slaves, listed before the
// network ones (tee.ts inFinishingOrder) although the black hole is given first, are
// finished: the HLS playlist lists its last segment and ends, the last recording part reads.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { GuardedProcess } from '../../src/media/guarded-process.js';
import { inFinishingOrder, recordingSlave, targetSlave } from '../../src/media/tee.js';
import { binaries, countVideoFrames, hlsSegments, waitFor } from '../support/ffmpeg-tools.js';
import { BlackHole } from '../support/frozen-receivers.js';

describe('media: stopping an output with an RTMP black hole in its tee (real ffmpeg)', function () {
  this.timeout(90_000);
  let hole: BlackHole;
  let dir: string;
  let proc: GuardedProcess | undefined;

  before(async () => {
    hole = await BlackHole.start();
    dir = mkdtempSync(path.join(os.tmpdir(), 'onair-stop-hole-'));
  });
  after(async () => {
    proc?.kill();
    await proc?.exited;
    await hole.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends by ffmpeg\'s own exit, not SIGKILL, with the local HLS and recording finished', async () => {
    const playlist = path.join(dir, 'live.m3u8');
    // The encoder omits ENDLIST (a restarted output is not the end; the local destination
    // writes it when the broadcast ends): here ffmpeg's own ENDLIST shows its HLS trailer ran.
    const hls = targetSlave({ url: playlist, format: 'hls' }).replace('omit_endlist+', '');
    expect(hls).to.not.include('omit_endlist');
    const slaves = inFinishingOrder([
      { slave: targetSlave({ url: `rtmp://127.0.0.1:${hole.port}/live/secret-key`, format: 'flv' }), network: true },
      { slave: hls, network: false },
      { slave: recordingSlave(path.join(dir, 'part')), network: false },
    ]);
    proc = new GuardedProcess(binaries().ffmpeg, [
      '-hide_banner', '-nostdin', '-loglevel', 'warning', '-re',
      '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25',
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-map', '0:v', '-map', '1:a',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac',
      '-flags', '+global_header', '-f', 'tee', slaves.join('|'),
    ]);
    await waitFor('two HLS segments listed', () => hlsSegments(playlist).length >= 2, 30_000);
    expect(hole.connections, 'connections the black hole holds').to.be.above(0);

    // Far beyond the second SIGINT's grace (2 s): only a stop stuck for good reaches the SIGKILL.
    const exit = await proc.stop(40_000);

    expect(exit.signal, 'killed rather than ended').to.equal(null);
    expect(exit.code, "ffmpeg's exit code after a signal").to.equal(255);
    const text = readFileSync(playlist, 'utf8');
    expect(text.trimEnd().endsWith('#EXT-X-ENDLIST'), text).to.equal(true);
    const written = readdirSync(dir).filter((f) => f.startsWith('live') && f.endsWith('.ts')).sort();
    expect(hlsSegments(playlist).map((f) => path.basename(f)).sort(), 'segments listed').to.deep.equal(written);
    const parts = readdirSync(dir).filter((f) => f.startsWith('part')).sort();
    expect(parts.length).to.be.above(0);
    expect(await countVideoFrames(path.join(dir, parts.at(-1)!)), `frames in the last recording part ${parts.at(-1)}`).to.be.above(0);
  });
});
