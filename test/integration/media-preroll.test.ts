// A cued switch with real ffmpeg, watched from a real RTMP receiver: the programme's decoder
// is started (held) before the switch, that very process is the one that goes on air, and
// the first programme picture a viewer gets is the programme's first second (red), not a
// later one (green) — opened ahead, it still starts at its beginning. A cue moved later
// after the switch puts the slate back, and the programme then starts from its beginning
// again. The first cue of a factory (no pre-rolled switch measured yet) is rehearsed on the
// slate first, so the programme's switch already counts a measured cost. Ordering and
// pictures only: how early is bench:start --receiver's business.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SupervisedEncoder } from '../../src/media/index.js';
import { SwitchCost } from '../../src/media/pipeline-latency.js';
import { SLATE_COLOUR } from '../../src/media/inputs.js';
import { createLogger } from '../../src/shared/logger.js';
import { makeColourClip } from '../support/ffmpeg-fixtures.js';
import { waitFor } from '../support/ffmpeg-tools.js';
import { near, rgbOf, RtmpFrameWatcher, type ReceivedFrame } from '../support/rtmp-frame-watcher.js';
import { testEncoderFactory } from '../support/test-encoder-factory.js';
import { testOccurrence } from '../support/test-occurrence.js';

const RED = rgbOf('0xff0000');
const GREEN = rgbOf('0x008000');
const SLATE = rgbOf(SLATE_COLOUR);

interface Line {
  at: number;
  msg: string;
  kind?: string;
  held?: boolean;
  pid?: number;
}

