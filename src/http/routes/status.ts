// GET /api/status: which schedule files are loaded, the programmes in force, and every
// problem with file:line:col, so staff see why a change did not take effect.
import express from 'express';
import { fileStatusNote, formatDiagnostic, type Language } from '../../schedule/index.js';
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
    const files = snap.files.map((f) => ({
      file: f.file,
      programmes: f.programmeIds,
      ok: !f.diagnostics.some((d) => d.severity === 'error'),
      loadedAt: f.loadedAt.toISOString(),
      lastGoodAt: f.lastGoodAt?.toISOString() ?? null,
      diagnostics: f.diagnostics.map((d) => ({ ...d, text: formatDiagnostic(d, lang) })),
      // What is on the air meanwhile: the previous version (since when) or nothing.
      note: fileStatusNote(f, lang) ?? null,
    }));
    const errors = files.flatMap((f) => f.diagnostics.filter((d) => d.severity === 'error').map((d) => d.text));
    res.set('Cache-Control', 'no-store').json({
      ok: errors.length === 0,
      version: snap.version,
      programmes: snap.programmes.map((p) => ({ id: p.id, file: p.file, title: p.title, destinations: p.destinations })),
      files,
      errors,
      notes: files.flatMap((f) => (f.note ? [f.note] : [])),
    });
  });
  return router;
}
