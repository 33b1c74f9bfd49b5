// The copy path's ffmpeg commands, built purely: the output copies the pipe's packets (no
// filter, no encode; the audio once more for the audio-only rendition), the programme's
// decoder copies the file, a slate drawn live is encoded in the programme's format, and the
// pre-rendered slate is made in that format (keyed apart from the house-format clip).
import { expect } from 'chai';
import { decoderCodecs } from '../../../src/media/decoder-codecs.js';
import { decoderArgs, outputArgs, programmeWriterArgs } from '../../../src/media/ffmpeg-args.js';
import { fileInput, slateInput } from '../../../src/media/inputs.js';
import { outputLadder, slaveStreams } from '../../../src/media/ladder.js';
import { slateClipArgs, slateClipHash } from '../../../src/media/slate-clip.js';
import { sourceCodecArgs, x264Profile } from '../../../src/media/source-codec.js';
import { directHlsArgs, targetSlave } from '../../../src/media/tee.js';

const small = { width: 320, height: 180, fps: 25 };
const codec = { sampleRate: 44100, channels: 1, profile: 'Constrained Baseline' };
const copyPath = { path: { path: 'copy' as const, reason: 'r' }, sourceCodec: codec, format: small };
const encodePath = { path: { path: 'encode' as const, reason: 'r' }, format: small };
const value = (args: string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];

