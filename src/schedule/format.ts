// The one way a diagnostic and a file's state are put into words, everywhere (CLI, logs,
// /api/status, the control room), in the staff's language.
import { scheduleMessage } from './messages.js';
import type { Diagnostic, FileStatus, Language } from './types.js';

/** `path:line:col: error|warning: message` (the severity word in `lang`; English by default). */
export function formatDiagnostic(d: Diagnostic, lang: Language = 'en'): string {
  const severity = scheduleMessage(lang, d.severity === 'error' ? 'severityError' : 'severityWarning');
  return `${d.file}:${d.line}:${d.col}: ${severity}: ${lang === 'tr' ? (d.tr ?? d.message) : d.message}`;
}

/** What is on the air from a file whose latest read has errors; undefined when it has none. */
export function fileStatusNote(status: FileStatus, lang: Language = 'en'): string | undefined {
  if (!status.diagnostics.some((d) => d.severity === 'error')) return undefined;
  if (status.programmeIds.length > 0 && status.lastGoodAt)
    return scheduleMessage(lang, 'previousOnAir', { file: status.file, since: status.lastGoodAt.toISOString() });
  return scheduleMessage(lang, 'notLoaded', { file: status.file });
}
