// Journey: files in schedules/ that once stopped every broadcast — a FIFO, a link to
// /dev/zero, a link to a file outside the folder, a file too big, thousands of YAML
// documents, thousands of programmes at one time (present at start and saved later). The
// real composed server starts, /healthz keeps answering throughout, each file is refused on
// /api/status with a message saying why (bounded, no absolute path, nothing from outside
// echoed), and a good programme saved afterwards still goes in force.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startJourney, type Journey } from '../support/journey.js';
import { waitFor } from '../support/ffmpeg-tools.js';

interface StatusFile {
  file: string;
  programmes: string[];
  ok: boolean;
  diagnostics: Array<{ severity: string; message: string; text: string }>;
  moreDiagnostics: number;
}
interface Status {
  programmes: Array<{ id: string }>;
  files: StatusFile[];
  errors: string[];
}

function story(id: string, day: number): string {
  return [`id: ${id}`, `title: Story ${day}`, 'duration: 20m', `recurrence: { once: "2026-12-${day}T11:00" }`, 'source: { testPattern: {} }', 'destinations: [local]', ''].join('\n');
}

/** `n` programmes in flow style, all at the same time on one destination. */
function sameTime(prefix: string, n: number): string {
  return Array.from({ length: n }, (_, i) => `- {id: ${prefix}-${i}, title: T, duration: 5m, recurrence: {once: "2026-12-30T12:00"}, source: {testPattern: {}}, destinations: [local]}\n`).join('');
}

describe('journey: no file in schedules/ takes the programme off the air', function () {
  this.timeout(180_000);
  let j: Journey;
  let outside: string;
  /** /healthz polled the whole time: every answer must be a 200. */
  let health: { answered: number; failed: string[]; stop: () => Promise<void> };

  const status = async (): Promise<{ body: Status; bytes: number }> => {
    const text = await (await fetch(`${j.url}/api/status`)).text();
    return { body: JSON.parse(text) as Status, bytes: Buffer.byteLength(text) };
  };
  const fileOf = (s: Status, name: string): StatusFile | undefined => s.files.find((f) => path.basename(f.file) === name);
  const refused = (name: string, pattern: RegExp): Promise<StatusFile> =>
    waitFor(`${name} to be refused`, async () => {
      const f = fileOf((await status()).body, name);
      return f && !f.ok && f.diagnostics.some((d) => pattern.test(d.message)) ? f : undefined;
    }, 90_000);

  function pollHealth(): typeof health {
    let running = true;
    const state = { answered: 0, failed: [] as string[] };
    const loop = (async () => {
      while (running) {
        try {
          const res = await fetch(`${j.url}/healthz`, { signal: AbortSignal.timeout(30_000) });
          if (res.status === 200) state.answered++;
          else state.failed.push(`status ${res.status}`);
        } catch (err) {
          state.failed.push((err as Error).message);
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    return {
      get answered() {
        return state.answered;
      },
      failed: state.failed,
      stop: async () => {
        running = false;
        await loop;
      },
    };
  }

  before(async () => {
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.yaml'), 'id: SECRET-VALUE-FROM-OUTSIDE\ntitle: x\n');
    // Six thousand programmes at one time present at start (the server once never started).
    const schedules: Record<string, string> = { 'story.yaml': story('story', 20) };
    for (let f = 0; f < 6; f++) schedules[`crowd-${f}.yaml`] = sameTime(`crowd${f}`, 1000);
    j = await startJourney({ schedules, start: '2026-12-02T09:00:00Z' });
    health = pollHealth();
  });

  after(async () => {
    await health?.stop();
    await j?.stop();
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('starts with six thousand programmes at one time present, refusing them with a counted, bounded report', async () => {
    const { body, bytes } = await status();
    expect(body.programmes.map((p) => p.id)).to.deep.equal(['story']);
    const crowd = fileOf(body, 'crowd-0.yaml')!;
    expect(crowd.ok).to.equal(false);
    // Counted overlaps — or, on a machine too loaded to finish within the time budget, the
    // budget's refusal: either way a refusal that says what to do, and the server is up.
    expect(crowd.diagnostics.map((d) => d.message).join('\n')).to.match(
      /more overlapping pairs of broadcasts on destination local are not listed|took longer than \d+ s, so it was abandoned; split it/,
    );
    expect(crowd.diagnostics.length).to.be.at.most(50);
    expect(bytes).to.be.below(1_000_000);
  });

  it('refuses a FIFO, a link to /dev/zero and a link outside the folder, without echoing what is outside', async () => {
    execFileSync('mkfifo', [path.join(j.dirs.schedules, 'pipe.yaml')]);
    fs.symlinkSync('/dev/zero', path.join(j.dirs.schedules, 'zero.yaml'));
    fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(j.dirs.schedules, 'secret.yaml'));
    await refused('pipe.yaml', /named pipe \(FIFO\), not a schedule file/);
    await refused('zero.yaml', /link to a file outside the schedules folder/);
    await refused('secret.yaml', /link to a file outside the schedules folder/);
    const text = await (await fetch(`${j.url}/api/status`)).text();
    expect(text).not.to.include('SECRET-VALUE');
    expect(text).not.to.include(j.dirs.root);
    expect(text).not.to.include(outside);
  });

  it('refuses a file too big (60,000 programmes at one time) and one of 10,000 YAML documents', async () => {
    fs.writeFileSync(path.join(j.dirs.schedules, 'huge.yaml'), sameTime('huge', 60_000));
    fs.writeFileSync(path.join(j.dirs.schedules, 'docs.yaml'), Array.from({ length: 10_000 }, (_, i) => `---\nid: d${i}\n`).join(''));
    await refused('huge.yaml', /larger than the 512 KB a schedule file may be; split it/);
    await refused('docs.yaml', /more than 1,000 YAML documents/);
  });

  it('still puts a good save in force afterwards, and /healthz answered all along', async () => {
    j.writeSchedule('book.yaml', story('book', 21));
    await waitFor('book.yaml in force', async () => fileOf((await status()).body, 'book.yaml')?.ok || undefined, 60_000);
    expect((await status()).body.programmes.map((p) => p.id)).to.deep.equal(['book', 'story']);
    expect(health.failed).to.deep.equal([]);
    expect(health.answered).to.be.above(0);
  });
});
