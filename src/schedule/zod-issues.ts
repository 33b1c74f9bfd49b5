// Turns zod's issues into diagnostics a staff member can act on: the position of the
// offending node, what is wrong in words, and what to write instead.
import type { z } from 'zod';
import { WEEKDAY_WORDS } from './calendar-names.js';
import { didYouMean } from './did-you-mean.js';
import { WEEKDAY_NAMES } from './schema.js';
import type { Path, PositionSource } from './yaml-source.js';
import type { Diagnostic } from './types.js';

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/** Hints by key name, appended to type errors so the fix is obvious. */
const HINTS: Record<string, string> = {
  id: 'e.g. id: fairy-tale-time',
  title: 'e.g. title: { tr: Masal Saati, en: Fairy Tale Time }',
  description: 'e.g. description: { tr: "...", en: "..." }',
  duration: 'e.g. duration: 45m (or 1h30m, 90s, PT45M)',
  slowMode: 'e.g. slowMode: 10s',
  at: 'e.g. at: "11:00" (in quotes)',
  days: 'e.g. days: [sat] or days: [mon, wed, fri]',
  destinations: 'e.g. destinations: [local]',
  audience: 'e.g. audience: [children, families]',
  reminders: 'e.g. reminders: [1d, 15m]',
  except: 'e.g. except: [2027-01-02]',
  dates: 'e.g. dates: [2026-12-12T14:00, 2026-12-19T14:00]',
  recurrence: 'e.g. recurrence: { weekly: { days: [sat], at: "11:00" } }',
  source: 'e.g. source: { file: fairy-tales/intro.mp4 } or source: { testPattern: {} }',
  from: 'e.g. from: 2026-12-05',
  until: 'e.g. until: 2027-06-26',
  count: 'e.g. count: 10',
  once: 'e.g. once: 2026-12-12T14:00',
  cron: 'e.g. cron: "0 10 * * mon-fri"',
  playlist: 'e.g. playlist: [part-1.mp4, part-2.mp4]',
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

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text "${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  return `${typeof value === 'number' ? 'the number' : typeof value === 'boolean' ? 'the value' : ''} ${String(value)}`.trim();
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value lines, or { ... })',
  array: 'a list ([a, b] or lines starting with -)',
};

function valueAt(root: unknown, path: Path): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

function label(path: Path): string {
  const parts = path.map((p) => (typeof p === 'number' ? `[${p}]` : p));
  return parts.length ? parts.join('.').replace(/\.\[/g, '[') : 'the programme';
}

function hintFor(path: Path): string {
  const key = [...path].reverse().find((k): k is string => typeof k === 'string');
  const h = key ? HINTS[key] : undefined;
  return h ? ` (${h})` : '';
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
          const where = rel.length ? ` in ${what}` : '';
          out.push(
            source.diag(
              [...full, key],
              'error',
              `unknown key "${key}"${where}; ` +
                (guess ? `did you mean "${guess}"?` : `allowed keys are ${allowed.join(', ')}`),
              true,
            ),
          );
        }
        return;
      }
      case 'invalid_type': {
        const value = valueAt(root, rel);
        if (value === undefined) {
          out.push(source.diag(full, 'error', `missing ${what}${hintFor(rel)}`, true));
          return;
        }
        const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
        out.push(source.diag(full, 'error', `${what} must be ${expected}, not ${describe(value)}${hintFor(rel)}`));
        return;
      }
      case 'invalid_union': {
        const branches = issue.errors;
        // When every branch failed on the value's type, say which types would do.
        const typeOnly = branches.every((b) => b.length === 1 && b[0]!.code === 'invalid_type' && b[0]!.path.length === 0);
        if (typeOnly) {
          const value = valueAt(root, rel);
          if (value === undefined) {
            out.push(source.diag(full, 'error', `missing ${what}${hintFor(rel)}`, true));
            return;
          }
          const words = branches.map((b) => {
            const e = b[0] as { expected?: string };
            return TYPE_WORDS[e.expected ?? ''] ?? e.expected ?? '?';
          });
          out.push(source.diag(full, 'error', `${what} must be ${words.join(' or ')}, not ${describe(value)}${hintFor(rel)}`));
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
        out.push(
          source.diag(
            full,
            'error',
            `${what}: ${describe(value)} is not allowed; ` +
              (guess ? `did you mean "${guess}"?` : `write one of ${allowed.join(', ')}`),
          ),
        );
        return;
      }
      case 'invalid_key': {
        for (const i of issue.issues) out.push(source.diag(full, 'error', `${what}: the key ${i.message}`, true));
        return;
      }
      case 'too_small': {
        const value = valueAt(root, rel);
        const msg =
          issue.origin === 'array'
            ? `${what} must list at least ${String(issue.minimum)} item(s)`
            : issue.origin === 'string'
              ? `${what} must not be empty`
              : `${what} must be at least ${String(issue.minimum)}, not ${describe(value)}`;
        out.push(source.diag(full, 'error', msg + hintFor(rel)));
        return;
      }
      case 'too_big': {
        const value = valueAt(root, rel);
        // A text too long needs shortening, not the shape hint.
        if (issue.origin === 'string' && typeof value === 'string') {
          out.push(source.diag(full, 'error', `${what} is ${value.length} characters long; at most ${String(issue.maximum)} are allowed, so shorten it`));
          return;
        }
        const msg =
          issue.origin === 'array' && Array.isArray(value)
            ? `${what} lists ${value.length} items; at most ${String(issue.maximum)} are allowed`
            : `${what} must be at most ${String(issue.maximum)}`;
        out.push(source.diag(full, 'error', msg + hintFor(rel)));
        return;
      }
      default: {
        out.push(source.diag(full, 'error', `${what} ${issue.message}`));
      }
    }
  };
  for (const issue of issues) visit(issue, []);
  return out;
}
