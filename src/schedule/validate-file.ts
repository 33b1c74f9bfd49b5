// One schedule file's text -> its programmes and every problem in it. Pure apart from
// checking that source files exist; never throws, whatever the text.
import type { Expander } from './expand.js';
import { checkRejectedPart, normalizeProgramme, type ValidationContext } from './normalize.js';
import type { z } from 'zod';
import { programmeSchema, type RawProgramme } from './schema.js';
import { bothLanguages, diagnosticText } from './messages.js';
import type { Diagnostic, Programme } from './types.js';
import { parseScheduleText, type ParsedText, type PositionSource } from './yaml-source.js';
import { issuesToDiagnostics } from './zod-issues.js';

export interface FileResult {
  file: string;
  /** Programmes without errors. The file is in force only when `diagnostics` has no error. */
  programmes: Programme[];
  diagnostics: Diagnostic[];
  /** True when the file holds no programme at all (empty, or only comments). */
  empty: boolean;
  /**
   * Programmes that have errors of their own yet can be expanded: checked for overlaps
   * with the rest by `onair validate` (never put in force).
   */
  candidates: Programme[];
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return list.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.message.localeCompare(b.message));
}

function objectShape(schema: z.ZodType): Record<string, unknown> | undefined {
  const d = (schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; shape?: Record<string, unknown> } } })._zod.def;
  if (d.type === 'optional' && d.innerType) return objectShape(d.innerType);
  return d.type === 'object' ? d.shape : undefined;
}

function valueAt(root: unknown, rel: readonly string[]): unknown {
  let v = root;
  for (const k of rel) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

function validateOne(value: unknown, src: PositionSource, base: Array<string | number>, ctx: ValidationContext, expander: Expander) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      diagnostics: [src.diag(base, 'error', 'a programme must be a mapping of keys (id:, title:, duration:, recurrence:, source:, destinations:)')],
    };
  }
  const parsed = programmeSchema.safeParse(value);
  if (parsed.success) return normalizeProgramme(parsed.data, src, base, ctx, expander);
  const diagnostics = issuesToDiagnostics(parsed.error.issues, programmeSchema, src, base, value);
  // Check the well-formed keys too, so every problem shows at once: drop what the schema
  // rejected (two levels deep, so a bad recurrence.weekly leaves from/until checked) and
  // validate what is left on its own.
  const badPaths = parsed.error.issues.map((i) => i.path.map(String));
  const shape = programmeSchema.shape as Record<string, z.ZodType>;
  const partial: Record<string, unknown> = {};
  const dropped = new Set<string>();
  for (const [k, v] of Object.entries(value)) {
    if (!(k in shape)) continue;
    const bad = badPaths.filter((p) => p[0] === k);
    if (bad.length === 0) {
      partial[k] = v;
      continue;
    }
    const inner = objectShape(shape[k]!);
    if (!inner || v === null || typeof v !== 'object' || Array.isArray(v) || bad.some((p) => p.length < 2)) {
      dropped.add(k);
      continue;
    }
    const kept: Record<string, unknown> = {};
    for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) {
      if (bad.some((p) => p[1] === k2) || !(k2 in inner)) dropped.add(`${k}.${k2}`);
      else kept[k2] = v2;
    }
    partial[k] = kept;
  }
  // What was dropped still gets the checks of its well-formed values (a real hour, a real
  // date), so one run shows every independent problem.
  for (const key of dropped) {
    const rel = key.split('.');
    diagnostics.push(...checkRejectedPart(valueAt(value, rel), rel, src, base, ctx, expander));
  }
  const reparsed = programmeSchema.partial().safeParse(partial);
  const rest = reparsed.success
    ? normalizeProgramme(reparsed.data, src, base, ctx, expander, false, dropped)
    : { diagnostics: [] };
  return { diagnostics: [...diagnostics, ...rest.diagnostics] };
}

export function validateScheduleText(text: string, file: string, ctx: ValidationContext, expander: Expander): FileResult {
  let parsed: ParsedText;
  try {
    parsed = parseScheduleText(text, file);
  } catch (err) {
    return crashed(file, [], err);
  }
  return validateDocuments(parsed, file, ctx, expander);
}

function crashed(file: string, diagnostics: Diagnostic[], err: unknown): FileResult {
  // Nothing a person writes may crash the tool: report it as a problem in the file instead.
  diagnostics.push({ file, line: 1, col: 1, severity: 'error', ...diagnosticText(bothLanguages('couldNotCheck', { detail: (err as Error).message })) });
  return { file, programmes: [], diagnostics: sortDiagnostics(diagnostics), empty: false, candidates: [] };
}

function validateDocuments(
  parsed: { documents: ReadonlyArray<{ source: PositionSource; value: unknown }>; diagnostics: Diagnostic[] },
  file: string,
  ctx: ValidationContext,
  expander: Expander,
): FileResult {
  const diagnostics: Diagnostic[] = [];
  const programmes: Programme[] = [];
  let seenProgramme = false;
  const result = { candidates: [] as Programme[] };
  try {
    diagnostics.push(...parsed.diagnostics);
    const ids = new Map<string, Programme>();
    const candidates: Programme[] = [];
    for (const { source, value } of parsed.documents) {
      const items: Array<[unknown, Array<string | number>]> = Array.isArray(value)
        ? value.map((v, i) => [v, [i]])
        : [[value, []]];
      for (const [item, base] of items) {
        seenProgramme = true;
        const r = validateOne(item, source, base, ctx, expander);
        diagnostics.push(...r.diagnostics);
        if ('candidate' in r && r.candidate && !ids.has(r.candidate.id)) candidates.push(r.candidate);
        if (!('programme' in r) || !r.programme) continue;
        const p = r.programme;
        const first = ids.get(p.id);
        if (first) {
          diagnostics.push(source.diag([...base, 'id'], 'error', bothLanguages('idUsedAt', { id: p.id, at: `${file}:${first.position.line}:${first.position.col}` })));
          continue;
        }
        ids.set(p.id, p);
        programmes.push(p);
      }
    }
    result.candidates = candidates;
    if (!seenProgramme && !hasErrors(diagnostics))
      diagnostics.push({ file, line: 1, col: 1, severity: 'warning', ...diagnosticText(bothLanguages('noProgramme')) });
  } catch (err) {
    return crashed(file, diagnostics, err);
  }
  return { file, programmes, diagnostics: sortDiagnostics(diagnostics), empty: !seenProgramme, candidates: result.candidates };
}
