// When a cued switch pre-rolls and switches (preroll.ts), on a hand-driven clock, and how the
// output's timing slave and the latency figures are read (pipeline-latency.ts).
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OutputClock, PipelineLatency, SwitchCost } from '../../../src/media/pipeline-latency.js';
import { CuedSwitch, PREROLL_MS, REHEARSAL_MS, type CueHost } from '../../../src/media/preroll.js';
import { SwitchCostFile } from '../../../src/media/switch-cost-file.js';
import { ManualClock } from '../../support/manual-clock.js';

const T0 = Date.parse('2026-12-05T10:59:00Z');

function harness(leadMs: number, rehearsal = false) {
  const clock = new ManualClock(new Date(T0));
  const calls: Array<{ what: string; at: number; switchAt?: number }> = [];
  let wanted = false;
  let ready = true;
  let lead = leadMs;
  let rehearsalWanted = rehearsal;
  const host: CueHost = {
    clock,
    leadMs: () => lead,
    preroll: (switchAt) => calls.push({ what: 'preroll', at: clock.now().getTime(), switchAt }),
    switchNow: () => {
      wanted = true;
      calls.push({ what: 'switch', at: clock.now().getTime() });
    },
    switchBack: () => {
      wanted = false;
      calls.push({ what: 'back', at: clock.now().getTime() });
    },
    programmeWanted: () => wanted,
    ready: () => ready,
    rehearsalWanted: () => rehearsalWanted,
    rehearse: () => {
      rehearsalWanted = false;
      calls.push({ what: 'rehearse', at: clock.now().getTime() });
    },
  };
  return {
    clock,
    calls,
    cue: new CuedSwitch(host),
    setLead: (ms: number) => (lead = ms),
    setReady: (r: boolean) => (ready = r),
    setRehearsalWanted: (w: boolean) => (rehearsalWanted = w),
  };
}

describe('media: a cued switch (pre-roll and compensation)', () => {
  it('pre-rolls PREROLL_MS before the switch, and switches the lead before the cue', async () => {
    const h = harness(800);
    const at = T0 + 30_000;
    h.cue.set(at);
    await h.clock.set(new Date(at));
    expect(h.calls).to.deep.equal([
      { what: 'preroll', at: at - 800 - PREROLL_MS, switchAt: at - 800 },
      { what: 'switch', at: at - 800 },
    ]);
  });

  it('follows a lead that is measured only after the pre-roll', async () => {
    const h = harness(0);
    const at = T0 + 30_000;
    h.cue.set(at);
    await h.clock.set(new Date(at - PREROLL_MS));
    h.setLead(750);
    await h.clock.set(new Date(at));
    const sw = h.calls.find((c) => c.what === 'switch')!;
    expect(sw.at).to.be.at.most(at - 750).and.at.least(at - 750 - 200);
  });

  it('puts the slate back when the cue moves later after the switch, and cues again', async () => {
    const h = harness(500);
    const at = T0 + 30_000;
    h.cue.set(at);
    await h.clock.set(new Date(at - 400));
    h.cue.set(at + 20_000);
    await h.clock.set(new Date(at + 20_000));
    expect(h.calls.map((c) => c.what)).to.deep.equal(['preroll', 'switch', 'back', 'preroll', 'switch']);
    expect(h.calls.at(-1)!.at).to.equal(at + 20_000 - 500);
  });

  it('switches at once for a cue already due; a cue moved well ahead after it puts the slate back and cues again', async () => {
    const h = harness(500);
    await h.clock.advance(1000);
    h.cue.set(T0);
    expect(h.calls.map((c) => c.what)).to.deep.equal(['switch']);
    h.cue.set(T0 + 60_000);
    await h.clock.set(new Date(T0 + 61_000));
    expect(h.calls.map((c) => c.what)).to.deep.equal(['switch', 'back', 'preroll', 'switch']);
  });

  it('rehearses an unmeasured switch REHEARSAL_MS before the pre-roll, once, then follows the lead it measured', async () => {
    const h = harness(300, true);
    const at = T0 + 30_000;
    h.cue.set(at);
    await h.clock.set(new Date(at - 300 - PREROLL_MS - REHEARSAL_MS + 100));
    expect(h.calls).to.deep.equal([{ what: 'rehearse', at: at - 300 - PREROLL_MS - REHEARSAL_MS }]);
    h.setLead(500); // the rehearsal measured the whole cost
    await h.clock.set(new Date(at));
    expect(h.calls.map((c) => c.what)).to.deep.equal(['rehearse', 'preroll', 'switch']);
    expect(h.calls.at(-1)!.at).to.be.at.most(at - 500).and.at.least(at - 500 - 200);
  });

  it('rehearses once the latency it needs is measured, but not so late that the measure would miss the pre-roll, nor when already measured', async () => {
    const late = harness(0, false);
    const at = T0 + 30_000;
    late.cue.set(at);
    const rehearseAt = at - PREROLL_MS - REHEARSAL_MS;
    await late.clock.set(new Date(rehearseAt + 400));
    expect(late.calls).to.deep.equal([]);
    late.setRehearsalWanted(true);
    await late.clock.set(new Date(rehearseAt + 700));
    expect(late.calls.map((c) => c.what)).to.deep.equal(['rehearse']);
    expect(late.calls[0]!.at).to.be.within(rehearseAt + 400, rehearseAt + 700);

    const tooLate = harness(0, false);
    tooLate.cue.set(at);
    await tooLate.clock.set(new Date(rehearseAt + 2000));
    tooLate.setRehearsalWanted(true);
    await tooLate.clock.set(new Date(at));
    expect(tooLate.calls.map((c) => c.what)).to.deep.equal(['preroll', 'switch']);

    const measured = harness(0, false);
    measured.cue.set(at);
    await measured.clock.set(new Date(at));
    expect(measured.calls.map((c) => c.what)).to.deep.equal(['preroll', 'switch']);
  });

  it('waits, doing nothing, until the encoder is ready (its source probed), then acts on the cue', async () => {
    const h = harness(500);
    h.setReady(false);
    h.cue.set(T0 + 2000);
    await h.clock.set(new Date(T0 + 1000));
    expect(h.calls).to.deep.equal([]);
    h.setReady(true);
    h.cue.plan();
    expect(h.calls.map((c) => c.what)).to.deep.equal(['preroll']);
    await h.clock.set(new Date(T0 + 2000));
    expect(h.calls.map((c) => c.what)).to.deep.equal(['preroll', 'switch']);
  });
});

