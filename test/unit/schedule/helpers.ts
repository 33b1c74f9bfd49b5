// Shared helpers of the schedule unit tests: a validation context over a temp media folder.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Expander, validateScheduleText, type Diagnostic, type FileResult, type ValidationContext } from '../../../src/schedule/index.js';

export function tempMedia(): { root: string; ctx: ValidationContext; cleanup(): void } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'onair-media-'));
  mkdirSync(path.join(root, 'fairy-tales'));
  writeFileSync(path.join(root, 'fairy-tales', 'intro.mp4'), 'not really a video');
  return {
    root,
    ctx: { mediaRoot: root, destinations: ['local', 'demo', 'youtube'], defaultTimezone: 'Europe/Istanbul', maxDurationMs: 12 * 3600_000 },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export function check(text: string, ctx: ValidationContext, file = 'f.yaml'): FileResult {
  return validateScheduleText(text, file, ctx, new Expander());
}

/** "line:col: severity: message" of each diagnostic, for compact assertions. */
export function lines(diags: readonly Diagnostic[]): string[] {
  return diags.map((d) => `${d.line}:${d.col}: ${d.severity}: ${d.message}`);
}

/** A valid programme as YAML lines; tests replace or append lines to break it. */
export const VALID = [
  'id: fairy-tale-time',
  'title: { tr: Masal Saati, en: Fairy Tale Time }',
  'duration: 45m',
  'recurrence:',
  '  weekly: { days: [sat], at: "11:00" }',
  '  from: 2026-12-05',
  '  until: 2027-06-26',
  'source: { testPattern: {} }',
  'destinations: [local]',
];

/** mulberry32: a small seeded generator, so a failing fuzz case can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The texts of the shipped example schedules (schedules/*.yaml). */
export function exampleTexts(): string[] {
  const dir = path.resolve(import.meta.dirname, '../../../schedules');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => readFileSync(path.join(dir, f), 'utf8'));
}

/**
 * One to `maxEdits` random edits of `text` (delete, insert or replace a character from
 * `alphabet`, or swap two lines so keys land under the wrong parent), drawn from `next`.
 */
export function mutate(text: string, next: () => number, alphabet: string, maxEdits: number): string {
  const edits = 1 + Math.floor(next() * maxEdits);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * text.length);
    const kind = Math.floor(next() * 4);
    const ch = alphabet[Math.floor(next() * alphabet.length)]!;
    if (kind === 0) text = text.slice(0, at) + text.slice(at + 1);
    else if (kind === 1) text = text.slice(0, at) + ch + text.slice(at);
    else if (kind === 2) text = text.slice(0, at) + ch + text.slice(at + 1);
    else {
      const ls = text.split('\n');
      const a = Math.floor(next() * ls.length);
      const b = Math.floor(next() * ls.length);
      [ls[a], ls[b]] = [ls[b]!, ls[a]!];
      text = ls.join('\n');
    }
  }
  return text;
}
