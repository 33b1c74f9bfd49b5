import { expect } from 'chai';
import { DestinationError } from '../../../src/scheduler/ports.js';
import type { BroadcastEngine } from '../../../src/scheduler/engine.js';
import type { Occurrence } from '../../../src/schedule/types.js';
import { fakeDestination, occurrence } from './fakes.js';
import { harness, type Harness } from './harness.js';

// Times: the occurrence airs 10:00–10:30 UTC; prepareLead 10m, ffmpegLead 60s, grace 15m.
const OCC = 'reading@2026-12-05T10:00';
const START = '2026-12-05T10:00:00.000Z';
const END = '2026-12-05T10:30:00.000Z';
const NORMAL_PATH = [
  '∅→scheduled',
  'scheduled→preparing',
  'preparing→ready',
  'ready→live',
  'live→ending',
  'ending→complete',
];

describe('broadcast engine', () => {
  let h: Harness;
  afterEach(async () => {
    await h.cleanup();
  });

  it('walks one occurrence through its whole life at the configured lead times', async () => {
    h = harness([occurrence(OCC, START, 30, { destinations: ['alpha', 'beta'], remindersMs: [900_000, 300_000] })], '2026-12-05T08:00:00Z', { switchLead: 1_000 });
    const engine = h.build();
    await engine.start();
    await engine.settled();
    expect(await h.state(OCC)).to.equal('scheduled');

    await h.at(engine, '2026-12-05T09:49:59.999Z');
    expect(h.destinations.alpha!.count('prepare')).to.equal(0);
    await h.at(engine, '2026-12-05T09:50:00.000Z');
    expect(await h.state(OCC)).to.equal('ready');
    expect(h.destinations.alpha!.count('prepare')).to.equal(1);
    expect(h.destinations.beta!.count('prepare')).to.equal(1);
    const prepared = await h.store.get(OCC);
    expect(prepared!.destinations.map((d) => d.remote.eventId)).to.deep.equal([`alpha-${OCC}`, `beta-${OCC}`]);
    expect(h.encoders.created).to.have.length(0);

    await h.at(engine, '2026-12-05T09:59:00.000Z');
    expect(h.encoders.created).to.have.length(1);
    const enc = h.encoders.created[0]!;
    expect(enc.log).to.deep.equal(['start:slate']);
    expect(enc.spec.outputs.map((o) => o.destination)).to.deep.equal(['alpha', 'beta']);
    expect(h.destinations.alpha!.count('awaitIngest')).to.equal(1);
    expect(await h.state(OCC)).to.equal('ready');

    // With switchLead 1 s the programme is asked for 1 s early (an encoder with cue() is cued
    // for then and switches earlier still by its own latency); the record goes live, and
    // destinations are told, at the scheduled second.
    await h.at(engine, '2026-12-05T09:59:58.999Z');
    expect(enc.log).to.deep.equal(['start:slate']);
    await h.at(engine, '2026-12-05T09:59:59.000Z');
    expect(enc.log).to.deep.equal(['start:slate', 'show:programme']);
    expect(await h.state(OCC)).to.equal('ready');
    expect(h.destinations.alpha!.count('goLive')).to.equal(0);

    await h.at(engine, START);
    const live = await h.store.get(OCC);
    expect(live!.state).to.equal('live');
    expect(live!.liveAt).to.equal(START);
    expect(enc.log).to.deep.equal(['start:slate', 'show:programme']);
    expect(h.destinations.alpha!.calls.find((c) => c.method === 'goLive')!.at).to.equal(START);
    expect(live!.destinations.map((d) => d.status)).to.deep.equal(['live', 'live']);
    expect(live!.destinations[0]!.watchUrl).to.equal(`https://watch.example/alpha/${OCC}`);

    enc.emitHealth({ fps: 25, bitrateKbps: 4500, speed: 1 });
    expect(h.seen.health.at(-1)!.health.fps).to.equal(25);
    expect((await engine.get(OCC)).health!.fps).to.equal(25);

    await h.at(engine, '2026-12-05T10:29:59.000Z');
    expect(await h.state(OCC)).to.equal('live');
    await h.at(engine, END);
    const done = await h.store.get(OCC);
    expect(done!.state).to.equal('complete');
    expect(done!.endedAt).to.equal(END);
    expect(enc.stopped).to.equal(true);
    expect(h.destinations.alpha!.count('end')).to.equal(1);
    expect(h.destinations.beta!.count('end')).to.equal(1);
    expect(h.destinations.alpha!.count('teardown')).to.equal(0);

    expect(await h.log(OCC)).to.deep.equal(NORMAL_PATH);
    expect(h.seen.transitions.map((t) => t.to)).to.deep.equal(['scheduled', 'preparing', 'ready', 'live', 'ending', 'complete']);
    expect(h.seen.reminders).to.deep.equal([
      { id: OCC, offsetMs: 900_000, at: '2026-12-05T09:45:00.000Z' },
      { id: OCC, offsetMs: 300_000, at: '2026-12-05T09:55:00.000Z' },
    ]);
    expect(h.clock.pending).to.equal(0);
  });

  it('resumes after a restart mid-air without firing any step twice', async () => {
    h = harness([occurrence(OCC, START, 30, { destinations: ['alpha', 'beta'], remindersMs: [300_000] })], '2026-12-05T09:00:00Z');
    const first = h.build();
    await first.start();
    await h.at(first, '2026-12-05T10:05:00.000Z');
    expect(await h.state(OCC)).to.equal('live');
    // The process dies: its timers are gone; what is stored stays.
    await first.stop();

    const second = h.build();
    await second.start();
    await second.settled();
    expect(await h.state(OCC)).to.equal('live');
    const encoders = h.encoders.for(OCC);
    expect(encoders).to.have.length(2);
    expect(encoders[1]!.log).to.deep.equal(['start:programme']);
    await h.at(second, END);

    expect(await h.log(OCC)).to.deep.equal(NORMAL_PATH);
    for (const d of [h.destinations.alpha!, h.destinations.beta!]) {
      expect(d.count('prepare')).to.equal(1);
      expect(d.count('goLive')).to.equal(1);
      expect(d.count('end')).to.equal(1);
    }
    expect(h.seen.reminders).to.have.length(1);
    expect(encoders.every((e) => e.stopped)).to.equal(true);
  });

  /**
   * Airs `occ`, stops onair mid-air and starts it again while its file is invalid (the
   * schedule has no version of it at all); returns the second engine, the broadcast live.
   */
  async function restartLiveWithInvalidFile(occ: Occurrence): Promise<BroadcastEngine> {
    h = harness([occ], '2026-12-05T09:00:00Z');
    const first = h.build();
    await first.start();
    await h.at(first, '2026-12-05T10:05:00.000Z');
    await first.stop();
    h.schedule.set([], { invalid: true });
    const second = h.build();
    await second.start();
    await second.settled();
    expect(await h.state(OCC)).to.equal('live');
    return second;
  }

  it('carries a live broadcast on from its stored copy when its schedule file cannot be read at restart', async () => {
    const second = await restartLiveWithInvalidFile(occurrence(OCC, START, 30, { source: { kind: 'file', path: '/media/story.mp4' } }));
    const resumed = h.encoders.created.at(-1)!;
    expect(resumed.spec.occurrence.source).to.deep.equal({ kind: 'file', path: '/media/story.mp4' });
    await h.at(second, END);
    expect(await h.state(OCC)).to.equal('complete');
    expect(await h.log(OCC)).to.deep.equal(NORMAL_PATH);
  });

  it('ends a broadcast carried on from its stored copy once its file reads well again without it', async () => {
    const second = await restartLiveWithInvalidFile(occurrence(OCC, START, 30));
    // Staff mend the file and, in the same save, take this programme out of it.
    h.schedule.set([]);
    await second.settled();
    const rec = await h.store.get(OCC);
    expect(rec!.state).to.equal('complete');
    expect(rec!.reason).to.match(/valid again, no longer has this date.*ended while live/);
    expect(h.destinations.alpha!.count('end')).to.equal(1);
    expect(h.encoders.created.at(-1)!.stopped).to.equal(true);
  });

  it('resumes a prepared broadcast after a restart before air without preparing again', async () => {
    h = harness([occurrence(OCC, START, 30)], '2026-12-05T09:00:00Z');
    const first = h.build();
    await first.start();
    await h.at(first, '2026-12-05T09:59:30.000Z');
    expect(await h.state(OCC)).to.equal('ready');
    await first.stop();
    expect(h.encoders.created[0]!.stopped).to.equal(true);

    const second = h.build();
    await second.start();
    await second.settled();
    // Within the ffmpeg lead: the slate is pushed again at once.
    expect(h.encoders.created[1]!.log).to.deep.equal(['start:slate']);
    await h.at(second, START);
    expect(await h.state(OCC)).to.equal('live');
    expect(h.destinations.alpha!.count('prepare')).to.equal(1);
    expect(h.destinations.alpha!.count('goLive')).to.equal(1);
  });

  it('starts at once when onair comes back within the late-start grace', async () => {
    h = harness([occurrence(OCC, START, 30)], '2026-12-05T09:00:00Z');
    const first = h.build();
    await first.start();
    await h.at(first, '2026-12-05T09:55:00.000Z');
    expect(await h.state(OCC)).to.equal('ready');
    await first.stop();

    await h.clock.set(new Date('2026-12-05T10:07:00.000Z'));
    const second = h.build();
    await second.start();
    await second.settled();
    const rec = await h.store.get(OCC);
    expect(rec!.state).to.equal('live');
    expect(rec!.liveAt).to.equal('2026-12-05T10:07:00.000Z');
    expect(h.encoders.created.at(-1)!.log).to.deep.equal(['start:programme']);
    expect(h.destinations.alpha!.count('goLive')).to.equal(1);
  });

  it('marks an occurrence missed, with a reason, when onair comes back after the grace', async () => {
    h = harness([occurrence(OCC, START, 30)], '2026-12-05T09:00:00Z');
    const first = h.build();
    await first.start();
    await h.at(first, '2026-12-05T09:55:00.000Z');
    await first.stop();

    await h.clock.set(new Date('2026-12-05T10:20:00.000Z'));
    const second = h.build();
    await second.start();
    await second.settled();
    const rec = await h.store.get(OCC);
    expect(rec!.state).to.equal('missed');
    expect(rec!.reason).to.match(/not running at its start/).and.match(/20m later/).and.match(/engine\.lateStartGrace/);
    expect(h.destinations.alpha!.count('goLive')).to.equal(0);
    // What was prepared for it is removed.
    expect(h.destinations.alpha!.count('teardown')).to.equal(1);
    expect(await h.log(OCC)).to.deep.equal(['∅→scheduled', 'scheduled→preparing', 'preparing→ready', 'ready→missed']);
  });

  it('marks a never-seen occurrence missed when it started long before onair did', async () => {
    h = harness([occurrence(OCC, START, 60)], '2026-12-05T10:40:00Z');
    const engine = h.build();
    await engine.start();
    await engine.settled();
    expect(await h.state(OCC)).to.equal('missed');
    expect(h.destinations.alpha!.count('prepare')).to.equal(0);
  });

  it('tears a prepared broadcast down when it is cancelled before air', async () => {
    const occ = occurrence(OCC, START, 30);
    h = harness([occ], '2026-12-05T09:00:00Z');
    const engine = h.build();
    await engine.start();
    await h.at(engine, '2026-12-05T09:59:10.000Z');
    const enc = h.encoders.created[0]!;
    expect(enc.log).to.deep.equal(['start:slate']);

    h.schedule.set([{ ...occ, cancelled: true }]);
    await engine.settled();
    const rec = await h.store.get(OCC);
    expect(rec!.state).to.equal('cancelled');
    expect(rec!.reason).to.equal('cancelled in the schedule');
    expect(enc.stopped).to.equal(true);
    expect(h.destinations.alpha!.count('teardown')).to.equal(1);
    await h.at(engine, END);
    expect(h.destinations.alpha!.count('goLive')).to.equal(0);
    expect(h.clock.pending).to.equal(0);
  });

  it('ends a live broadcast when it is cancelled (or removed) mid-air', async () => {
    const occ = occurrence(OCC, START, 30, { destinations: ['alpha', 'beta'] });
    h = harness([occ], '2026-12-05T09:00:00Z');
    const engine = h.build();
    await engine.start();
    await h.at(engine, '2026-12-05T10:10:00.000Z');
    expect(await h.state(OCC)).to.equal('live');

    h.schedule.set([]);
    await engine.settled();
    const rec = await h.store.get(OCC);
    expect(rec!.state).to.equal('complete');
    expect(rec!.endedAt).to.equal('2026-12-05T10:10:00.000Z');
    expect(rec!.reason).to.match(/removed from the schedule.*ended while live/);
    expect(h.destinations.alpha!.count('end')).to.equal(1);
    expect(h.destinations.beta!.count('end')).to.equal(1);
    expect(h.encoders.created[0]!.stopped).to.equal(true);
  });

  it('extends and shortens a live broadcast when its end time changes, and tells the destinations', async () => {
    const occ = occurrence(OCC, START, 30);
    h = harness([occ], '2026-12-05T09:00:00Z');
    const engine = h.build();
    await engine.start();
    await h.at(engine, '2026-12-05T10:10:00.000Z');

    const later = new Date('2026-12-05T10:45:00.000Z');
    h.schedule.set([{ ...occ, end: later, title: { tr: 'Yeni başlık', en: 'New title' } }]);
    await engine.settled();
    const updates = h.destinations.alpha!.calls.filter((c) => c.method === 'update');
    expect(updates).to.have.length(1);
    expect(updates[0]!.end).to.equal(later.toISOString());
    expect(updates[0]!.title).to.equal('New title');
    expect((await h.store.get(OCC))!.title.en).to.equal('New title');

    await h.at(engine, END);
    expect(await h.state(OCC)).to.equal('live');

    // Now shorter than the present: it ends at once.
    h.schedule.set([{ ...occ, end: new Date('2026-12-05T10:25:00.000Z') }]);
    await engine.settled();
    const rec = await h.store.get(OCC);
    expect(rec!.state).to.equal('complete');
    expect(rec!.endedAt).to.equal(END);
    expect(rec!.scheduledEnd).to.equal('2026-12-05T10:25:00.000Z');
  });

  it('takes changed destinations before preparation, and keeps the prepared ones after', async () => {
    const occ = occurrence(OCC, START, 30, { destinations: ['alpha'] });
    h = harness([occ], '2026-12-05T09:00:00Z');
    const engine = h.build();
    await engine.start();
    await engine.settled();
    h.schedule.set([{ ...occ, destinations: ['alpha', 'beta'] }]);
    await engine.settled();
    expect((await h.store.get(OCC))!.destinations.map((d) => d.name)).to.deep.equal(['alpha', 'beta']);
    await h.at(engine, '2026-12-05T09:55:00.000Z');
    h.schedule.set([{ ...occ, destinations: ['beta'] }]);
    await engine.settled();
    expect((await h.store.get(OCC))!.destinations.map((d) => d.name)).to.deep.equal(['alpha', 'beta']);
    await h.at(engine, START);
    expect(h.destinations.alpha!.count('goLive')).to.equal(1);
    expect(h.destinations.beta!.count('goLive')).to.equal(1);
  });

  it('moves a coming broadcast when its start time changes', async () => {
    const occ = occurrence(OCC, START, 30);
    h = harness([occ], '2026-12-05T09:00:00Z');
    const engine = h.build();
    await engine.start();
    await engine.settled();
    const moved = { ...occ, start: new Date('2026-12-05T11:00:00.000Z'), end: new Date('2026-12-05T11:30:00.000Z') };
    h.schedule.set([moved]);
    await engine.settled();
    await h.at(engine, '2026-12-05T10:30:00.000Z');
    expect(await h.state(OCC)).to.equal('scheduled');
    await h.at(engine, '2026-12-05T11:00:00.000Z');
    const rec = await h.store.get(OCC);
    expect(rec!.state).to.equal('live');
    expect(rec!.liveAt).to.equal('2026-12-05T11:00:00.000Z');
  });

  it('keeps a broadcast live when one destination fails and records that error', async () => {
    h = harness([occurrence(OCC, START, 30, { destinations: ['alpha', 'beta'] })], '2026-12-05T09:00:00Z');
    h.destinations.beta!.failures.goLive = new DestinationError('invalidTransition', 'the stream is not active yet', true);
    const engine = h.build();
    await engine.start();
    await h.at(engine, START);
    const rec = await h.store.get(OCC);
    expect(rec!.state).to.equal('live');
    expect(rec!.destinations.map((d) => [d.name, d.status])).to.deep.equal([
      ['alpha', 'live'],
      ['beta', 'failed'],
    ]);
    expect(rec!.destinations[1]!.error!.code).to.equal('invalidTransition');
    expect(rec!.lastError!.message).to.equal('beta: the stream is not active yet');

    await h.at(engine, END);
    expect(await h.state(OCC)).to.equal('complete');
    expect(h.destinations.alpha!.count('end')).to.equal(1);
    expect(h.destinations.beta!.count('end')).to.equal(0);
  });

  it('gives up on a destination that never sees the stream, aborting its call, while the other stays live', async () => {
    h = harness([occurrence(OCC, START, 30, { destinations: ['alpha', 'beta'] })], '2026-12-05T09:00:00Z');
    h.destinations.beta!.gates.awaitIngest = new Promise<void>(() => undefined);
    const engine = h.build();
    await engine.start();
    await h.step(START);
    expect(await h.state(OCC)).to.equal('live');
    // ffmpegLead (60 s) + the destination timeout (60 s) after the slate started at 09:59.
    await h.step('2026-12-05T10:01:00.000Z');
    const rec = await h.store.get(OCC);
    expect(rec!.destinations.map((d) => d.status)).to.deep.equal(['live', 'failed']);
    expect(rec!.destinations[1]!.error!.message).to.match(/awaitIngest took longer than 120 s/);
    expect(h.destinations.beta!.signals.find((s) => s.method === 'awaitIngest')!.signal.aborted).to.equal(true);
    await h.at(engine, END);
    expect(await h.state(OCC)).to.equal('complete');
  });

  it('makes a destination failed for want of delivery ready, then live, again once its receiver takes the stream; not one failed otherwise', async () => {
    h = harness([occurrence(OCC, START, 30, { destinations: ['alpha', 'beta', 'gamma'] })], '2026-12-05T09:00:00Z');
    h.destinations.gamma = fakeDestination('gamma');
    const { beta, gamma } = h.destinations;
    beta!.failures.awaitIngest = new DestinationError('rtmp-unreachable', 'Destination "beta": cannot reach 127.0.0.1:1935 (ECONNREFUSED).', true);
    gamma!.failures.awaitIngest = new DestinationError('quotaExceeded', 'daily quota used up', false);
    const engine = h.build();
    await engine.start();
    await h.at(engine, '2026-12-05T09:59:10.000Z'); // the slate is on, each ingest awaited
    const statuses = async (): Promise<string[]> => (await h.store.get(OCC))!.destinations.map((d) => d.status);
    expect(await statuses()).to.deep.equal(['ready', 'failed', 'failed']);
    const enc = h.encoders.for(OCC)[0]!;
    delete beta!.failures.awaitIngest;
    enc.emitDelivering('beta');
    enc.emitDelivering('gamma');
    enc.emitDelivering('alpha');
    await engine.settled();
    expect(await statuses(), 'before air').to.deep.equal(['ready', 'ready', 'failed']);
    await h.at(engine, START);
    expect(await statuses(), 'on air').to.deep.equal(['live', 'live', 'failed']);
    expect(beta!.count('awaitIngest'), 'beta awaited again at air').to.equal(2);
    expect(beta!.count('goLive')).to.equal(1);

    enc.emitOutputFailed('beta', { code: 'output-stalled', message: 'Destination "beta" is not receiving', retryable: true, at: '2026-12-05T10:05:00.000Z' });
    await engine.settled();
    expect(await statuses(), 'stalled').to.deep.equal(['live', 'failed', 'failed']);
    await h.at(engine, '2026-12-05T10:06:00.000Z');
    enc.emitDelivering('beta');
    await engine.settled();
    const rec = (await h.store.get(OCC))!;
    expect(rec.destinations.map((d) => d.status), 'back').to.deep.equal(['live', 'live', 'failed']);
    const b = rec.destinations[1]!;
    expect(b.error).to.equal(undefined);
    expect(b.history!.map((e) => [e.event, e.code])).to.deep.equal([
      ['failed', 'rtmp-unreachable'],
      ['recovered', 'delivering'],
      ['failed', 'output-stalled'],
      ['recovered', 'delivering'],
    ]);
    expect(b.history![3]).to.deep.include({ at: '2026-12-05T10:06:00.000Z' });
    expect(b.history![3]!.message).to.equal('Destination "beta" is receiving again: its server takes the stream (it had failed at 2026-12-05T10:05:00.000Z: output-stalled).');
    expect(rec.destinations[0]!.history, 'nothing befell alpha').to.equal(undefined);
    expect(rec.destinations[2]!.error!.code).to.equal('quotaExceeded');
    await h.at(engine, END);
    expect(await h.state(OCC)).to.equal('complete');
    expect(beta!.count('end')).to.equal(1);
  });

  it('calls off a destination still waiting for its ingest when the broadcast ends', async () => {
    h = harness([occurrence(OCC, START, 1, { destinations: ['alpha', 'beta'] })], '2026-12-05T09:00:00Z');
    h.destinations.beta!.gates.awaitIngest = new Promise<void>(() => undefined);
    const engine = h.build();
    await engine.start();
    await h.step(START);
    const waiting = h.destinations.beta!.signals.find((s) => s.method === 'awaitIngest')!.signal;
    expect(waiting.aborted).to.equal(false);
    await h.step('2026-12-05T10:01:00.000Z');
    expect(waiting.aborted).to.equal(true);
    expect(await h.state(OCC)).to.equal('complete');
  });

  it('fails the broadcast, with every destination error as the reason, when no destination goes live', async () => {
    h = harness([occurrence(OCC, START, 30, { destinations: ['alpha', 'beta'] })], '2026-12-05T09:00:00Z');
    h.destinations.alpha!.failures.goLive = new DestinationError('forbidden', 'the channel may not stream', false);
    h.destinations.beta!.failures.goLive = new DestinationError('unreachable', 'connection refused', true);
    const engine = h.build();
    await engine.start();
    await h.at(engine, START);
    const rec = await h.store.get(OCC);
    expect(rec!.state).to.equal('failed');
    expect(rec!.reason).to.equal('no destination went live: alpha: the channel may not stream; beta: connection refused');
    expect(h.encoders.created[0]!.stopped).to.equal(true);
  });

  it('fails before air, naming the destination, when none can be prepared', async () => {
    h = harness([occurrence(OCC, START, 30, { destinations: ['alpha', 'nowhere'] })], '2026-12-05T09:00:00Z');
    h.destinations.alpha!.failures.prepare = new DestinationError('quotaExceeded', 'daily quota used up', false);
    const engine = h.build();
    await engine.start();
    await h.at(engine, '2026-12-05T09:50:00.000Z');
    const rec = await h.store.get(OCC);
    expect(rec!.state).to.equal('failed');
    expect(rec!.reason).to.match(/alpha: daily quota used up/).and.match(/no destination named "nowhere"/);
  });

  it('retries a retryable prepare failure at the encoder lead', async () => {
    h = harness([occurrence(OCC, START, 30)], '2026-12-05T09:00:00Z');
    h.destinations.alpha!.failures.prepare = new DestinationError('backendError', 'try again later', true);
    const engine = h.build();
    await engine.start();
    await h.at(engine, '2026-12-05T09:50:00.000Z');
    expect(await h.state(OCC)).to.equal('ready');
    delete h.destinations.alpha!.failures.prepare;
    await h.at(engine, START);
    expect(await h.state(OCC)).to.equal('live');
    expect(h.destinations.alpha!.count('prepare')).to.equal(2);
  });

  it('fires each step exactly once when the clock jumps past several of them', async () => {
    h = harness([occurrence(OCC, START, 30, { remindersMs: [600_000] })], '2026-12-05T09:00:00Z');
    const engine = h.build();
    await engine.start();
    await engine.settled();
    await h.at(engine, '2026-12-05T10:01:00.000Z');
    const rec = await h.store.get(OCC);
    expect(rec!.state).to.equal('live');
    expect(h.destinations.alpha!.count('prepare')).to.equal(1);
    expect(h.destinations.alpha!.count('goLive')).to.equal(1);
    expect(h.encoders.created).to.have.length(1);
    expect(await h.log(OCC)).to.deep.equal(NORMAL_PATH.slice(0, 4));

    // A jump past the end (say, the host was suspended): ends once, not twice.
    await h.at(engine, '2026-12-05T12:00:00.000Z');
    await engine.plan();
    await engine.settled();
    expect(await h.log(OCC)).to.deep.equal(NORMAL_PATH);
    expect(h.destinations.alpha!.count('end')).to.equal(1);
  });

  it('records encoder problems and fails the broadcast on a fatal encoder error', async () => {
    h = harness([occurrence(OCC, START, 30)], '2026-12-05T09:00:00Z');
    const engine = h.build();
    await engine.start();
    await h.at(engine, '2026-12-05T10:01:00.000Z');
    const enc = h.encoders.created[0]!;
    enc.emitProblem({ code: 'source-failed', message: 'the camera stopped sending; showing the slate', retryable: true, at: '2026-12-05T10:01:00.000Z' });
    await engine.settled();
    expect((await h.store.get(OCC))!.lastError!.code).to.equal('source-failed');

    enc.emitFatal({ code: 'ffmpeg-restarts', message: 'ffmpeg failed 5 times in a row: disk full', retryable: false, at: '2026-12-05T10:01:00.000Z' });
    await engine.settled();
    const rec = await h.store.get(OCC);
    expect(rec!.state).to.equal('failed');
    expect(rec!.reason).to.equal('ffmpeg failed 5 times in a row: disk full');
    expect(enc.stopped).to.equal(true);
    expect(h.destinations.alpha!.count('end')).to.equal(1);
  });

  it('starts a failed broadcast again when staff ask before its end, with fresh destinations; not once its time has passed', async () => {
    h = harness([occurrence(OCC, START, 30)], '2026-12-05T09:00:00Z');
    const engine = h.build();
    await engine.start();
    await h.at(engine, '2026-12-05T10:01:00.000Z');
    h.encoders.created[0]!.emitFatal({ code: 'disk-full', message: 'the disk is full', retryable: false, at: '2026-12-05T10:01:00.000Z' });
    await engine.settled();
    expect(await h.state(OCC)).to.equal('failed');

    await h.at(engine, '2026-12-05T10:05:00.000Z');
    const again = await engine.startNow(OCC);
    await engine.settled();
    expect(again.state).to.equal('live');
    expect(again.liveAt).to.equal('2026-12-05T10:05:00.000Z');
    expect(again.reason).to.equal(undefined);
    expect(again.lastError).to.equal(undefined);
    expect(again.scheduledEnd).to.equal(END);
    expect((await h.store.get(OCC))!.destinations.map((d) => d.status)).to.deep.equal(['live']);
    expect(h.destinations.alpha!.count('prepare')).to.equal(2);
    expect(h.encoders.created).to.have.length(2);
    const log = await h.store.transitions(OCC);
    const resumed = log.find((t) => t.from === 'failed')!;
    expect(resumed.to).to.equal('scheduled');
    expect(resumed.reason).to.match(/started again by staff after it failed \(the disk is full\)/);

    // It fails again; after its end it cannot be started any more.
    h.encoders.created[1]!.emitFatal({ code: 'disk-full', message: 'the disk is full', retryable: false, at: '2026-12-05T10:06:00.000Z' });
    await engine.settled();
    await h.at(engine, END);
    const late = await engine.startNow(OCC).catch((e: unknown) => e);
    expect(late).to.have.property('name', 'ConflictError');
    expect((late as Error).message).to.match(/its time has passed/);
    expect(await h.state(OCC)).to.equal('failed');
  });

  it('does what staff ask: start now, extend, slate and back, end now', async () => {
    h = harness([occurrence(OCC, START, 30)], '2026-12-05T09:00:00Z');
    const engine = h.build();
    await engine.start();
    await h.at(engine, '2026-12-05T09:30:00.000Z');

    const started = await engine.startNow(OCC);
    await engine.settled();
    expect(started.state).to.equal('live');
    expect(started.liveAt).to.equal('2026-12-05T09:30:00.000Z');
    expect((await h.store.get(OCC))!.destinations[0]!.status).to.equal('live');

    const extended = await engine.extend(OCC, 10 * 60_000);
    expect(extended.scheduledEnd).to.equal('2026-12-05T10:40:00.000Z');
    // The plan still knows what the schedule said, so re-planning does not undo the extension.
    await engine.plan();
    await engine.settled();
    expect((await h.store.get(OCC))!.scheduledEnd).to.equal('2026-12-05T10:40:00.000Z');

    await engine.show(OCC, 'slate');
    await engine.show(OCC, 'programme');
    expect(h.encoders.created[0]!.log).to.deep.equal(['start:programme', 'show:slate', 'show:programme']);

    const err = await engine.startNow(OCC).catch((e: unknown) => e);
    expect(err).to.have.property('name', 'ConflictError');

    await h.at(engine, '2026-12-05T10:00:00.000Z');
    const ended = await engine.endNow(OCC);
    expect(ended.state).to.equal('complete');
    expect(ended.reason).to.match(/ended early by staff/);
    expect(ended.endedAt).to.equal('2026-12-05T10:00:00.000Z');

    const again = await engine.endNow(OCC).catch((e: unknown) => e);
    expect(again).to.have.property('name', 'ConflictError');
    const missing = await engine.get('nope@2026-01-01T00:00').catch((e: unknown) => e);
    expect(missing).to.have.property('name', 'NotFoundError');
  });

  it('prunes final records older than the retention in housekeeping, and keeps newer ones', async () => {
    h = harness([occurrence(OCC, START, 30)], '2026-12-05T09:00:00Z');
    const engine = h.build();
    await engine.start();
    await h.at(engine, END);
    expect(await engine.housekeeping()).to.equal(0);
    await h.at(engine, '2028-01-15T00:00:00.000Z');
    expect(await engine.housekeeping()).to.equal(1);
    expect(await h.store.get(OCC)).to.equal(undefined);
  });

  it('records a cancelled occurrence it never prepared, and plans only within planAhead', async () => {
    const near = occurrence('near@2026-12-05T10:00', START, 30, { cancelled: true });
    const far = occurrence('far@2026-12-08T10:00', '2026-12-08T10:00:00.000Z', 30);
    h = harness([near, far], '2026-12-05T09:00:00Z');
    const engine = h.build();
    await engine.start();
    await engine.settled();
    expect(await h.state(near.id)).to.equal('cancelled');
    expect(await h.state(far.id)).to.equal(undefined);
    await h.at(engine, '2026-12-06T11:00:00.000Z');
    await engine.plan();
    await engine.settled();
    expect(await h.state(far.id)).to.equal('scheduled');
  });
});