describe('media: the output latency and switch cost', () => {
  it("reads the timing slave's framecrc lines: time base, then each packet's dts", () => {
    const c = new OutputClock();
    expect(c.push('0,  5,  7,  1,  100, 0xabc')).to.equal(undefined);
    expect(c.push('#tb 0: 1/30')).to.equal('header');
    expect(c.push('#media_type 0: video')).to.equal('header');
    expect(c.push('0,         -2,          0,        1,    40359, 0x35035427, S=1,        8')).to.be.closeTo(-2 / 30, 1e-9);
    expect(c.push('0,         90,         93,        1,    19565, 0x9ac2fd4b, F=0x0, S=1,        8')).to.be.closeTo(3, 1e-9);
    expect(c.push('[flv @ 0x55] Failed to update header with correct duration.')).to.equal(undefined);
  });

  it('takes the median of recent samples once there are enough, and ignores impossible ones', () => {
    const l = new PipelineLatency();
    for (const lag of [0.8, 0.78, 0.82, 0.8, 0.79]) l.sample(10 + lag, 10);
    expect(l.ms).to.equal(undefined);
    l.sample(10.81, 10);
    l.sample(10, 20); // an output restart: not a latency
    expect(l.ms).to.be.closeTo(800, 10);
    const cost = new SwitchCost();
    expect(cost.ms).to.equal(0);
    for (const ms of [60, 90, 70, 4000_000]) cost.record(ms);
    expect(cost.ms).to.equal(70);
    // The whole cost seen at the encoder (with the repeated frames filling the gap) is its own figure.
    expect(cost.airMs).to.equal(undefined);
    // A rehearsal's (slate to slate) counts until a programme's is measured, then no more.
    cost.recordRehearsal(50);
    expect(cost.airMs).to.equal(50);
    for (const ms of [180, 240, 200, 9_000]) cost.recordAir(ms);
    expect(cost.airMs).to.equal(200);
    expect(cost.ms).to.equal(70);
  });

  it('keeps the programmes\' whole cost across a restart: the next run counts it before its own, over a rehearsal\'s', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-switch-cost-'));
    try {
      const file = new SwitchCostFile(path.join(dir, 'run', 'switch-cost.json'));
      expect(file.load(), 'no file, no figure').to.equal(undefined);
      const saved: Promise<void>[] = [];
      const first = new SwitchCost({ saved: file.load(), save: (ms) => saved.push(file.save(ms)) });
      for (const ms of [190, 210, 200]) first.recordAir(ms);
      await Promise.all(saved);
      expect(file.load(), 'the last median told is the one kept').to.equal(200);

      const next = new SwitchCost({ saved: new SwitchCostFile(file.file).load() });
      next.recordRehearsal(50);
      expect(next.airMs, 'the last run\'s programmes, not the rehearsal').to.equal(200);
      next.recordAir(150);
      expect(next.airMs, 'then this run\'s own').to.equal(150);

      writeFileSync(file.file, '{"airMs": "soon"');
      expect(file.load(), 'a damaged file is no figure').to.equal(undefined);
      writeFileSync(file.file, '{"airMs": 99999}');
      expect(file.load(), 'nor an implausible one').to.equal(undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
