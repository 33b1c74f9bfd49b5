// The ffmpeg commands of a broadcast's playout, built purely: decoders (inputs fitted to the
// house format, written into the pipe at a given timeline offset) and the output (one CBR
// encode, the tee outputs: a fifo slave per destination, recording parts for the archive).
import { expect } from 'chai';
import { escapeFilterValue, escapeTeeOption, escapeTeeSlave } from '../../../src/media/escape.js';
import { decoderArgs, outputArgs } from '../../../src/media/ffmpeg-args.js';
import { concatList, fileInput, liveInput, slateInput, testPatternInput } from '../../../src/media/inputs.js';
import { lowerRenditions, outputLadder, slaveStreams } from '../../../src/media/ladder.js';
import { recordingSlave, targetSlave, teeArgument } from '../../../src/media/tee.js';

const hd = { width: 1280, height: 720, fps: 30 };
const value = (args: string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];

describe('media: ffmpeg arguments', () => {
  it('encodes once at constant bitrate: 2 s GOP, no B-frames, nal-hrd=cbr, b = minrate = maxrate, one-GOP buffer, AAC 128k', () => {
    const args = outputArgs({ format: hd, pipe: '/run/x/playout.ts', slaves: ['[f=flv]x'], offsetS: 0 });
    expect(value(args, '-i')).to.equal('/run/x/playout.ts');
    expect(value(args, '-c:v')).to.equal('libx264');
    expect(value(args, '-g')).to.equal('60');
    expect(value(args, '-keyint_min')).to.equal('60');
    expect(value(args, '-sc_threshold')).to.equal('0');
    expect(value(args, '-x264-params')).to.equal('nal-hrd=cbr');
    expect(value(args, '-bf')).to.equal('0');
    expect(value(args, '-b:v')).to.equal('3000k');
    expect(value(args, '-minrate')).to.equal('3000k');
    expect(value(args, '-maxrate')).to.equal('3000k');
    expect(value(args, '-bufsize')).to.equal('6000k'); // 2 s GOP at 3000k
    expect(value(args, '-fps_mode')).to.equal('cfr');
    expect(value(args, '-b:a')).to.equal('128k');
    expect(value(args, '-ac')).to.equal('2');
    expect(value(args, '-progress')).to.equal('pipe:1');
    expect(args).to.not.include('-output_ts_offset');
    expect(args.at(-2)).to.equal('tee');
    const restarted = outputArgs({ format: hd, pipe: 'p', slaves: ['x'], offsetS: 42.5 });
    expect(value(restarted, '-output_ts_offset')).to.equal('42.500');
  });

  it('fits files to the house picture in the decoder and places its timestamps on the timeline', () => {
    const input = fileInput('/m/a.mp4', { hasAudio: true, seekS: 12.5, loop: true });
    expect(input.args).to.include.members(['-stream_loop', '-ss']);
    expect(value(input.args, '-ss')).to.equal('12.500');
    const dec = decoderArgs({ input, format: hd, offsetS: 7.25, pipe: '/run/x/playout.ts' });
    expect(value(dec, '-vf')).to.match(/^scale=1280:720.*pad=1280:720/);
    expect(value(dec, '-c:v')).to.equal('mpeg2video');
    expect(value(dec, '-g')).to.equal('1'); // intra-only: the output can start at any frame
    expect(value(dec, '-output_ts_offset')).to.equal('7.250');
    expect(value(dec, '-f')).to.equal('mpegts');
    expect(dec.at(-1)).to.equal('/run/x/playout.ts');
    const slate = decoderArgs({ input: testPatternInput('testsrc2', 440, hd), format: hd, offsetS: 0, pipe: 'p' });
    expect(slate).to.not.include('-vf'); // generated at the right size already
  });

  it('adds silence to a file without audio', () => {
    const input = fileInput('/m/silent.mp4', { hasAudio: false });
    expect(input.audioMap).to.equal('1:a:0');
    expect(input.args.join(' ')).to.include('anullsrc');
  });

  it('gives live sources timeouts so an unreachable camera fails fast', () => {
    expect(liveInput('rtmp://cam/live/x', true).args).to.include('-rw_timeout');
    expect(liveInput('rtsp://cam/stream', true).args).to.include.members(['-rtsp_transport', '-stimeout']);
    expect(liveInput('rtsp://cam/stream', true, '-timeout').args).to.include('-timeout').and.not.include('-stimeout');
    expect(liveInput('https://cam/index.m3u8', true).args).to.include.members(['-reconnect', '-rw_timeout']);
    expect(value(liveInput('srt://cam:9000', true).args, '-i')).to.match(/timeout=\d+$/);
  });

  it('draws the slate text from files when a font exists, and a plain slate otherwise', () => {
    const withText = slateInput(hd, { titleFile: "/run/a:b/t'x.txt", messageFile: '/run/m.txt', fontFile: '/f/DejaVu Sans.ttf' });
    const graph = value(withText.args, '-i')!;
    expect(graph).to.include('drawtext=fontfile=').and.include('reload=1').and.include('expansion=none');
    // ':' escaped for the option parser, that backslash escaped again for the graph parser
    // (checked against real ffmpeg while writing this).
    expect(graph).to.include('textfile=/run/a\\\\:b/t\\\\\\\'x.txt:reload=1');
    const plain = value(slateInput(hd, undefined).args, '-i')!;
    expect(plain).to.match(/^color=c=0x[0-9a-f]+:size=1280x720:rate=30$/);
    expect(slateInput(hd, undefined).args.join(' ')).to.include('anullsrc');
  });

  it('writes a concat script that quotes paths and can enter the first item part-way', () => {
    const text = concatList(["/m/it's.mp4", '/m/b.mp4'], 7.25);
    expect(text).to.equal("ffconcat version 1.0\nfile '/m/it'\\''s.mp4'\ninpoint 7.250\nfile '/m/b.mp4'\n");
  });
});

