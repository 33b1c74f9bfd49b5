import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { folderNamer } from '../../src/shared/public-paths.js';

describe('folderNamer: public messages name folders, never spell them', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-public-paths-'));
    fs.mkdirSync(path.join(root, 'real-media'));
    fs.symlinkSync(path.join(root, 'real-media'), path.join(root, 'media'));
    fs.mkdirSync(path.join(root, 'data'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('rewrites the folder as configured, resolved and through its link, and leaves look-alikes alone', () => {
    const name = folderNamer([
      { dir: path.join(root, 'media'), name: 'media folder' },
      { dir: path.join(root, 'data'), name: 'data folder' },
    ]);
    expect(name(`${root}/media/a.mp4 is broken (${root}/real-media/a.mp4: Invalid data)`)).to.equal('media folder/a.mp4 is broken (media folder/a.mp4: Invalid data)');
    expect(name(`ENOSPC: no space left on device, open '${root}/data/hls/x/seg.ts'`)).to.equal(`ENOSPC: no space left on device, open 'data folder/hls/x/seg.ts'`);
    expect(name(`${root}/data-old/x and ${root}/data.bak`)).to.equal(`${root}/data-old/x and ${root}/data.bak`);
  });
});
