// The copy-or-encode decision for files and playlists, and the encoded formats and bitrates.
import { expect } from 'chai';
import { decideMode, decidePlaylistMode, encodeFormatFor, videoBitrateKbps } from '../../../src/media/encoding-profile.js';
import type { MediaInfo } from '../../../src/media/media-info.js';

const suitable: MediaInfo = {
  durationS: 60,
  video: { codec: 'h264', width: 1280, height: 720, fps: 30, maxKeyframeGapS: 2 },
  audio: { codec: 'aac', sampleRate: 48000, channels: 2 },
};

describe('media: copy or encode', () => {
  it('copies H.264 + AAC with keyframes at most 2 s apart', () => {
    expect(decideMode(suitable).mode).to.equal('copy');
  });

  it('encodes, saying why, when anything does not suit', () => {
    const cases: Array<[MediaInfo, string]> = [
      [{ ...suitable, video: { ...suitable.video!, codec: 'hevc' } }, 'hevc'],
      [{ ...suitable, audio: { ...suitable.audio!, codec: 'mp3' } }, 'mp3'],
      [{ ...suitable, audio: undefined }, 'no audio'],
      [{ ...suitable, video: { ...suitable.video!, maxKeyframeGapS: 4.2 } }, '4.20 s'],
      [{ ...suitable, video: { ...suitable.video!, maxKeyframeGapS: undefined } }, 'no keyframe'],
      [{ ...suitable, audio: { ...suitable.audio!, sampleRate: 22050 } }, '22050'],
    ];
    for (const [info, why] of cases) {
      const d = decideMode(info);
      expect(d.mode).to.equal('encode');
      expect(d.reason).to.include(why);
    }
  });

  it('copies a playlist only when every item suits and all share one format', () => {
    expect(decidePlaylistMode([suitable, suitable]).mode).to.equal('copy');
    const other = { ...suitable, video: { ...suitable.video!, width: 1920, height: 1080 } };
    const d = decidePlaylistMode([suitable, other]);
    expect(d.mode).to.equal('encode');
    expect(d.reason).to.include('differ');
    expect(decidePlaylistMode([suitable, { ...suitable, audio: undefined }]).reason).to.include('item 2');
  });

  it('picks a bitrate in the band for the resolution', () => {
    expect(videoBitrateKbps({ width: 1280, height: 720, fps: 30 })).to.be.within(3000, 8000);
    expect(videoBitrateKbps({ width: 1920, height: 1080, fps: 30 })).to.be.within(3000, 8000);
    expect(videoBitrateKbps({ width: 1920, height: 1080, fps: 60 })).to.be.greaterThan(videoBitrateKbps({ width: 1920, height: 1080, fps: 30 }));
  });

  it('encodes to a standard size no larger than the source', () => {
    const fallback = { width: 1280, height: 720, fps: 30 };
    expect(encodeFormatFor({ video: { codec: 'vp9', width: 3840, height: 2160, fps: 60 } }, fallback)).to.deep.equal({ width: 1920, height: 1080, fps: 60 });
    expect(encodeFormatFor({ video: { codec: 'vp9', width: 1024, height: 576, fps: 25 } }, fallback)).to.deep.equal({ width: 854, height: 480, fps: 25 });
    expect(encodeFormatFor(undefined, fallback)).to.equal(fallback);
  });
});
