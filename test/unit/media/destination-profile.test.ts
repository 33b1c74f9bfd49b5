// Per-destination profiles: which destinations get an encode of their own (a picture larger
// than their profile, or a higher frame rate), how the output's filtergraph, maps and
// per-stream rates make it, and which streams each tee slave takes.
import { expect } from 'chai';
import { OUTPUT_PROFILES, outputProfile } from '../../../src/config/index.js';
import { branchFor, profileBranches } from '../../../src/media/destination-profile.js';
import { outputArgs } from '../../../src/media/ffmpeg-args.js';
import { outputLadder, slaveStreams } from '../../../src/media/ladder.js';
import type { IngestTarget } from '../../../src/scheduler/ports.js';

const full = { width: 1920, height: 1080, fps: 30 };
const value = (args: string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];
const rtmp = (url: string, profile?: IngestTarget['profile']): IngestTarget => ({ url, format: 'flv', ...(profile ? { profile } : {}) });

describe('media: per-destination profiles', () => {
  it('resolves named and explicit profiles in config, and says what to write for a wrong one', () => {
    expect(outputProfile.parse('720p30')).to.deep.equal({ width: 1280, height: 720, fps: 30, videoKbps: 3000 });
    expect(outputProfile.parse('phone')).to.deep.equal(OUTPUT_PROFILES.phone);
    expect(outputProfile.parse({ width: 854, height: 480, fps: 25, videoKbps: 1200 })).to.deep.equal({ width: 854, height: 480, fps: 25, videoKbps: 1200 });
    expect(outputProfile.safeParse('4k').error?.issues[0]?.message).to.match(/"4k" is not a profile; use one of 720p30, 1080p30, phone/);
    const odd = outputProfile.safeParse({ width: 853, height: 480, fps: 30, videoKbps: 1200 }).error?.issues[0];
    expect([odd?.path, odd?.message]).to.deep.equal([['width'], 'must be even (H.264 4:2:0 pictures have even sizes)']);
  });

  it('sends a picture within the profile as is, and scales a larger one down at its aspect', () => {
    expect(branchFor({ width: 1280, height: 720, fps: 30 }, rtmp('r', OUTPUT_PROFILES['720p30']))).to.equal(undefined);
    expect(branchFor({ width: 320, height: 180, fps: 25 }, rtmp('r', OUTPUT_PROFILES['1080p30']))).to.equal(undefined);
    expect(branchFor(full, rtmp('r'))).to.equal(undefined);
    expect(branchFor(full, rtmp('r', OUTPUT_PROFILES['720p30']))).to.deep.equal({ width: 1280, height: 720, fps: 30, videoKbps: 3000 });
    // 4:3 into a 16:9 profile: the height decides; a higher frame rate alone makes a branch.
    expect(branchFor({ width: 1440, height: 1080, fps: 30 }, rtmp('r', OUTPUT_PROFILES.phone))).to.deep.equal({ width: 480, height: 360, fps: 30, videoKbps: 800 });
    expect(branchFor({ width: 1280, height: 720, fps: 60 }, rtmp('r', OUTPUT_PROFILES['720p30']))).to.deep.equal({ width: 1280, height: 720, fps: 30, videoKbps: 3000 });
    // Local HLS has its ladder instead.
    expect(branchFor(full, { url: '/h/index.m3u8', format: 'hls', profile: OUTPUT_PROFILES.phone })).to.equal(undefined);
  });

  it('gives destinations sharing a profile one encode, and each branch its own CBR, rate and 2 s GOP', () => {
    const youtube = rtmp('rtmp://yt/live2/k', OUTPUT_PROFILES['720p30']);
    const mirror = rtmp('rtmp://mirror/live/k', OUTPUT_PROFILES['720p30']);
    const phone = rtmp('rtmp://fb/live/k', { width: 640, height: 360, fps: 15, videoKbps: 600 });
    const plain = rtmp('rtmp://city/live/k');
    const targets = [youtube, mirror, phone, plain];
    expect(profileBranches(full, targets)).to.have.length(2);
    const l = outputLadder(full, targets)!;
    const args = outputArgs({ format: full, pipe: 'p', slaves: ['x'], offsetS: 0, ladder: l });
    expect(value(args, '-filter_complex')).to.equal(
      '[0:v:0]split=3[v0][t1][t2];[t1]scale=1280:720,setsar=1,fps=30[v1];[t2]scale=640:360,setsar=1,fps=15[v2];' +
        '[0:a:0]aresample=async=1000[a0]',
    );
    expect(args.filter((a, i) => args[i - 1] === '-map')).to.deep.equal(['[v0]', '[v1]', '[v2]', '[a0]']);
    expect(value(args, '-b:v')).to.equal('4500k');
    expect([value(args, '-b:v:1'), value(args, '-minrate:v:1'), value(args, '-maxrate:v:1'), value(args, '-bufsize:v:1')]).to.deep.equal(['3000k', '3000k', '3000k', '6000k']);
    expect([value(args, '-b:v:2'), value(args, '-r:v:2'), value(args, '-g:v:2'), value(args, '-keyint_min:v:2')]).to.deep.equal(['600k', '15', '30', '30']);
    // Overrides come after the house encode's generic options, so they win.
    expect(args.indexOf('-r:v:2')).to.be.greaterThan(args.indexOf('-r'));
    expect(slaveStreams(l, youtube)).to.deep.equal({ select: 'v:1,a:0' });
    expect(slaveStreams(l, mirror)).to.deep.equal({ select: 'v:1,a:0' });
    expect(slaveStreams(l, phone)).to.deep.equal({ select: 'v:2,a:0' });
    expect(slaveStreams(l, plain)).to.deep.equal({ select: 'v:0,a:0' });
  });

  it('puts the branches after the ladder\'s renditions, and the HLS output still finds its audio', () => {
    const hls: IngestTarget = { url: '/data/hls/x/index.m3u8', format: 'hls', ladder: [360] };
    const youtube = rtmp('rtmp://yt/live2/k', OUTPUT_PROFILES['720p30']);
    const l = outputLadder(full, [hls, youtube])!;
    const args = outputArgs({ format: full, pipe: 'p', slaves: ['x'], offsetS: 0, ladder: l });
    expect(value(args, '-filter_complex')).to.equal(
      '[0:v:0]split=3[v0][s1][t1];[s1]scale=640:360,setsar=1[v1];[t1]scale=1280:720,setsar=1,fps=30[v2];' +
        '[0:a:0]aresample=async=1000,asplit=3[a0][a1][a2]',
    );
    // Streams: v0 v1(360p) v2(YouTube), then a0 a1 a2(audio only) at 3, 4, 5.
    expect(slaveStreams(l, hls)).to.deep.equal({ select: '0,1,3,4,5', varStreamMap: 'v:0,a:0,name:index v:1,a:1,name:360p a:2,name:audio' });
    expect(slaveStreams(l, youtube)).to.deep.equal({ select: 'v:2,a:0' });
  });
});
