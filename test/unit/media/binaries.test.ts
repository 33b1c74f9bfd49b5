// Finding ffmpeg and ffprobe (configured path, then PATH, then the npm-installed build),
// the slate's font, and the options that depend on ffmpeg's version.
import { expect } from 'chai';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dialectOf, ffmpegDialect, findOnPath, findSlateFont, resolveBinaries } from '../../../src/media/binaries.js';
import { ConfigError } from '../../../src/shared/errors.js';

describe('media: finding ffmpeg', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'onair-bin-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const executable = (name: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o755);
    return file;
  };

  it('prefers the configured path, then PATH, then the npm-installed build', () => {
    const own = executable('my-ffmpeg');
    const onPath = executable('ffmpeg');
    executable('ffprobe');
    expect(resolveBinaries({ ffmpegPath: own, searchPath: dir }).ffmpeg).to.equal(own);
    expect(resolveBinaries({ searchPath: dir })).to.deep.equal({ ffmpeg: onPath, ffprobe: path.join(dir, 'ffprobe') });
    const installed = resolveBinaries({ searchPath: '/nonexistent' });
    expect(installed.ffmpeg).to.match(/@ffmpeg-installer/);
    expect(installed.ffprobe).to.match(/@ffprobe-installer/);
  });

  it('names the setting when a configured path is not an executable', () => {
    writeFileSync(path.join(dir, 'not-exec'), '');
    expect(() => resolveBinaries({ ffmpegPath: path.join(dir, 'not-exec') })).to.throw(ConfigError, 'ffmpeg.path');
    expect(() => resolveBinaries({ probePath: path.join(dir, 'missing') })).to.throw(ConfigError, 'ffmpeg.probePath');
  });

  it('skips non-executables on PATH, and finds no font among none', () => {
    writeFileSync(path.join(dir, 'ffmpeg'), '');
    expect(findOnPath('ffmpeg', dir)).to.equal(undefined);
    expect(findSlateFont([path.join(dir, 'nope.ttf')])).to.equal(undefined);
  });

  it('picks version-specific options from libavformat’s major version', () => {
    expect(dialectOf('libavformat    58. 24.100 / 58. 24.100').rtspTimeout).to.equal('-stimeout');
    expect(dialectOf('libavformat    60. 16.100 / 60. 16.100')).to.deep.equal({ avformatMajor: 60, rtspTimeout: '-timeout' });
    expect(ffmpegDialect(resolveBinaries().ffmpeg).avformatMajor).to.be.greaterThan(50);
  });
});
