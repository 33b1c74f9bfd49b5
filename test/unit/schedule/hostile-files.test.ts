// What `onair validate` (loadSchedules) does with files that are not schedules or ask too
// much: refused with a message naming the limit and the fix, never a hang or a crash.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listScheduleFiles, loadSchedules } from '../../../src/schedule/index.js';
import { tempMedia } from './helpers.js';

describe('schedule files that are not schedules, or ask too much', function () {
  this.timeout(60_000);
  const media = tempMedia();
  const now = new Date('2026-12-01T00:00:00Z');
  let dir: string;
  let outside: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-hostile-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-outside-'));
  });
  after(() => {
    media.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  const messages = (file: string): string[] => {
    const r = loadSchedules([file], media.ctx, { now, root: dir });
    return r.diagnostics.map((d) => d.message);
  };

  it('refuses a FIFO and a link to /dev/zero at once, saying what they are', () => {
    execFileSync('mkfifo', [path.join(dir, 'pipe.yaml')]);
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
    expect(messages(path.join(dir, 'pipe.yaml'))).to.deep.equal([
      'this is a named pipe (FIFO), not a schedule file; only regular files are read — remove it from the schedules folder',
    ]);
    expect(messages(path.join(dir, 'zero.yaml'))[0]).to.match(/link to a file outside the schedules folder; it is not read/);
    // Without a root to stay in, the link is followed and the device still refused.
    expect(loadSchedules([path.join(dir, 'zero.yaml')], media.ctx, { now }).diagnostics[0]!.message).to.match(/^this is a device, not a schedule file/);
  });

  it('does not read a link leaving the folder, so nothing of the target is echoed', () => {
    fs.writeFileSync(path.join(outside, 'secret.yaml'), 'id: SECRET-VALUE\n');
    fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(dir, 'secret.yaml'));
    expect(messages(path.join(dir, 'secret.yaml')).join('\n')).not.to.include('SECRET');
  });

  it('refuses a file past the size limit and one of too many documents, before parsing them', () => {
    fs.writeFileSync(path.join(dir, 'big.yaml'), `# ${'x'.repeat(600 * 1024)}\n`);
    expect(messages(path.join(dir, 'big.yaml'))[0]).to.match(/^the file is 601 KB, larger than the 512 KB a schedule file may be; split it into several files$/);
    fs.writeFileSync(path.join(dir, 'docs.yaml'), Array.from({ length: 1500 }, (_, i) => `---\nid: d${i}\n`).join(''));
    expect(messages(path.join(dir, 'docs.yaml'))).to.deep.equal([
      'this file holds more than 1,000 YAML documents (sections after ---); split it into several files',
    ]);
  });

  it('reports a nesting too deep for the parser in words, not a stack overflow', () => {
    fs.writeFileSync(path.join(dir, 'deep.yaml'), `id: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
    const all = messages(path.join(dir, 'deep.yaml')).join('\n');
    expect(all).not.to.match(/call stack|could not check this file/);
  });

  it('reports an alias bomb ("billion laughs") as what it is and what to do, in both languages, not as an empty file', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e']] as const) levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    fs.writeFileSync(path.join(dir, 'laughs.yaml'), `${levels.join('\n')}\n`);
    const r = loadSchedules([path.join(dir, 'laughs.yaml')], media.ctx, { now, root: dir });
    expect(r.diagnostics.map((d) => `${d.line}:${d.col}: ${d.severity}: ${d.message}`)).to.deep.equal([
      "1:1: error: cannot read this document: this document expands its aliases (*name) more than 100 times, which could exhaust the server's memory; write the values out, or refer to each anchor (&name) fewer times",
    ]);
    expect(r.diagnostics[0]!.tr).to.include('takma adlarını (*ad) 100 kereden fazla');
  });

  it('checks 1,000 overlapping programmes in one file: the first pairs listed, the rest counted', () => {
    const text = Array.from(
      { length: 1000 },
      (_, i) => `- {id: p${i}, title: P, duration: 45m, recurrence: {weekly: {days: [mon], at: "10:00"}}, source: {testPattern: {}}, destinations: [local]}\n`,
    ).join('');
    fs.writeFileSync(path.join(dir, 'crowd.yaml'), text);
    const r = loadSchedules(listScheduleFiles([path.join(dir, 'crowd.yaml')]), media.ctx, { now });
    expect(r.programmes).to.deep.equal([]);
    expect(r.diagnostics.length).to.be.at.most(21);
    // 1,000 programmes pairwise on each Monday of the year: 499,500 pairs a week, 20 described.
    const summary = r.diagnostics.find((d) => /not listed/.test(d.message))!.message;
    expect(summary).to.match(/^[\d,]+ more overlapping pairs of broadcasts on destination local are not listed; fix the overlaps above and check again$/);
    const counted = Number(summary.split(' ')[0]!.replace(/,/g, ''));
    const listed = r.diagnostics.filter((d) => /overlaps "/.test(d.message)).length;
    expect(listed).to.equal(20);
    expect(counted).to.be.above(499_500 * 50);
  });
});
