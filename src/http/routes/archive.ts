// The local archive: `GET /api/archive` lists recorded broadcasts (programme, date,
// duration) as JSON, and `/archive/<name>.mp4` serves the recordings (with ranges, so a
// player can seek).
import path from 'node:path';
import express from 'express';
import type { ArchiveReader } from '../../scheduler/ports.js';
import { strictRouter } from '../router.js';

export interface ArchiveRouteDeps {
  archive: ArchiveReader;
}

const FILE = /^[A-Za-z0-9_-]{1,120}\.mp4$/;

export function archiveRouter(deps: ArchiveRouteDeps): express.Router {
  const router = strictRouter();
  router.get('/api/archive', async (_req, res, next) => {
    try {
      const items = await deps.archive.list();
      res.setHeader('Cache-Control', 'no-cache');
      res.json({ items });
    } catch (err) {
      next(err);
    }
  });
  router.get('/archive/:file', (req, res, next) => {
    const { file } = req.params;
    if (!FILE.test(file)) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    res.sendFile(file, { root: path.resolve(deps.archive.dir), dotfiles: 'deny', headers: { 'Content-Type': 'video/mp4' } }, (err?: Error & { status?: number; statusCode?: number }) => {
      if (!err) return;
      // Aborts and failures alike go to the error handler, which tells them apart (see hls.ts).
      if (!res.headersSent && (err.status ?? err.statusCode) === 404) res.status(404).json({ error: 'not found' });
      else next(err);
    });
  });
  return router;
}
