// Serves the local destination's HLS files: /hls/<folder>/index.m3u8 and its segments.
// Names are checked against a strict pattern before touching the disk (no traversal,
// no dotfiles); the playlist is never cached, segments briefly.
import path from 'node:path';
import express from 'express';
import { strictRouter } from '../router.js';

export interface HlsRouteDeps {
  /** Absolute folder holding one sub-folder per broadcast (`<dataDir>/hls`). */
  dir: string;
}

const FOLDER = /^[A-Za-z0-9_-]{1,120}$/;
const FILE = /^[A-Za-z0-9_-]{1,64}\.(m3u8|ts)$/;

export function hlsRouter(deps: HlsRouteDeps): express.Router {
  const router = strictRouter();
  const root = path.resolve(deps.dir);
  router.get('/hls/:folder/:file', (req, res, next) => {
    const { folder, file } = req.params;
    const m = FILE.exec(file);
    if (!FOLDER.test(folder) || !m) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    const playlist = m[1] === 'm3u8';
    res.setHeader('Content-Type', playlist ? 'application/vnd.apple.mpegurl' : 'video/mp2t');
    res.setHeader('Cache-Control', playlist ? 'no-cache, no-store, must-revalidate' : 'public, max-age=60');
    res.sendFile(path.join(folder, file), { root, dotfiles: 'deny', lastModified: !playlist, etag: !playlist }, (err?: Error & { status?: number; statusCode?: number }) => {
      if (!err) return;
      if (res.headersSent) return;
      if ((err.status ?? err.statusCode) === 404) {
        res.removeHeader('Cache-Control');
        res.status(404).json({ error: 'not found' });
      } else next(err);
    });
  });
  return router;
}
