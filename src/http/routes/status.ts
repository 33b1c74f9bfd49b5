// GET /api/status: which schedule files are loaded, the programmes in force, and every
// problem with file:line:col, so staff see why a change did not take effect.
import express from 'express';
import { formatDiagnostic } from '../../schedule/index.js';
import type { ScheduleQueryPort } from './schedule.js';
import { strictRouter } from '../router.js';

export interface StatusRouteDeps {
  schedule: Pick<ScheduleQueryPort, 'snapshot'>;
}

export function statusRouter(deps: StatusRouteDeps): express.Router {
  const router = strictRouter();
  router.get('/api/status', (_req, res) => {
    const snap = deps.schedule.snapshot();
    const files = snap.files.map((f) => ({
      file: f.file,
      programmes: f.programmeIds,
      ok: !f.diagnostics.some((d) => d.severity === 'error'),
      loadedAt: f.loadedAt.toISOString(),
      lastGoodAt: f.lastGoodAt?.toISOString() ?? null,
      diagnostics: f.diagnostics.map((d) => ({ ...d, text: formatDiagnostic(d) })),
    }));
    const errors = files.flatMap((f) => f.diagnostics.filter((d) => d.severity === 'error').map((d) => d.text));
    res.set('Cache-Control', 'no-store').json({
      ok: errors.length === 0,
      version: snap.version,
      programmes: snap.programmes.map((p) => ({ id: p.id, file: p.file, title: p.title, destinations: p.destinations })),
      files,
      errors,
    });
  });
  return router;
}