describe('media: pre-roll of a cued programme (real ffmpeg, RTMP receiver)', function () {
  this.timeout(90_000);
  let dir: string;
  let watcher: RtmpFrameWatcher;
  let encoder: SupervisedEncoder | undefined;
  let log: Line[];
  let cost: SwitchCost;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'onair-preroll-'));
    watcher = await RtmpFrameWatcher.start();
    log = [];
    const clip = makeColourClip(path.join(dir, 'red-then-green.mp4'), [
      { colour: 'red', seconds: 1 },
      { colour: 'green', seconds: 20 },
    ]);
    const logger = createLogger('info', { write: (l: string) => log.push({ ...(JSON.parse(l) as Line), at: Date.now() }) });
    cost = new SwitchCost();
    encoder = testEncoderFactory(dir, {}, { logger, switchCost: cost }).create({
      occurrence: testOccurrence('preroll@2026-12-05T11:00', { source: { kind: 'file', path: clip } }),
      outputs: [{ destination: 'relay', target: { url: watcher.url, format: 'flv' } }],
    });
  });
  afterEach(async () => {
    await encoder?.stop();
    await watcher.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The first frame from `since` on that is neither the slate nor a frame before it. */
  const firstProgrammeFrame = (since: number): Promise<ReceivedFrame> =>
    waitFor('a programme frame at the receiver', () => watcher.frames.find((f) => f.at >= since && !near(f.rgb, SLATE)), 45_000, 20);

  const index = (match: (l: Line) => boolean, from = 0): number => log.findIndex((l, i) => i >= from && match(l));

  it('opens the programme before the switch, lets that decoder through, and its first second is what the receiver gets first', async () => {
    const e = encoder!;
    e.start('slate');
    await waitFor('the slate at the receiver', () => watcher.frames.find((f) => near(f.rgb, SLATE)), 45_000, 20);
    e.cue(new Date(Date.now() + 5000));
    const first = await firstProgrammeFrame(0);

    const held = index((l) => l.msg === 'ffmpeg started' && l.kind === 'programme' && l.held === true);
    const switched = index((l) => l.msg === 'cued switch to the programme');
    const through = index((l) => l.msg === 'pre-rolled programme let through');
    expect(held, 'a held programme decoder was started').to.be.at.least(0);
    expect(switched, 'the switch came after the pre-roll').to.be.greaterThan(held);
    const story = (): string => JSON.stringify(log.filter((l) => /ffmpeg started|cued|pre-roll|on air/.test(l.msg)).map(({ msg, kind, held, at, ...rest }) => ({ msg, kind, held, at, offsetS: (rest as Record<string, unknown>)['offsetS'], after: (rest as Record<string, unknown>)['after'], code: (rest as Record<string, unknown>)['code'] })));
    expect(through, `the held decoder was let through at the switch: ${story()}`).to.be.greaterThan(switched);
    expect(log[through]!.pid, 'the decoder let through is the one started ahead').to.equal(log[held]!.pid);
    expect(index((l) => l.msg === 'ffmpeg started' && l.kind === 'programme' && !l.held), 'no programme decoder was started at the switch').to.equal(-1);
    expect(first.at, 'no programme picture before the switch').to.be.at.least(log[switched]!.at);
    expect(near(first.rgb, RED, 60), `the first programme picture is the programme's first second (red), got rgb ${first.rgb.join(',')}`).to.equal(true);
  });

  it('rehearses the first cued switch on the slate (nothing but the slate on air), so the programme\'s switch counts a measured cost', async () => {
    const e = encoder!;
    e.start('slate');
    await waitFor('the slate at the receiver', () => watcher.frames.find((f) => near(f.rgb, SLATE)), 45_000, 20);
    // A rehearsal needs this output's latency (what its measure leaves out).
    await waitFor('the output latency measured', () => cost.lastLatencyMs, 45_000, 50);
    expect(cost.airMs, 'no pre-rolled switch measured before the cue').to.equal(undefined);
    e.cue(new Date(Date.now() + 12_000));
    const first = await firstProgrammeFrame(0);

    const heldSlate = index((l) => l.msg === 'ffmpeg started' && l.kind === 'slate' && l.held === true);
    const rehearsal = index((l) => l.msg === 'rehearsal: switching the slate to itself to measure a pre-rolled switch');
    const slateThrough = index((l) => l.msg === 'pre-rolled slate let through');
    const measured = index((l) => l.msg === 'pre-rolled switch left the encoder' && l.kind === 'slate');
    const switched = index((l) => l.msg === 'cued switch to the programme');
    const story = JSON.stringify(log.filter((l) => /ffmpeg started|cued|pre-roll|rehearsal|held|left the encoder/.test(l.msg)).map(({ msg, kind, held, pid }) => ({ msg, kind, held, pid })));
    expect(heldSlate, `a held slate decoder was started: ${story}`).to.be.at.least(0);
    expect(rehearsal, `then switched to: ${story}`).to.be.greaterThan(heldSlate);
    expect(slateThrough, `the held slate was let through: ${story}`).to.be.greaterThan(rehearsal);
    expect(log[slateThrough]!.pid, 'the slate let through is the one held').to.equal(log[heldSlate]!.pid);
    expect(measured, `its cost was measured at the encoder: ${story}`).to.be.greaterThan(slateThrough);
    expect(switched, `before the programme's switch: ${story}`).to.be.greaterThan(measured);
    expect(cost.airMs, 'the measured cost is the one leads count').to.not.equal(undefined);
    const beforeSwitch = watcher.frames.filter((f) => f.at < log[switched]!.at);
    expect(beforeSwitch.length, 'the receiver got the slate before the switch').to.be.greaterThan(0);
    expect(beforeSwitch.every((f) => near(f.rgb, SLATE)), 'nothing but the slate on air through the rehearsal').to.equal(true);
    expect(near(first.rgb, RED, 60), `the first programme picture is the programme's first second (red), got rgb ${first.rgb.join(',')}`).to.equal(true);
    // The programme's own switch is measured too (the rehearsal's slate must not take its moment).
    await waitFor('the programme switch measured at the encoder', () => log.find((l) => l.msg === 'pre-rolled switch left the encoder' && l.kind === 'programme'), 20_000, 50);
    expect(log.some((l) => l.msg === 'cued switch made' && l.kind === 'slate' && index((m) => m === l) > switched), 'no slate took the programme\'s switch').to.equal(false);
  });

  it('puts the slate back when the cue moves later after the switch, then starts the programme from its beginning again', async () => {
    const e = encoder!;
    e.start('slate');
    await waitFor('the slate at the receiver', () => watcher.frames.find((f) => near(f.rgb, SLATE)), 45_000, 20);
    e.cue(new Date(Date.now() + 4000));
    await firstProgrammeFrame(0);
    // Moved later: the programme goes off again until then.
    e.cue(new Date(Date.now() + 9000));
    const back = await waitFor('the slate back at the receiver', () => {
      const since = log[index((l) => l.msg === 'cued switch to the programme')]!.at;
      return watcher.frames.find((f) => f.at > since && near(f.rgb, SLATE) && watcher.frames.some((g) => g.at < f.at && g.at > since && !near(g.rgb, SLATE)));
    }, 45_000, 20);
    // The programme again: the first picture after the second cued switch (a frame after
    // `back` alone could still be one of the first run's, late through a loaded output).
    const cued = (): Line[] => log.filter((l) => l.msg === 'cued switch to the programme');
    const second = await waitFor('the second cued switch', () => cued()[1], 45_000, 20);
    const again = await firstProgrammeFrame(Math.max(back.at, second.at));
    expect(near(again.rgb, RED, 60), `after the slate, the programme starts at its first second again (red), got rgb ${again.rgb.join(',')}`).to.equal(true);
    expect(near(again.rgb, GREEN, 60)).to.equal(false);
    expect(cued(), 'two cued switches').to.have.length(2);
  });
});