describe('media: the copy path\'s ffmpeg arguments', () => {
  it('copies the pipe in the output: no filter, no encoder, no global header; the audio-only rendition gets its own copy', () => {
    const target = { url: '/d/hls/x/index.m3u8', format: 'hls' as const, ladder: [] };
    const ladder = outputLadder(small, [target])!;
    const args = outputArgs({ format: small, pipe: '/run/p.ts', slaves: [targetSlave(target, undefined, 0, slaveStreams(ladder, target))], offsetS: 0, ladder, copy: true });
    const line = args.join(' ');
    expect(line).to.include('-map 0:v:0 -map 0:a:0 -map 0:a:0 -c:v:0 copy -c:a copy');
    expect(line).to.not.match(/libx264|aac|-vf|filter_complex|scale|global_header/);
    expect(value(args, '-f')).to.equal('mpegts');
    expect(args.at(-1)).to.include('var_stream_map');
    const plain = outputArgs({ format: small, pipe: '/run/p.ts', slaves: ['/d/index.m3u8'], offsetS: 3.5, copy: true }).join(' ');
    expect(plain).to.include('-map 0:v:0 -map 0:a:0 -c copy -output_ts_offset 3.500');
  });

  it('writes one HLS output with no recording by its own muxer, without the tee, its master and audio-only playlists kept', () => {
    const target = { url: '/d/hls/x/index.m3u8', format: 'hls' as const, ladder: [] };
    const ladder = outputLadder(small, [target])!;
    const direct = directHlsArgs(target, 7, slaveStreams(ladder, target));
    const args = outputArgs({ format: small, pipe: '/run/p.ts', slaves: [], offsetS: 0, ladder, copy: true, direct });
    expect(args).to.not.include('tee');
    expect(direct).to.deep.equal([
      '-f', 'hls', '-hls_time', '2', '-hls_list_size', '10', '-hls_flags', 'delete_segments+omit_endlist+temp_file+independent_segments', '-start_number', '7',
      '-master_pl_name', 'master.m3u8', '-var_stream_map', 'v:0,a:0,name:index a:1,name:audio', '/d/hls/x/%v.m3u8',
    ]);
    expect(args.slice(-direct.length)).to.deep.equal(direct);
    expect(args.join(' ')).to.include('-map 0:v:0 -map 0:a:0 -map 0:a:0 -c:v:0 copy -c:a copy -f hls');
    expect(directHlsArgs({ url: '/d/one/index.m3u8', format: 'hls' }).at(-1)).to.equal('/d/one/index.m3u8');
    expect(() => directHlsArgs({ url: 'rtmp://x/live/k', format: 'flv' })).to.throw(/only an HLS output/);
  });

  it('copies the picture and encodes each lower rendition with its keyframes exactly at the source\'s, in the output and in the programme writing itself', () => {
    const target = { url: '/d/hls/x/index.m3u8', format: 'hls' as const, ladder: [90] };
    const ladder = outputLadder(small, [target])!;
    const args = outputArgs({ format: small, pipe: '/p', slaves: ['x'], offsetS: 0, ladder, copy: true });
    expect(value(args, '-filter_complex')).to.equal('[0:v:0]split=1[s1];[s1]scale=160:90,setsar=1[v1]');
    expect(args.join(' ')).to.include('-map 0:v:0 -map [v1] -map 0:a:0 -map 0:a:0 -map 0:a:0 -c:v:0 copy -c:a copy -c:v:1 libx264');
    expect(value(args, '-force_key_frames:v:1')).to.equal('source');
    expect(value(args, '-sc_threshold:v:1')).to.equal('0');
    expect(value(args, '-bf:v:1')).to.equal('0');
    expect(Number(value(args, '-g:v:1'))).to.be.above(10_000);
    expect(value(args, '-b:v:1')).to.equal(value(args, '-maxrate:v:1'));
    expect(args, 'the picture is not encoded').to.not.include('-c:v');
    expect(slaveStreams(ladder, target).varStreamMap).to.equal('v:0,a:0,name:index v:1,a:1,name:90p a:2,name:audio');
    const writer = programmeWriterArgs({ input: fileInput('/m/f.mp4', { hasAudio: true }), offsetS: 12, slaves: ['x'], ladder });
    expect(writer.join(' ')).to.include('-i /m/f.mp4 -filter_complex [0:v:0]split=1[s1];[s1]scale=160:90,setsar=1[v1] -map 0:v:0 -map [v1]');
    expect(value(writer, '-output_ts_offset')).to.equal('12.000');
    expect(writer).to.not.include('-c');
    const branched = { ...ladder, branches: [{ width: 160, height: 90, fps: 25, videoKbps: 300 }] };
    expect(() => outputArgs({ format: small, pipe: '/p', slaves: ['x'], offsetS: 0, ladder: branched, copy: true })).to.throw(/no branches/);
  });

  it('copies the programme in its decoder, encodes a live slate in the source\'s format, and leaves the encode path as it was', () => {
    const programme = decoderArgs({ input: fileInput('/m/f.mp4', { hasAudio: true }), format: small, offsetS: 4, pipe: '/p', ...decoderCodecs(copyPath, 'programme', undefined) }).join(' ');
    expect(programme).to.include('-i /m/f.mp4 -map 0:v:0 -map 0:a:0 -c copy -output_ts_offset 4.000');
    expect(programme).to.not.match(/-vf|mpeg2video|s302m/);

    const live = decoderArgs({ input: slateInput(small, undefined), format: small, offsetS: 0, pipe: '/p', ...decoderCodecs(copyPath, 'slate', undefined) });
    expect(value(live, '-c:v')).to.equal('libx264');
    expect(value(live, '-profile:v')).to.equal('baseline');
    expect(value(live, '-g')).to.equal('50');
    expect(value(live, '-ar')).to.equal('44100');
    expect(value(live, '-ac')).to.equal('1');
    expect(decoderCodecs(copyPath, 'slate', '/data/slates/a.ts')).to.deep.equal({ copy: true });

    expect(decoderCodecs(encodePath, 'programme', undefined)).to.deep.equal({});
    const encoded = decoderArgs({ input: fileInput('/m/f.mp4', { hasAudio: true }), format: small, offsetS: 0, pipe: '/p', ...decoderCodecs(encodePath, 'programme', undefined) }).join(' ');
    expect(encoded).to.include('mpeg2video').and.include('-vf scale=');
  });

  it('names libx264\'s profile from ffprobe\'s', () => {
    expect(['Constrained Baseline', 'Baseline', 'Main', 'High', 'High 4:4:4 Predictive', undefined].map(x264Profile)).to.deep.equal(['baseline', 'baseline', 'main', 'high', 'high', 'high']);
    expect(sourceCodecArgs(small, { sampleRate: 48000, channels: 2 }, 50).join(' ')).to.include('-bf 0').and.include('-keyint_min 50').and.include('-tune stillimage');
  });

  it('renders the slate clip in the source\'s format, one GOP long, keyed apart from the house-format clip', () => {
    const args = slateClipArgs(small, undefined, '/d/out.ts', codec);
    const line = args.join(' ');
    expect(line).to.include('sample_rate=44100:nb_samples=1764').and.include('-c:v libx264').and.include('-c:a aac').and.include('-g 50');
    expect(line).to.not.match(/mpeg2video|s302m/);
    const key = { title: 't', message: 'm', format: small, fontFile: undefined, ffmpegVersion: '5.1' };
    const hashes = new Set([slateClipHash(key), slateClipHash({ ...key, source: codec }), slateClipHash({ ...key, source: { ...codec, channels: 2 } }), slateClipHash({ ...key, source: { ...codec, profile: 'High' } })]);
    expect(hashes.size).to.equal(4);
    // A house-format clip keeps the key it had before the copy path existed.
    expect(slateClipHash({ ...key, source: undefined })).to.equal(slateClipHash(key));
  });
});
