// The ffmpeg commands of a broadcast's playout, built purely: decoders (inputs fitted to the
// house format, written into the pipe at a given timeline offset) and the output (one CBR
// encode, the tee outputs: a fifo slave per destination, recording parts for the archive).
import { expect } from 'chai';
import { escapeFilterValue, escapeTeeOption, escapeTeeSlave } from '../../../src/media/escape.js';
import { decoderArgs, outputArgs } from '../../../src/media/ffmpeg-args.js';
import { concatList, fileInput, liveInput, slateInput, testPatternInput } from '../../../src/media/inputs.js';
import { recordingSlave, targetSlave, teeArgument } from '../../../src/media/tee.js';

const hd = { width: 1280, height: 720, fps: 30 };
const value = (args: string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];

describe('media: ffmpeg arguments', () => {
  it('encodes once at constant bitrate: 2 s GOP, nal-hrd=cbr, b = minrate = maxrate, one-GOP buffer, AAC 128k', () => {
    const args = outputArgs({ format: hd, pipe: '/run/x/playout.ts', slaves: ['[f=flv]x'], offsetS: 0 });
    expect(value(args, '-i')).to.equal('/run/x/playout.ts');
    expect(value(args, '-c:v')).to.equal('libx264');
    expect(value(args, '-g')).to.equal('60');
    expect(value(args, '-keyint_min')).to.equal('60');
    expect(value(args, '-sc_threshold')).to.equal('0');
    expect(value(args, '-x264-params')).to.equal('nal-hrd=cbr');
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
