// The archive keeps the programme: a complete part is deleted when it holds none of it. Parts
// are cut at keyframes, so a copied source's parts are as long as its GOP and reach further
// back than the output's own 2 s parts.
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecordingParts } from '../../../src/media/recording-parts.js';

describe('media: recording parts kept for the archive', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'onair-parts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A part whose last write was at `at` (ms), and a newer one after it (so the first is complete). */
  function parts(at: number): string {
    const first = path.join(dir, 'part-1-00000.ts');
    writeFileSync(first, 'x');
    utimesSync(first, at / 1000, at / 1000);
    writeFileSync(path.join(dir, 'part-1-00001.ts'), 'x');
    return first;
  }

  it('keeps an 8 s part that ends 6 s after the programme did, when parts are that long', async () => {
    const at = Date.now() - 60_000;
    const part = parts(at);
    const r = new RecordingParts([dir], 8);
    r.showing(true, at - 30_000);
    r.showing(false, at - 6_000);
    await r.prune();
    expect(existsSync(part)).to.equal(true);
  });

  it('deletes a 2 s part written 6 s after the programme ended (it holds only the slate)', async () => {
    const at = Date.now() - 60_000;
    const part = parts(at);
    const r = new RecordingParts([dir]);
    r.showing(true, at - 30_000);
    r.showing(false, at - 6_000);
    await r.prune();
    expect(existsSync(part)).to.equal(false);
  });
});
