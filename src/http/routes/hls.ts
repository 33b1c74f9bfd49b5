// Serves the local destination's HLS files: /hls/<folder>/index.m3u8 and its segments.
// Names are checked against a strict pattern before touching the disk (no traversal,
// no dotfiles). The cache headers are those of deploy/nginx/onair.conf, which serves the same
// files at scale: a playlist may be cached for a second, a segment for ever (its name is
// never reused within a broadcast's folder), and any site may embed the stream.
import path from 'node:path';
import express from 'express';
import { strictRouter } from '../router.js';

export interface HlsRouteDeps {
  /** Absolute folder holding one sub-folder per broadcast (`<dataDir>/hls`). */
  dir: string;
}

/** Cache-Control of playlists and segments (the same in deploy/nginx/onair.conf). */
export const HLS_CACHE = { playlist: 'public, max-age=1', segment: 'public, max-age=31536000, immutable' } as const;

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
    res.setHeader('Cache-Control', playlist ? HLS_CACHE.playlist : HLS_CACHE.segment);
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'Content-Length, Content-Range');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.sendFile(path.join(folder, file), { root, dotfiles: 'deny', lastModified: !playlist, etag: !playlist }, (err?: Error & { status?: number; statusCode?: number }) => {
      if (!err) return;
      // Everything else, a viewer who left mid-segment included, goes to the error handler:
      // it counts aborts (a debug line) apart from real failures (an error line, rate-limited).
      if (!res.headersSent && (err.status ?? err.statusCode) === 404) {
        res.removeHeader('Cache-Control');
        res.removeHeader('Access-Control-Allow-Origin');
        res.status(404).json({ error: 'not found' });
      } else next(err);
    });
  });
  return router;
}
