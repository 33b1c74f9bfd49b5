// The output's measured bitrate, from what ffmpeg 5.1 really prints and writes: its progress
// through the tee says N/A for both bitrate and total_size (so neither can be used), and the
// local HLS playlist and segments it wrote give the rate instead.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measurePlaylistKbps, PlaylistRate, playlistSegments, segmentsKbps } from '../../../src/media/output-rate.js';
import { ProgressParser } from '../../../src/media/progress-parser.js';

// The last block of `ffmpeg -progress pipe:1 … -f tee "[f=fifo:fifo_format=hls:…]index.m3u8"`
// (9 s of testsrc2 320×180 at 400k CBR + AAC 64k), as printed.
const TEE_PROGRESS = `frame=225
fps=24.95
stream_0_0_q=-1.0
bitrate=N/A
total_size=N/A
out_time_us=9009342
out_time_ms=9009342
out_time=00:00:09.009342
dup_frames=0
drop_frames=0
speed=0.999x
progress=end`;

// The playlist that run wrote (the repo's HLS flags), and the sizes of its segments on disk.
const PLAYLIST = `#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-INDEPENDENT-SEGMENTS
#EXTINF:2.000000,
index0.ts
#EXTINF:2.000000,
index1.ts
#EXTINF:2.000000,
index2.ts
#EXTINF:2.000000,
index3.ts
#EXTINF:1.000000,
index4.ts
`;
const SIZES: Record<string, number> = { 'index0.ts': 143_632, 'index1.ts': 153_220, 'index2.ts': 141_000, 'index3.ts': 153_032, 'index4.ts': 72_004 };

describe('media: the output bitrate, measured', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-rate-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function writeOutput(sizes: Record<string, number>): string {
    const playlist = path.join(dir, 'index.m3u8');
    fs.writeFileSync(playlist, PLAYLIST);
    for (const [name, size] of Object.entries(sizes)) fs.writeFileSync(path.join(dir, name), Buffer.alloc(size));
    return playlist;
  }

  it("ffmpeg's progress through the tee has no bitrate and no total size to measure with", () => {
    const p = new ProgressParser();
    const samples = TEE_PROGRESS.split('\n').map((l) => p.push(l)).filter((s) => s !== undefined);
    expect(samples).to.have.length(1);
    expect(samples[0]).to.deep.include({ bitrateKbps: undefined, frame: 225, end: true });
    expect(TEE_PROGRESS).to.include('total_size=N/A');
  });

  it('reads the segments of a playlist ffmpeg wrote, with their durations', () => {
    expect(playlistSegments(PLAYLIST)).to.deep.equal([
      { uri: 'index0.ts', durationS: 2 },
      { uri: 'index1.ts', durationS: 2 },
      { uri: 'index2.ts', durationS: 2 },
      { uri: 'index3.ts', durationS: 2 },
      { uri: 'index4.ts', durationS: 1 },
    ]);
    expect(playlistSegments('#EXTM3U\n#EXT-X-TARGETDURATION:2\n')).to.deep.equal([]);
  });

  it('gives the rate of the newest three segments: their bytes over their durations', async () => {
    const kbps = await measurePlaylistKbps(writeOutput(SIZES));
    // (141000 + 153032 + 72004) B × 8 / 5 s = 585.66 kbit/s: the 400k video, 64k audio and
    // the MPEG-TS overhead, as a viewer downloads them — and not any configured figure.
    expect(kbps).to.be.closeTo(585.66, 0.01);
    expect(segmentsKbps([{ durationS: 0, bytes: 100 }])).to.equal(undefined);
  });

  it('leaves out a segment deleted meanwhile, and has no figure before the first playlist', async () => {
    const { 'index3.ts': _gone, ...rest } = SIZES;
    // index2 (2 s) and index4 (1 s) remain of the newest three.
    expect(await measurePlaylistKbps(writeOutput(rest))).to.be.closeTo(((141_000 + 72_004) * 8) / 3 / 1000, 0.01);
    expect(await measurePlaylistKbps(path.join(dir, 'none', 'index.m3u8'))).to.equal(undefined);
  });

  it('answers at once with the last figure and measures again in the background at most every period', async () => {
    const rate = new PlaylistRate(writeOutput(SIZES), 2000);
    const runs: Array<Promise<unknown>> = [];
    const run = (p: Promise<unknown>): void => void runs.push(p);
    expect(rate.current(0, run)).to.equal(undefined);
    await Promise.all(runs);
    expect(rate.current(1000, run)).to.be.closeTo(585.66, 0.01);
    expect(runs).to.have.length(1);
    fs.writeFileSync(path.join(dir, 'index4.ts'), Buffer.alloc(36_002));
    rate.current(2000, run);
    await Promise.all(runs);
    expect(runs).to.have.length(2);
    expect(rate.current(2500, run)).to.be.closeTo(((141_000 + 153_032 + 36_002) * 8) / 5 / 1000, 0.01);
  });
});
