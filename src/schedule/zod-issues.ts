// Turns zod's issues into diagnostics a staff member can act on: the position of the
// offending node, what is wrong in words, and what to write instead.
import type { z } from 'zod';
import { WEEKDAY_WORDS } from './calendar-names.js';
import { didYouMean } from './did-you-mean.js';
import { bothLanguages as say, type MessageKey } from './messages.js';
import { WEEKDAY_NAMES } from './schema.js';
import type { Path, PositionSource } from './yaml-source.js';
import type { Diagnostic, Localized } from './types.js';

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/**
 * Hints by key name, appended to type errors so the fix is obvious: examples written as in
 * the file, so the same in both languages but for the few words around them.
 */
const HINTS: Record<string, string | Localized> = {
  id: 'id: fairy-tale-time',
  title: 'title: { tr: Masal Saati, en: Fairy Tale Time }',
  description: 'description: { tr: "...", en: "..." }',
  duration: { en: 'duration: 45m (or 1h30m, 90s, PT45M)', tr: 'duration: 45m (ya da 1h30m, 90s, PT45M)' },
  slowMode: 'slowMode: 10s',
  at: { en: 'at: "11:00" (in quotes)', tr: 'at: "11:00" (tırnak içinde)' },
  days: { en: 'days: [sat] or days: [mon, wed, fri]', tr: 'days: [sat] ya da days: [mon, wed, fri]' },
  destinations: 'destinations: [local]',
  audience: 'audience: [children, families]',
  reminders: 'reminders: [1d, 15m]',
  except: 'except: [2027-01-02]',
  dates: 'dates: [2026-12-12T14:00, 2026-12-19T14:00]',
  recurrence: 'recurrence: { weekly: { days: [sat], at: "11:00" } }',
  source: { en: 'source: { file: fairy-tales/intro.mp4 } or source: { testPattern: {} }', tr: 'source: { file: fairy-tales/intro.mp4 } ya da source: { testPattern: {} }' },
  from: 'from: 2026-12-05',
  until: 'until: 2027-06-26',
  count: 'count: 10',
  once: 'once: 2026-12-12T14:00',
  cron: 'cron: "0 10 * * mon-fri"',
  playlist: 'playlist: [part-1.mp4, part-2.mp4]',
};

