// The signed chat identity: verified only when this server signed it; the key is kept in
// the data folder (0600) and reused, or taken from ONAIR_VIEWER_ID_SECRET.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadViewerKey, VIEWER_KEY_FILE, ViewerIdentities } from '../../../src/chat/index.js';

describe('chat: viewer identity', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-vid-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('verifies its own tokens only: not another key, not a forged id, not garbage', () => {
    const ids = new ViewerIdentities(loadViewerKey(undefined, dir));
    const a = ids.issue();
    const b = ids.issue();
    expect(a.id).to.not.equal(b.id);
    expect(ids.verify(a.token)).to.equal(a.id);
    const [, sig] = a.token.split('.');
    expect(ids.verify(`${b.id}.${sig}`)).to.equal(undefined);
    expect(ids.verify(`${a.token}x`)).to.equal(undefined);
    for (const junk of [undefined, 42, '', 'fingerprint-troll-1', a.id]) expect(ids.verify(junk)).to.equal(undefined);
    const other = new ViewerIdentities(loadViewerKey('x'.repeat(40), dir));
    expect(other.verify(a.token)).to.equal(undefined);
  });

  it('generates the key once into the data folder (mode 0600) and reuses it across restarts', () => {
    const first = new ViewerIdentities(loadViewerKey(undefined, dir)).issue();
    const file = path.join(dir, VIEWER_KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    expect(new ViewerIdentities(loadViewerKey(undefined, dir)).verify(first.token)).to.equal(first.id);
  });

  it('refuses a short ONAIR_VIEWER_ID_SECRET with a message saying how to make one', () => {
    expect(() => loadViewerKey('short', dir)).to.throw(/at least 32 characters.*openssl rand/);
  });
});
