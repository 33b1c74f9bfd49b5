// Journey: /readyz tells a load balancer or an operator when the data folder cannot take
// writes — its disk has less free space than engine.minFreeBytes, or a write there fails —
// on the real composed server (startOnair). No disk is filled: the threshold is set beyond
// any disk's size (as the encoder's disk-full test does), and a write is made to fail by
// putting a folder where the check writes its file.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { startJourney, type Journey } from '../support/journey.js';

interface Ready {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

describe('journey: /readyz fails while the data folder cannot take writes', function () {
  this.timeout(30_000);
  let j: Journey;

  before(async () => {
    // 1 PB: no disk here has that much free, so the data folder's disk counts as full.
    j = await startJourney({ config: { engine: { minFreeBytes: 1e15 } } });
  });
  after(async () => {
    await j?.stop();
  });

  async function readyz(): Promise<{ status: number; body: Ready }> {
    const res = await fetch(`${j.url}/readyz`);
    return { status: res.status, body: (await res.json()) as Ready };
  }

  it('is 503 naming the data folder’s free space against engine.minFreeBytes, the other checks fine', async () => {
    const { status, body } = await readyz();
    expect(status).to.equal(503);
    expect(body.checks['data']?.ok).to.equal(false);
    expect(body.checks['data']?.error).to.match(/only [\d.]+ [KMGT]?B free on the disk of the data folder; onair needs at least 1000 TB/);
    expect(body.checks['data']?.error).to.include('engine.minFreeBytes');
    for (const [name, c] of Object.entries(body.checks)) if (name !== 'data') expect(c.ok, name).to.equal(true);
    expect((await fetch(`${j.url}/healthz`)).status).to.equal(200);
  });

  it('says a write failed when it does, and goes back to the free space once writes work', async () => {
    const probe = path.join(j.dirs.data, '.readyz-write-check');
    fs.mkdirSync(probe);
    try {
      const { status, body } = await readyz();
      expect(status).to.equal(503);
      expect(body.checks['data']?.error).to.match(/^cannot write to the data folder \(EISDIR\)/);
    } finally {
      fs.rmdirSync(probe);
    }
    expect((await readyz()).body.checks['data']?.error).to.match(/^only /);
  });
});
