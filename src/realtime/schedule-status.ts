// The staff's live view of the schedule files: what `schedule:status` carries on
// "/moderation". Built from the schedule service's file statuses with the same words as
// /api/status and the control room (src/schedule/format.ts), in both languages, and bounded
// (a file with thousands of problems must not make a frame of megabytes).
import { fileStatusNote, formatDiagnostic, MAX_LISTED_PROBLEMS, type Diagnostic, type FileStatus, type Localized } from '../schedule/index.js';
import type { ScheduleFileView, ScheduleStatusPayload } from './events.js';

const isError = (d: Diagnostic): boolean => d.severity === 'error';

function both(text: (lang: 'tr' | 'en') => string): Localized {
  return { tr: text('tr'), en: text('en') };
}

/**
 * The payload for the files as last read. Only files with problems are listed, files with
 * errors first; at most MAX_LISTED_PROBLEMS problems in all, the rest counted per file, and
 * files left with none to show counted in `moreFiles`.
 */
export function scheduleStatusPayload(snapshot: { version: number; files: readonly FileStatus[] }, now: Date): ScheduleStatusPayload {
  const troubled = snapshot.files.filter((f) => f.diagnostics.length > 0);
  const ranked = [...troubled.filter((f) => f.diagnostics.some(isError)), ...troubled.filter((f) => !f.diagnostics.some(isError))];
  let room = MAX_LISTED_PROBLEMS;
  const files: ScheduleFileView[] = [];
  for (const f of ranked) {
    if (room === 0) break;
    const problems = [...f.diagnostics.filter(isError), ...f.diagnostics.filter((d) => !isError(d))].slice(0, room);
    room -= problems.length;
    const note = fileStatusNote(f);
    files.push({
      file: f.file,
      ok: !f.diagnostics.some(isError),
      programmeCount: f.programmeIds.length,
      loadedAt: f.loadedAt.toISOString(),
      lastGoodAt: f.lastGoodAt?.toISOString() ?? null,
      problems: problems.map((d) => ({ file: d.file, line: d.line, col: d.col, severity: d.severity, text: both((lang) => formatDiagnostic(d, lang)) })),
      moreProblems: f.diagnostics.length - problems.length,
      note: note === undefined ? null : both((lang) => fileStatusNote(f, lang) ?? ''),
    });
  }
  return {
    at: now.toISOString(),
    ok: !snapshot.files.some((f) => f.diagnostics.some(isError)),
    version: snapshot.version,
    fileCount: snapshot.files.length,
    files,
    moreFiles: ranked.length - files.length,
  };
}
