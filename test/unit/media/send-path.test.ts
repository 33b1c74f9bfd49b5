// The per-broadcast copy-or-encode decision: from the source and every destination, each
// case with the reason the log and the control room show.
import { expect } from 'chai';
import type { IngestTarget } from '../../../src/scheduler/ports.js';
import type { MediaInfo } from '../../../src/media/media-info.js';
import { decideSendPath, type SendSource } from '../../../src/media/send-path.js';

const file = (gapS: number | undefined, over: { video?: Partial<MediaInfo['video']>; audio?: Partial<MediaInfo['audio']> | null } = {}): MediaInfo => ({
  durationS: 600,
  video: { codec: 'h264', width: 1280, height: 720, fps: 30, ...(gapS === undefined ? {} : { maxKeyframeGapS: gapS }), ...over.video },
  audio: over.audio === null ? undefined : { codec: 'aac', sampleRate: 48000, channels: 2, ...over.audio },
});
const files = (...items: MediaInfo[]): SendSource => ({ kind: 'files', items });
const out = (destination: string, target: Partial<IngestTarget> & Pick<IngestTarget, 'format'>): { destination: string; target: IngestTarget } => ({
  destination,
  target: { url: target.format === 'hls' ? `/data/hls/${destination}/index.m3u8` : `rtmp://x/live/secret-key`, ...target },
});
const local = out('local', { format: 'hls', ladder: [] });

describe('media: copy or encode, per broadcast', () => {
  const cases: Array<{ name: string; source: SendSource; outputs: Array<ReturnType<typeof out>>; path: 'copy' | 'encode'; reason: RegExp }> = [
    { name: 'long GOP, local without renditions', source: files(file(8.33)), outputs: [local], path: 'copy', reason: /every destination is local HLS and the source is H\.264 \+ AAC: its picture copied as it is \(keyframes 8\.33 s apart/ },
    { name: 'short GOP, local without renditions', source: files(file(2)), outputs: [local], path: 'copy', reason: /copied as it is/ },
    { name: 'local with no ladder at all (one playlist)', source: files(file(8)), outputs: [out('local', { format: 'hls' })], path: 'copy', reason: /copied/ },
    { name: 'recorded for the archive too', source: files(file(8)), outputs: [out('local', { format: 'hls', ladder: [], record: '/data/parts' })], path: 'copy', reason: /copied/ },
    { name: 'two local destinations', source: files(file(5)), outputs: [local, out('demo', { format: 'hls', ladder: [] })], path: 'copy', reason: /copied/ },
    { name: 'ladder heights at or above the picture make no rendition', source: files(file(8)), outputs: [out('local', { format: 'hls', ladder: [720, 1080] })], path: 'copy', reason: /copied/ },
    { name: 'a playlist of one format', source: files(file(8), file(4)), outputs: [local], path: 'copy', reason: /keyframes 8\.00 s apart/ },
    { name: 'a ladder with lower renditions (encoded from the copied picture)', source: files(file(8)), outputs: [out('local', { format: 'hls', ladder: [720, 360, 180] })], path: 'copy', reason: /copied as it is.*its lower renditions \(360p, 180p\) are encoded from it/ },
    { name: 'RTMP with a long GOP', source: files(file(8.33)), outputs: [local, out('youtube', { format: 'flv' })], path: 'encode', reason: /"youtube" is RTMP, which needs keyframes at most 2 s apart; the source's are 8\.33 s apart/ },
    { name: 'RTMP with a short GOP', source: files(file(2)), outputs: [out('relay', { format: 'flv' })], path: 'encode', reason: /"relay" is RTMP, which takes the encoded output/ },
    { name: 'HEVC', source: files(file(2, { video: { codec: 'hevc' } })), outputs: [local], path: 'encode', reason: /video is hevc, not H\.264/ },
    { name: 'MP3 audio', source: files(file(2, { audio: { codec: 'mp3' } })), outputs: [local], path: 'encode', reason: /audio is mp3, not AAC/ },
    { name: 'no audio', source: files(file(2, { audio: null })), outputs: [local], path: 'encode', reason: /no audio stream/ },
    { name: '22.05 kHz audio', source: files(file(2, { audio: { sampleRate: 22050 } })), outputs: [local], path: 'encode', reason: /22050 Hz/ },
    { name: 'no keyframe in the probed window', source: files(file(undefined)), outputs: [local], path: 'encode', reason: /no keyframe/ },
    { name: 'a playlist item that cannot be copied', source: files(file(2), file(2, { video: { codec: 'mpeg4' } })), outputs: [local], path: 'encode', reason: /item 2: video is mpeg4/ },
    { name: 'a playlist of two formats', source: files(file(2), file(2, { video: { width: 1920, height: 1080 } })), outputs: [local], path: 'encode', reason: /items differ in format/ },
    { name: 'an empty playlist', source: files(), outputs: [local], path: 'encode', reason: /playlist is empty/ },
    { name: 'no destination', source: files(file(2)), outputs: [], path: 'encode', reason: /no destination/ },
    { name: 'a test pattern', source: { kind: 'testPattern' }, outputs: [local], path: 'encode', reason: /test pattern/ },
    { name: 'a camera', source: { kind: 'url' }, outputs: [local], path: 'encode', reason: /live source/ },
  ];
  for (const c of cases) {
    it(`${c.path}s: ${c.name}`, () => {
      const d = decideSendPath(c.source, c.outputs);
      expect(d.path).to.equal(c.path);
      expect(d.reason).to.match(c.reason);
    });
  }

  it('never puts an RTMP URL (it holds the stream key) in the reason', () => {
    const d = decideSendPath(files(file(8)), [out('youtube', { format: 'flv' })]);
    expect(d.reason).to.not.include('secret-key').and.not.include('rtmp://');
  });
});
