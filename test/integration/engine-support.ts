// Helpers of the engine's black-box tests: schedule files timed to the second (six-field
// cron in UTC), and reading broadcasts from a running onair's API.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import type { OnairProcess } from '../support/onair-process.js';
import type { BroadcastView } from '../../src/http/routes/broadcasts.js';
import type { TransitionEntry } from '../../src/scheduler/broadcast-store.js';

export interface ProgrammeSpec {
  id: string;
  start: Date;
  seconds: number;
  destinations: string[];
  /** YAML of `source:` (flow style). @defaultValue "{ testPattern: {} }" */
  source?: string;
  cancelled?: boolean;
}

/** The occurrence id onair gives it: programme id @ nominal local (UTC) start, with its seconds when not :00. */
export function occurrenceId(p: ProgrammeSpec): string {
  const sec = p.start.getUTCSeconds();
  return `${p.id}@${p.start.toISOString().slice(0, 16)}${sec ? `:${String(sec).padStart(2, '0')}` : ''}`;
}

function programmeYaml(p: ProgrammeSpec): string {
  const d = p.start;
  const cron = `${d.getUTCSeconds()} ${d.getUTCMinutes()} ${d.getUTCHours()} ${d.getUTCDate()} ${d.getUTCMonth() + 1} *`;
  const lines = [
    `- id: ${p.id}`,
    `  title: { tr: "Deneme ${p.id}", en: "Test ${p.id}" }`,
    '  category: other',
    '  timezone: UTC',
    `  duration: ${p.seconds}s`,
    '  recurrence:',
    `    cron: "${cron}"`,
    `  source: ${p.source ?? '{ testPattern: {} }'}`,
    `  destinations: [${p.destinations.join(', ')}]`,
  ];
  if (p.cancelled) lines.push('  overrides:', `    "${d.toISOString().slice(0, 10)}": { cancelled: true }`);
  return lines.join('\n') + '\n';
}

/** Writes the schedule file atomically (a rename), as an editor's save would end up. */
export function writeSchedule(dir: string, file: string, programmes: ProgrammeSpec[]): void {
  const target = path.join(dir, file);
  const tmp = path.join(dir, `.${file}.tmp`);
  fs.writeFileSync(tmp, programmes.map(programmeYaml).join('\n'));
  fs.renameSync(tmp, target);
}

/** A start time `ms` from now, on a whole second. */
export function secondsFromNow(ms: number): Date {
  return new Date(Math.ceil((Date.now() + ms) / 1000) * 1000);
}

export async function getBroadcast(onair: OnairProcess, id: string): Promise<BroadcastView | undefined> {
  const res = await fetch(`${onair.baseUrl}/api/broadcasts/${encodeURIComponent(id)}`);
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`GET broadcast ${id}: ${res.status} ${await res.text()}`);
  return (await res.json()) as BroadcastView;
}

export async function getTransitions(onair: OnairProcess, id: string): Promise<TransitionEntry[]> {
  const res = await fetch(`${onair.baseUrl}/api/broadcasts/${encodeURIComponent(id)}/transitions`);
  if (!res.ok) throw new Error(`GET transitions ${id}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { transitions: TransitionEntry[] }).transitions;
}

/** The one wait helper (test/support/wait.ts), under the name the engine journeys use. */
export { waitFor as until } from '../support/wait.js';
import { waitFor as until } from '../support/wait.js';

/** Waits for a broadcast to reach `state`, returning its record. */
export function untilState(onair: OnairProcess, id: string, state: string, timeoutMs: number): Promise<BroadcastView> {
  return until(`${id} to be ${state}`, async () => {
    const b = await getBroadcast(onair, id);
    return b?.state === state ? b : undefined;
  }, timeoutMs);
}

/**
 * "Live on its second", said in the broadcast's own record instead of a wall-clock tolerance
 * (how close to the second is a figure for `npm run bench:start -- --real`): it was ready —
 * destinations prepared, encoder pushing the slate — before its second, and its next
 * transition was to live, at or after that second, never before. Returns the live transition.
 */
export function expectLiveOnItsSecond(b: { liveAt?: string; scheduledStart: string }, transitions: TransitionEntry[], label: string): TransitionEntry {
  const start = Date.parse(b.scheduledStart);
  const i = transitions.findIndex((t) => t.to === 'live');
  expect(i, `${label}: a transition to live`).to.be.greaterThan(0);
  const [ready, live] = [transitions[i - 1]!, transitions[i]!];
  expect(ready.to, `${label}: the transition before live`).to.equal('ready');
  expect(Date.parse(ready.at), `${label}: ready before its second`).to.be.below(start);
  expect(Date.parse(live.at), `${label}: live not before its second`).to.be.at.least(start);
  expect(Date.parse(b.liveAt!), `${label}: liveAt not before its second`).to.be.at.least(start);
  return live;
}

/** When the broadcast's transition to `to` happened (its record's clock). */
export function transitionAt(transitions: TransitionEntry[], to: string): number {
  const t = transitions.find((e) => e.to === to);
  if (!t) throw new Error(`no transition to ${to} in ${transitions.map((e) => e.to).join(', ')}`);
  return Date.parse(t.at);
}