describe('media: the adaptive ladder of local HLS', () => {
  const full = { width: 1920, height: 1080, fps: 30 };
  const hls = { url: '/data/hls/x/index.m3u8', format: 'hls' as const, ladder: [720, 360] };
  const rtmp = { url: 'rtmp://h/live/KEY', format: 'flv' as const };

  it('keeps the lower heights, never scales up, and keeps widths even at the picture\'s aspect', () => {
    expect(lowerRenditions(full, [360, 720, 1080, 2160, 720])).to.deep.equal([
      { name: '720p', width: 1280, height: 720, videoKbps: 3000 },
      { name: '360p', width: 640, height: 360, videoKbps: 800 },
    ]);
    expect(lowerRenditions(hd, [720, 360]).map((r) => r.name)).to.deep.equal(['360p']);
    expect(lowerRenditions({ width: 320, height: 180, fps: 25 }, [90])).to.deep.equal([{ name: '90p', width: 160, height: 90, videoKbps: 100 }]);
    expect(lowerRenditions({ width: 720, height: 576, fps: 25 }, [360])[0]!.width).to.equal(450);
  });

  it('decodes once, splits and scales the picture, encodes each rendition at its own CBR, and one more AAC for audio only', () => {
    const ladder = outputLadder(full, [hls, rtmp])!;
    const args = outputArgs({ format: full, pipe: 'p', slaves: ['x'], offsetS: 0, ladder });
    expect(value(args, '-filter_complex')).to.equal(
      '[0:v:0]split=3[v0][s1][s2];[s1]scale=1280:720,setsar=1[v1];[s2]scale=640:360,setsar=1[v2];' +
        '[0:a:0]aresample=async=1000,asplit=4[a0][a1][a2][a3]',
    );
    expect(args.filter((a, i) => args[i - 1] === '-map')).to.deep.equal(['[v0]', '[v1]', '[v2]', '[a0]', '[a1]', '[a2]', '[a3]']);
    expect(args).to.not.include('-af'); // the resampler is in the graph (both cannot feed one stream)
    // The picture keeps the house encode (generic options); each lower rendition overrides them after.
    expect(value(args, '-b:v')).to.equal('4500k');
    expect(args.indexOf('-b:v:1')).to.be.greaterThan(args.indexOf('-b:v'));
    expect([value(args, '-b:v:1'), value(args, '-minrate:v:1'), value(args, '-maxrate:v:1'), value(args, '-bufsize:v:1')]).to.deep.equal(['3000k', '3000k', '3000k', '6000k']);
    expect(value(args, '-b:v:2')).to.equal('800k');
    // One GOP setting for every rendition: segments cut at the same frames in each.
    expect(value(args, '-g')).to.equal('60');
    expect(value(args, '-sc_threshold')).to.equal('0');
  });

  it('gives the HLS output every rendition with a master playlist, and the others the picture alone', () => {
    const ladder = outputLadder(full, [hls, rtmp])!;
    expect(slaveStreams(ladder, hls)).to.deep.equal({
      select: '0,1,2,3,4,5,6',
      varStreamMap: 'v:0,a:0,name:index v:1,a:1,name:720p v:2,a:2,name:360p a:3,name:audio',
    });
    expect(slaveStreams(ladder, rtmp)).to.deep.equal({ select: 'v:0,a:0' });
    const s = targetSlave(hls, undefined, 0, slaveStreams(ladder, hls));
    expect(s).to.match(/^\[select=0,1,2,3,4,5,6:f=fifo:fifo_format=hls:/);
    expect(s).to.include('master_pl_name\\\\=master.m3u8');
    expect(s).to.include('var_stream_map\\\\=v\\\\\\\\\\\\:0');
    expect(s).to.match(/\]\/data\/hls\/x\/%v\.m3u8$/);
    expect(targetSlave(rtmp, undefined, 0, { select: 'v:0,a:0' })).to.match(/^\[select=v\\\\:0,a\\\\:0:f=fifo:fifo_format=flv/);
    expect(recordingSlave('/p/part-1', undefined, { select: 'v:0,a:0' })).to.match(/^\[select=v\\\\:0,a\\\\:0:f=fifo:fifo_format=segment/);
    // A second local output with a shorter ladder takes its own rungs from the same encodes.
    const small = { url: '/data/hls/y/index.m3u8', format: 'hls' as const, ladder: [360] };
    expect(slaveStreams(outputLadder(full, [hls, small]), small)).to.deep.equal({
      select: '0,2,3,5,6',
      varStreamMap: 'v:0,a:0,name:index v:1,a:1,name:360p a:2,name:audio',
    });
  });

  it('leaves outputs without a ladder exactly as they were', () => {
    expect(outputLadder(full, [rtmp, { url: '/h/index.m3u8', format: 'hls' }])).to.equal(undefined);
    const args = outputArgs({ format: full, pipe: 'p', slaves: ['x'], offsetS: 0 });
    expect(args).to.not.include('-filter_complex');
    expect(value(args, '-af')).to.equal('aresample=async=1000');
    expect(args.filter((a, i) => args[i - 1] === '-map')).to.deep.equal(['0:v:0', '0:a:0']);
    expect(slaveStreams(undefined, rtmp)).to.deep.equal({});
  });
});

describe('media: tee outputs', () => {
  it('gives each destination a fifo slave that recovers on its own and never stops the others', () => {
    const s = targetSlave({ url: 'rtmp://h:1935/live/KEY', format: 'flv' });
    expect(s).to.match(/^\[f=fifo:fifo_format=flv:.*attempt_recovery=1:recover_any_error=1:.*onfail=ignore\]rtmp:\/\/h:1935\/live\/KEY$/);
    expect(s).to.include('drop_pkts_on_overflow=1');
  });

  it('passes HLS options through the fifo with the escaping both parsers need', () => {
    const s = targetSlave({ url: '/data/hls/x/index.m3u8', format: 'hls' });
    expect(s).to.include('format_opts=hls_time\\\\=2\\\\:hls_list_size\\\\=10\\\\:hls_flags\\\\=delete_segments+omit_endlist+temp_file+independent_segments');
    expect(s).to.include('start_number\\\\=0');
    expect(targetSlave({ url: '/h/index.m3u8', format: 'hls' }, undefined, 17)).to.include('start_number\\\\=17');
  });

  it('records 2 s parts without recovery (a reopen would overwrite a part)', () => {
    const s = recordingSlave('/data/archive/.parts/x/part-1');
    expect(s).to.include('fifo_format=segment').and.include('segment_time').and.not.include('attempt_recovery');
    expect(s).to.match(/part-1-%05d\.ts$/);
  });

  it('escapes separators in file names and option values', () => {
    expect(escapeTeeSlave('[f=flv]rtmp://h/a/k|ey')).to.equal('[f=flv]rtmp://h/a/k\\|ey');
    expect(escapeTeeOption('a:b')).to.equal('a\\:b');
    expect(() => escapeTeeOption('a]b')).to.throw('cannot contain');
    expect(escapeFilterValue('x,y')).to.equal('x\\,y');
    expect(teeArgument(['a', 'b'])).to.equal('a|b');
  });
});