function def(schema: AnySchema): Record<string, unknown> & { type: string } {
  return (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
}

/** The object schemas reachable at `path` (unwrapping optional, array, record, union). */
function objectsAt(schema: AnySchema, path: Path): AnySchema[] {
  let current: AnySchema[] = [schema];
  const unwrap = (s: AnySchema): AnySchema[] => {
    const d = def(s);
    if (d.type === 'optional' || d.type === 'nullable' || d.type === 'default') return unwrap(d.innerType as AnySchema);
    if (d.type === 'union') return (d.options as AnySchema[]).flatMap(unwrap);
    if (d.type === 'pipe') return unwrap(d.in as AnySchema);
    return [s];
  };
  current = current.flatMap(unwrap);
  for (const key of path) {
    const next: AnySchema[] = [];
    for (const s of current) {
      const d = def(s);
      if (d.type === 'object' && typeof key === 'string') {
        const child = (d.shape as Record<string, AnySchema>)[key];
        if (child) next.push(...unwrap(child));
      } else if (d.type === 'array' && typeof key === 'number') next.push(...unwrap(d.element as AnySchema));
      else if (d.type === 'record') next.push(...unwrap(d.valueType as AnySchema));
    }
    current = next;
  }
  return current.filter((s) => def(s).type === 'object');
}

function keysAt(schema: AnySchema, path: Path): string[] {
  return [...new Set(objectsAt(schema, path).flatMap((s) => Object.keys(def(s).shape as object)))];
}

function describe(value: unknown): Localized {
  if (value === null || value === undefined) return say('valueNothing');
  if (Array.isArray(value)) return say('valueList');
  if (typeof value === 'object') return say('valueMapping');
  if (typeof value === 'string') return say('valueText', { text: value.length > 40 ? value.slice(0, 40) + '…' : value });
  if (typeof value === 'number') return say('valueNumber', { value: String(value) });
  return say('valueOther', { value: String(value) });
}

const TYPE_WORDS: Record<string, MessageKey> = {
  string: 'typeString',
  number: 'typeNumber',
  int: 'typeInt',
  boolean: 'typeBoolean',
  object: 'typeObject',
  array: 'typeArray',
};

/** The words for a type zod expected (its own name when onair has none). */
function typeWords(expected: string | undefined): Localized | string {
  const key = TYPE_WORDS[expected ?? ''];
  return key ? say(key) : (expected ?? '?');
}

function valueAt(root: unknown, path: Path): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

function label(path: Path): string | Localized {
  const parts = path.map((p) => (typeof p === 'number' ? `[${p}]` : p));
  return parts.length ? parts.join('.').replace(/\.\[/g, '[') : say('theProgramme');
}

function hintFor(path: Path): string | Localized {
  const key = [...path].reverse().find((k): k is string => typeof k === 'string');
  const h = key ? HINTS[key] : undefined;
  return h ? say('example', { example: h }) : '';
}

/**
 * Converts the issues of one programme (validated at `base` within its document) into
 * diagnostics. `root` is the programme's plain value, to describe what was written.
 */
export function issuesToDiagnostics(
  issues: readonly Issue[],
  schema: AnySchema,
  source: PositionSource,
  base: Path,
  root: unknown,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const visit = (issue: Issue, prefix: Path): void => {
    const rel = [...prefix, ...(issue.path as Path)];
    const full = [...base, ...rel];
    const what = label(rel);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = keysAt(schema, rel);
        for (const key of issue.keys) {
          const guess = didYouMean(key, allowed);
          const where = rel.length ? say('inWhat', { what }) : '';
          const fix = guess ? say('didYouMean', { guess }) : say('allowedKeys', { list: allowed.join(', ') });
          out.push(source.diag([...full, key], 'error', say('unknownKey', { key, where, fix }), true));
        }
        return;
      }
      case 'invalid_type': {
        const value = valueAt(root, rel);
        if (value === undefined) {
          out.push(source.diag(full, 'error', say('missingKey', { what, hint: hintFor(rel) }), true));
          return;
        }
        out.push(source.diag(full, 'error', say('wrongType', { what, expected: typeWords(issue.expected), value: describe(value), hint: hintFor(rel) })));
        return;
      }
      case 'invalid_union': {
        const branches = issue.errors;
        // When every branch failed on the value's type, say which types would do.
        const typeOnly = branches.every((b) => b.length === 1 && b[0]!.code === 'invalid_type' && b[0]!.path.length === 0);
        if (typeOnly) {
          const value = valueAt(root, rel);
          if (value === undefined) {
            out.push(source.diag(full, 'error', say('missingKey', { what, hint: hintFor(rel) }), true));
            return;
          }
          const words = branches.map((b) => typeWords((b[0] as { expected?: string }).expected));
          const or = say('or');
          const inLang = (lang: 'tr' | 'en'): string => words.map((w) => (typeof w === 'string' ? w : w[lang])).join(or[lang]);
          const expected = { en: inLang('en'), tr: inLang('tr') };
          out.push(source.diag(full, 'error', say('wrongType', { what, expected, value: describe(value), hint: hintFor(rel) })));
          return;
        }
        // Otherwise report the branch that got furthest (its value had the right type).
        const score = (b: readonly Issue[]): number =>
          b.filter((i) => i.path.length === 0).length * 2 + (b.some((i) => i.code === 'invalid_type' && i.path.length === 0) ? 1 : 0);
        const best = [...branches].sort((x, y) => score(x) - score(y))[0] ?? [];
        for (const i of best) visit(i, rel);
        return;
      }
      case 'invalid_value': {
        const value = valueAt(root, rel);
        const allowed = issue.values.map(String);
        // Weekdays may be written in Turkish too: a misspelt "cumartsi" is offered "cumartesi".
        const weekdays = allowed.length === WEEKDAY_NAMES.length && WEEKDAY_NAMES.every((w) => allowed.includes(w));
        const guess = typeof value === 'string' ? didYouMean(value, weekdays ? WEEKDAY_WORDS : allowed) : undefined;
        const fix = guess ? say('didYouMean', { guess }) : say('writeOneOf', { list: allowed.join(', ') });
        out.push(source.diag(full, 'error', say('valueNotAllowed', { what, value: describe(value), fix })));
        return;
      }
      case 'invalid_key': {
        for (const i of issue.issues) out.push(source.diag(full, 'error', say('badKey', { what, detail: i.message }), true));
        return;
      }
      case 'too_small': {
        const value = valueAt(root, rel);
        const msg =
          issue.origin === 'array'
            ? say('tooFewItems', { what, min: String(issue.minimum) })
            : issue.origin === 'string'
              ? say('mustNotBeEmpty', { what })
              : say('atLeast', { what, min: String(issue.minimum), value: describe(value) });
        const hint = hintFor(rel);
        out.push(source.diag(full, 'error', typeof hint === 'string' ? msg : { en: msg.en + hint.en, tr: msg.tr + hint.tr }));
        return;
      }
      case 'too_big': {
        const value = valueAt(root, rel);
        // A text too long needs shortening, not the shape hint.
        if (issue.origin === 'string' && typeof value === 'string') {
          out.push(source.diag(full, 'error', say('textTooLong', { what, count: String(value.length), max: String(issue.maximum) })));
          return;
        }
        const msg =
          issue.origin === 'array' && Array.isArray(value)
            ? say('tooManyItems', { what, count: String(value.length), max: String(issue.maximum) })
            : say('atMost', { what, max: String(issue.maximum) });
        const hint = hintFor(rel);
        out.push(source.diag(full, 'error', typeof hint === 'string' ? msg : { en: msg.en + hint.en, tr: msg.tr + hint.tr }));
        return;
      }
      default: {
        out.push(source.diag(full, 'error', say('otherIssue', { what, detail: issue.message })));
      }
    }
  };
  for (const issue of issues) visit(issue, []);
  return out;
}
