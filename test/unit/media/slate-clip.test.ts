// Pure parts of the pre-rendered slate: the cache key changes with everything that changes
// the picture and nothing else; the render reads its text once and cuts the audio in video
// frames (a gapless loop); the slate decoder copies the clip instead of encoding.
import { expect } from 'chai';
import { decoderArgs } from '../../../src/media/ffmpeg-args.js';
import { slateClipArgs, slateClipHash, slateClipInput, type SlateClipKey } from '../../../src/media/slate-clip.js';

const base: SlateClipKey = {
  title: 'Masal Saati\nStory Hour',
  message: 'Yayın birazdan başlıyor\nStarting soon',
  format: { width: 1280, height: 720, fps: 30 },
  fontFile: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  ffmpegVersion: '5.1.9-0+deb12u1',
};

describe('media: the pre-rendered slate (pure)', () => {
  it('keys a clip by title, message, size, rate, font and ffmpeg version', () => {
    const hash = slateClipHash(base);
    expect(hash).to.match(/^[0-9a-f]{32}$/);
    expect(slateClipHash({ ...base })).to.equal(hash);
    const variants: SlateClipKey[] = [
      { ...base, title: 'Masal Saati\nStory Time' },
      { ...base, message: 'Birazdan döneceğiz\nWe\'ll be right back' },
      { ...base, format: { width: 1920, height: 1080, fps: 30 } },
      { ...base, format: { width: 1280, height: 720, fps: 25 } },
      { ...base, fontFile: undefined },
      { ...base, ffmpegVersion: '6.1.1' },
    ];
    const hashes = new Set([hash, ...variants.map(slateClipHash)]);
    expect(hashes.size).to.equal(variants.length + 1);
  });

  it('renders two seconds of the slate, text read once, audio cut in frames of one video frame', () => {
    const args = slateClipArgs({ width: 320, height: 180, fps: 25 }, { titleFile: '/d/t.txt', messageFile: '/d/m.txt', fontFile: '/f/font.ttf' }, '/d/out.ts');
    const graph = args[args.indexOf('-i') + 1]!;
    expect(graph).to.include('drawtext').and.include('textfile=/d/t.txt').and.not.include('reload');
    expect(args.join(' ')).to.include('nb_samples=1920').and.include('-t 2').and.include('mpeg2video').and.include('s302m');
    expect(args.slice(-4)).to.deep.equal(['-f', 'mpegts', '-y', '/d/out.ts']);
    expect(slateClipArgs({ width: 320, height: 180, fps: 30 }, undefined, '/d/out.ts').join(' ')).to.include('nb_samples=1600').and.not.include('drawtext');
  });

  it('loops the clip in the decoder with stream copy: no filter, no encode', () => {
    const args = decoderArgs({ input: slateClipInput('/data/slates/abc.ts'), format: base.format, offsetS: 12.5, pipe: '/run/p.ts', copy: true });
    const line = args.join(' ');
    expect(line).to.include('-re -stream_loop -1 -i /data/slates/abc.ts').and.include('-c copy').and.include('-output_ts_offset 12.500');
    expect(line).to.not.match(/mpeg2video|-vf|scale|lavfi/);
  });
});
