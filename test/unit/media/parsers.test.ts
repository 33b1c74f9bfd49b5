// Reading what ffmpeg and ffprobe print (progress blocks, stderr findings, probe output,
// keyframe spacing), the slate's text, safe file names, and keys masked in log lines.
import { expect } from 'chai';
import { ProgressParser } from '../../../src/media/progress-parser.js';
import { keyframeGap, parseFfmpegListing, parseFfprobeJson } from '../../../src/media/probe.js';
import { slateMessage, slateTitle } from '../../../src/media/slate-text.js';
import { classifyStderr } from '../../../src/media/stderr-watch.js';
import { safeName } from '../../../src/media/supervised-encoder.js';
import type { IngestTarget } from '../../../src/scheduler/ports.js';

describe('media: parsing ffmpeg output', () => {
  it('turns a -progress block into a sample, bitrate N/A (tee) left undefined', () => {
    const p = new ProgressParser();
    const lines = ['frame=360', 'fps=29.91', 'bitrate=N/A', 'out_time_us=11933333', 'drop_frames=2', 'dup_frames=0', 'speed=0.992x'];
    for (const l of lines) expect(p.push(l)).to.equal(undefined);
    const s = p.push('progress=continue')!;
    expect(s).to.deep.include({ frame: 360, fps: 29.91, bitrateKbps: undefined, speed: 0.992, droppedFrames: 2, end: false });
    expect(s.outTimeS).to.be.closeTo(11.93, 0.01);
    p.push('bitrate=3120.5kbits/s');
    expect(p.push('progress=end')).to.deep.include({ bitrateKbps: 3120.5, end: true, frame: 0 });
  });

  it('recognises a failing output by its URL, and a full disk', () => {
    const targets: IngestTarget[] = [
      { url: 'rtmp://127.0.0.1:1935/live/SECRET', format: 'flv' },
      { url: '/data/hls/a/index.m3u8', format: 'hls' },
    ];
    const f = classifyStderr('[fifo @ 0x3b52e400] Error opening rtmp://127.0.0.1:1935/live/SECRET: Connection refused', targets);
    expect(f).to.deep.include({ kind: 'output-failed', target: targets[0], detail: 'Connection refused' });
    expect(classifyStderr('[hls @ 0x1] failed to write: No space left on device', targets)?.kind).to.equal('disk-full');
    expect(classifyStderr('[hls @ 0x1] Cannot use rename on non file protocol', targets)).to.equal(undefined);
  });

  it('reads ffprobe JSON and, as the fallback, ffmpeg’s stream listing', () => {
    const j = parseFfprobeJson(
      JSON.stringify({
        format: { duration: '8.000000' },
        streams: [
          { codec_type: 'video', codec_name: 'h264', width: 320, height: 180, avg_frame_rate: '25/1' },
          { codec_type: 'audio', codec_name: 'aac', sample_rate: '48000', channels: 1 },
        ],
      }),
    );
    expect(j).to.deep.equal({
      durationS: 8,
      video: { codec: 'h264', width: 320, height: 180, fps: 25 },
      audio: { codec: 'aac', sampleRate: 48000, channels: 1 },
    });
    const listing = [
      "Input #0, mpegts, from 'x.ts':",
      '  Duration: 00:01:02.50, start: 1.400000, bitrate: 500 kb/s',
      '    Stream #0:0[0x100]: Video: h264 (High) ([27][0][0][0] / 0x001B), yuv420p(progressive), 1280x720 [SAR 1:1 DAR 16:9], 29.97 fps, 29.97 tbr, 90k tbn',
      '    Stream #0:1[0x101](und): Audio: aac (LC) ([15][0][0][0] / 0x000F), 44100 Hz, stereo, fltp, 130 kb/s',
    ].join('\n');
    expect(parseFfmpegListing(listing)).to.deep.equal({
      durationS: 62.5,
      video: { codec: 'h264', width: 1280, height: 720, fps: 29.97 },
      audio: { codec: 'aac', sampleRate: 44100, channels: 2 },
    });
  });

  it('measures the longest keyframe distance, counting the tail of a partial window', () => {
    const info = (t: number) => `[Parsed_showinfo_0 @ 0x1] n:0 pts:0 pts_time:${t} pos:48 fmt:yuv420p iskey:1 type:I`;
    const keys = [0, 2, 4, 6].map(info).join('\n');
    expect(keyframeGap(keys, 8, true)).to.equal(2);
    expect(keyframeGap(info(0), 20, false)).to.equal(20);
    expect(keyframeGap('nothing', 20, false)).to.equal(undefined);
  });

  it('writes the slate in Turkish and English', () => {
    expect(slateTitle({ tr: 'Masal Saati', en: 'Story Time' })).to.equal('Masal Saati\nStory Time');
    expect(slateTitle({ tr: 'Satranç', en: 'Satranç' })).to.equal('Satranç');
    expect(slateMessage('starting')).to.equal('Yayın birazdan başlıyor\nStarting soon');
    expect(slateMessage('back-soon')).to.include("We'll be right back");
  });

  it('makes occurrence ids safe for file names', () => {
    expect(safeName('story-time@2026-12-05T11:00')).to.equal('story-time_2026-12-05T11-00');
    expect(safeName('../../etc')).to.not.include('/');
  });
});

describe('media: keys never reach a log line', () => {
  it('masks the key of every rtmp URL inside a line of text', async () => {
    const { maskUrlsIn } = await import('../../../src/media/stderr-watch.js');
    const line = '[fifo @ 0x1] Error opening rtmp://127.0.0.1:1935/live/S3cret: Connection refused (rtmps://a.b/app/K2?x=1)';
    const masked = maskUrlsIn(line);
    expect(masked).to.not.include('S3cret').and.not.include('K2');
    expect(masked).to.include('rtmp://127.0.0.1:1935/live/****: Connection refused');
    expect(maskUrlsIn('rtsp://admin:hunter2@10.0.0.5/stream')).to.equal('rtsp://****@10.0.0.5/stream');
  });
});
