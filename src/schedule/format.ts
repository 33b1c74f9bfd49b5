// The one way a diagnostic is printed, everywhere (CLI, logs, /api/status).
import type { Diagnostic } from './types.js';

/** `path:line:col: error|warning: message` */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`;
}
