// The slate cache on disk with real ffmpeg: one render for the same text however many ask at
// once, a clip reused from disk by a new process's cache, and clips unused for longer than
// maxAgeMs deleted (with leftovers of interrupted renders).
import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { SlateClips } from '../../src/media/slate-clip.js';
import { createLogger } from '../../src/shared/logger.js';
import { binaries, waitFor } from '../support/ffmpeg-tools.js';

describe('media: the slate cache (real ffmpeg)', function () {
  this.timeout(60_000);
  let dir: string;
  const rendered: string[] = [];
  const logger = createLogger(
    'info',
    new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.includes('"slate rendered"')) rendered.push(line);
        done();
      },
    }),
  );
  const cache = (): SlateClips => new SlateClips({ ffmpeg: binaries().ffmpeg, dir, ffmpegVersion: async () => 'test', logger, maxAgeMs: 86_400_000 });
  const small = { width: 160, height: 90, fps: 25 };
  const text = { title: 'Masal Saati\nStory Hour', message: 'Starting soon' };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'onair-slates-'));
    rendered.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('renders a text once however many ask at once, and a new cache reuses the file', async () => {
    const c = cache();
    const clips = await Promise.all([c.clip(text, small), c.clip(text, small), c.clip(text, small)]);
    expect(new Set(clips).size).to.equal(1);
    expect(rendered).to.have.length(1);
    expect(await cache().clip(text, small)).to.equal(clips[0]);
    expect(rendered).to.have.length(1);
    expect(readdirSync(dir)).to.deep.equal([path.basename(clips[0]!)]);
  });

  it('deletes clips and leftovers unused for longer than maxAgeMs, and keeps the rest', async () => {
    const old = path.join(dir, `${'a'.repeat(32)}.ts`);
    const leftover = path.join(dir, `${'b'.repeat(32)}.123.4.title.txt`);
    const recent = path.join(dir, `${'c'.repeat(32)}.ts`);
    for (const f of [old, leftover, recent]) writeFileSync(f, 'x');
    const longAgo = new Date(Date.now() - 2 * 86_400_000);
    for (const f of [old, leftover]) utimesSync(f, longAgo, longAgo);
    const clip = await cache().clip(text, small);
    await waitFor('the old files gone', () => readdirSync(dir).length === 2);
    expect(readdirSync(dir).sort()).to.deep.equal([path.basename(clip), path.basename(recent)].sort());
  });
});
