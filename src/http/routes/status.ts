// GET /api/status: which schedule files are loaded, the programmes in force, and every
// problem with file:line:col, so staff see why a change did not take effect.
import express from 'express';
import { fileStatusNote, formatDiagnostic, MAX_LISTED_PROBLEMS, type Language } from '../../schedule/index.js';
import type { ScheduleQueryPort } from './schedule.js';
import { strictRouter } from '../router.js';

export interface StatusRouteDeps {
  schedule: Pick<ScheduleQueryPort, 'snapshot'>;
  /** Language of the texts when the request gives no ?lang=tr|en (config schedule.language). @defaultValue 'en' */
  language?: Language;
}

export function statusRouter(deps: StatusRouteDeps): express.Router {
  const router = strictRouter();
  router.get('/api/status', (req, res) => {
    const lang: Language = req.query.lang === 'tr' || req.query.lang === 'en' ? req.query.lang : (deps.language ?? 'en');
    const snap = deps.schedule.snapshot();
    // Bounded: the first problems of each file and a count of the rest (a file with a
    // thousand overlaps once made this answer 445 MB). Errors come first: they are what
    // keeps a change from taking effect.
    const files = snap.files.map((f) => {
      const ranked = [...f.diagnostics.filter((d) => d.severity === 'error'), ...f.diagnostics.filter((d) => d.severity !== 'error')];
      return {
        file: f.file,
        programmes: f.programmeIds,
        ok: !f.diagnostics.some((d) => d.severity === 'error'),
        loadedAt: f.loadedAt.toISOString(),
        lastGoodAt: f.lastGoodAt?.toISOString() ?? null,
        diagnostics: ranked.slice(0, MAX_LISTED_PROBLEMS).map((d) => ({ ...d, text: formatDiagnostic(d, lang) })),
        /** Problems of this file not listed above. */
        moreDiagnostics: Math.max(0, ranked.length - MAX_LISTED_PROBLEMS),
        // What is on the air meanwhile: the previous version (since when) or nothing.
        note: fileStatusNote(f, lang) ?? null,
      };
    });
    const allErrors = files.flatMap((f) => f.diagnostics.filter((d) => d.severity === 'error').map((d) => d.text));
    const errorCount = snap.files.reduce((n, f) => n + f.diagnostics.filter((d) => d.severity === 'error').length, 0);
    res.set('Cache-Control', 'no-store').json({
      ok: errorCount === 0,
      version: snap.version,
      programmes: snap.programmes.map((p) => ({ id: p.id, file: p.file, title: p.title, destinations: p.destinations })),
      files,
      errors: allErrors.slice(0, MAX_LISTED_PROBLEMS),
      /** Errors not listed in `errors` (each file's own list says which file). */
      moreErrors: errorCount - Math.min(allErrors.length, MAX_LISTED_PROBLEMS),
      notes: files.flatMap((f) => (f.note ? [f.note] : [])),
    });
  });
  return router;
}
