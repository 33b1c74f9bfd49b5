// The pages: the viewer page at / and at /watch/<programmeId> (the same page, which then
// plays that programme: the link to share and to put in calendar entries), the moderator console at /moderation/, their shared
// assets at /shared/ (so pages import them as ../shared/x.js, the same path as on disk), and hls.js from node_modules at /vendor/. Plain files, no build step;
// socket.io serves its own client at /socket.io/socket.io.esm.min.js.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { strictRouter } from '../router.js';

/** The repository's web/ folder. */
export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web');

export function webRouter(webDir = WEB_DIR): express.Router {
  const router = strictRouter();
  const require = createRequire(import.meta.url);
  const hlsDir = path.dirname(require.resolve('hls.js/dist/hls.min.js'));
  const opts = { index: 'index.html', fallthrough: true, maxAge: '5m' };
  // Express matches "/moderation" with or without the slash: redirect only the bare form.
  router.get('/moderation', (req, res, next) => {
    if (req.originalUrl.split('?')[0] === '/moderation') res.redirect(301, '/moderation/');
    else next();
  });
  // The page reads the programme id from its own address; ids are a-z, 0-9 and dashes.
  router.get(/^\/watch\/([a-z0-9-]+)\/?$/, (_req, res) => {
    res.set('Cache-Control', 'max-age=300').sendFile(path.join(webDir, 'viewer', 'index.html'));
  });
  router.use('/vendor/hls', express.static(hlsDir, { maxAge: '1d' }));
  router.use('/shared', express.static(path.join(webDir, 'shared'), opts));
  router.use('/moderation', express.static(path.join(webDir, 'moderation'), opts));
  router.use('/', express.static(path.join(webDir, 'viewer'), opts));
  return router;
}
