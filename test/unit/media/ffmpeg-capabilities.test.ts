// Which ffmpeg onair uses and whether it can play out: the real system ffmpeg is read and
// accepted; a build without libx264 is refused at start with a message that says what to
// install; an rtmps destination on a build without TLS is named before air.
import { expect } from 'chai';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEncoderFactory } from '../../../src/media/index.js';
import { assertPlayoutCapable, ffmpegCapabilities, parseCapabilities, unsupportedOutput } from '../../../src/media/ffmpeg-capabilities.js';
import { systemClock } from '../../../src/shared/clock.js';
import { createLogger } from '../../../src/shared/logger.js';
import { ConfigError } from '../../../src/shared/errors.js';
import { binaries } from '../../support/ffmpeg-tools.js';

describe('media: what the chosen ffmpeg can do', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'onair-caps-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the real ffmpeg: its version, libx264, the tee muxer and rtmps', async () => {
    const caps = await ffmpegCapabilities(binaries().ffmpeg);
    expect(caps.version).to.match(/^\d+\.\d+/);
    expect(caps.encoders.has('libx264')).to.equal(true);
    expect(caps.muxers.has('tee')).to.equal(true);
    expect(caps.protocols.has('rtmp')).to.equal(true);
    expect(() => assertPlayoutCapable(caps)).to.not.throw();
    expect(unsupportedOutput(caps, 'rtmps://a.rtmps.youtube.com/live2/KEY')).to.equal(undefined);
  });

  it('refuses an ffmpeg without libx264, saying what to install, and logs the one it uses', async () => {
    // A stand-in binary that answers like an ffmpeg built without x264.
    const fake = path.join(dir, 'ffmpeg');
    writeFileSync(
      fake,
      `#!/bin/sh
case "$2" in
  -version) echo "ffmpeg version 4.0-static Copyright";;
  -encoders) printf ' V..... = Video\\n ------\\n V.S... mpeg2video  MPEG-2 video\\n A..... aac   AAC\\n A..X.D s302m  SMPTE 302M\\n';;
  -muxers) printf ' E tee  Multiple muxer tee\\n E fifo  FIFO\\n E hls  HLS\\n E flv  FLV\\n DE mpegts  MPEG-TS\\n E segment  segment\\n';;
  -protocols) printf 'Input:\\n  file\\nOutput:\\n  file\\n  rtmp\\n';;
esac
`,
    );
    chmodSync(fake, 0o755);
    const lines: string[] = [];
    const logger = createLogger('info', { write: (l: string) => void lines.push(l) });
    const deps = { ffmpeg: fake, ffprobe: fake, runDir: path.join(dir, 'run'), clock: systemClock, logger };
    const refused = await createEncoderFactory(deps).ready().then(() => undefined, (err: unknown) => err);
    expect(refused).to.be.instanceOf(ConfigError);
    expect((refused as Error).message).to.match(/4\.0-static.*lacks the libx264 encoder.*apt install ffmpeg/);
    expect(lines.join(''), 'the refusal is logged at start').to.include('lacks the libx264 encoder');
    const caps = await ffmpegCapabilities(fake);
    expect(unsupportedOutput(caps, 'rtmps://a.rtmps.youtube.com/live2/SECRET')).to.match(/rtmps:\/\/ addresses.*TLS/).and.not.include('SECRET');
    expect(unsupportedOutput(caps, 'rtmp://h/live/k')).to.equal(undefined);
    expect(unsupportedOutput(caps, '/data/hls/x/index.m3u8')).to.equal(undefined);

    await createEncoderFactory({ ...deps, ...binaries() }).ready();
    expect(lines.join('')).to.include(`using ffmpeg ${(await ffmpegCapabilities(binaries().ffmpeg)).version} at ${binaries().ffmpeg}`);
  });

  it('parses listings it has never seen without inventing capabilities', () => {
    const caps = parseCapabilities('/x/ffmpeg', { version: '', encoders: '', muxers: '', protocols: '' });
    expect(caps.version).to.equal('unknown');
    expect(() => assertPlayoutCapable(caps)).to.throw(ConfigError, 'ffmpeg.path');
  });
});
