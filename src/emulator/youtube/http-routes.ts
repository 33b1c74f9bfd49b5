// The emulator's HTTP face: Google's paths under /youtube/v3/, the media upload path for
// thumbnails, the OAuth token and consent endpoints, and a small control API under
// /emulator/ (faults and state) for rehearsals and the standalone command.
import express, { type Request, type Response } from 'express';
import { ApiError, errors } from './google-error.js';
import type { EmulatorBackend } from './emulator-backend.js';
import {
  BROADCAST_PARTS,
  CHAT_PARTS,
  STREAM_PARTS,
  decodePageToken,
  encodePageToken,
  etag,
  pick,
  readBool,
  readList,
  readMaxResults,
  readParts,
} from './resources.js';

type Handler = (req: Request) => unknown;

function str(v: unknown): string | undefined {
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : undefined;
  return v === undefined ? undefined : String(v);
}

function requireParam(req: Request, name: string): string {
  const v = str(req.query[name]);
  if (!v) throw errors.required(name);
  return v;
}

function page<T>(kind: string, all: T[], offset: number, max: number): Record<string, unknown> {
  const items = all.slice(offset, offset + max);
  const next = offset + items.length;
  return {
    kind,
    etag: etag({ kind, offset, n: items.length }),
    ...(next < all.length ? { nextPageToken: encodePageToken(next) } : {}),
    ...(offset > 0 ? { prevPageToken: encodePageToken(Math.max(0, offset - max)) } : {}),
    pageInfo: { totalResults: all.length, resultsPerPage: max },
    items,
  };
}

export function createEmulatorApp(emu: EmulatorBackend): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const json = express.json({ limit: '1mb' });

  const api = (method: string, handler: Handler) => async (req: Request, res: Response) => {
    try {
      const target = str(req.query.id) ?? str(req.query.videoId);
      const out = await emu.call(method, req.headers.authorization, () => handler(req), target);
      if (out === undefined) res.status(204).end();
      else res.status(200).json(out);
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(500, 'internalError', (err as Error).message, 'global');
      res.status(e.code).json(e.body());
    }
  };

  const v3 = express.Router();

  // liveBroadcasts ----------------------------------------------------------------------
  v3.get(
    '/liveBroadcasts',
    api('liveBroadcasts.list', (req) => {
      const parts = readParts(req.query.part, BROADCAST_PARTS);
      const id = req.query.id !== undefined ? readList(req.query.id) : undefined;
      const mine = readBool(req.query.mine);
      const broadcastStatus = str(req.query.broadcastStatus);
      const filters = [id, mine, broadcastStatus].filter((f) => f !== undefined).length;
      if (filters !== 1) throw errors.incompatibleParameters();
      const max = readMaxResults(req.query.maxResults, 0, 50, 5);
      const all = emu.listBroadcasts({ id, mine, broadcastStatus }).map((b) => pick(b, parts));
      return page('youtube#liveBroadcastListResponse', all, decodePageToken(req.query.pageToken), max);
    }),
  );
  v3.post(
    '/liveBroadcasts',
    json,
    api('liveBroadcasts.insert', (req) => emu.insertBroadcast(readParts(req.query.part, BROADCAST_PARTS), req.body ?? {})),
  );
  v3.put(
    '/liveBroadcasts',
    json,
    api('liveBroadcasts.update', (req) => emu.updateBroadcast(readParts(req.query.part, BROADCAST_PARTS), req.body ?? {})),
  );
  v3.delete(
    '/liveBroadcasts',
    api('liveBroadcasts.delete', (req) => {
      emu.deleteBroadcast(requireParam(req, 'id'));
      return undefined;
    }),
  );
  v3.post(
    '/liveBroadcasts/bind',
    api('liveBroadcasts.bind', (req) =>
      emu.bindBroadcast(requireParam(req, 'id'), readParts(req.query.part, BROADCAST_PARTS), str(req.query.streamId)),
    ),
  );
  v3.post(
    '/liveBroadcasts/transition',
    api('liveBroadcasts.transition', (req) => {
      const target = requireParam(req, 'broadcastStatus');
      const id = requireParam(req, 'id');
      return emu.transitionBroadcast(id, readParts(req.query.part, BROADCAST_PARTS), target);
    }),
  );

  // liveStreams -------------------------------------------------------------------------
  v3.get(
    '/liveStreams',
    api('liveStreams.list', (req) => {
      const parts = readParts(req.query.part, STREAM_PARTS);
      const id = req.query.id !== undefined ? readList(req.query.id) : undefined;
      const mine = readBool(req.query.mine);
      if ([id, mine].filter((f) => f !== undefined).length !== 1) throw errors.incompatibleParameters();
      const max = readMaxResults(req.query.maxResults, 0, 50, 5);
      const all = emu.listStreams({ id, mine }).map((s) => pick(s, parts));
      return page('youtube#liveStreamListResponse', all, decodePageToken(req.query.pageToken), max);
    }),
  );
  v3.post('/liveStreams', json, api('liveStreams.insert', (req) => emu.insertStream(readParts(req.query.part, STREAM_PARTS), req.body ?? {})));
  v3.delete(
    '/liveStreams',
    api('liveStreams.delete', (req) => {
      emu.deleteStream(requireParam(req, 'id'));
      return undefined;
    }),
  );

  // liveChat ----------------------------------------------------------------------------
  v3.get(
    '/liveChat/messages',
    api('liveChatMessages.list', (req) => {
      const liveChatId = requireParam(req, 'liveChatId');
      const parts = readParts(req.query.part, CHAT_PARTS);
      const max = readMaxResults(req.query.maxResults, 200, 2000, 500);
      const r = emu.listChat(liveChatId, decodePageToken(req.query.pageToken), max);
      return {
        kind: 'youtube#liveChatMessageListResponse',
        etag: etag({ liveChatId, next: r.next }),
        pollingIntervalMillis: emu.options.chatPollingIntervalMs,
        ...(r.offlineAt ? { offlineAt: r.offlineAt } : {}),
        pageInfo: { totalResults: r.total, resultsPerPage: r.items.length },
        nextPageToken: encodePageToken(r.next),
        items: r.items.map((m) => pick(m, parts)),
      };
    }),
  );
  v3.post('/liveChat/messages', json, api('liveChatMessages.insert', (req) => emu.insertChatMessage(readParts(req.query.part, CHAT_PARTS), req.body ?? {})));
  v3.delete(
    '/liveChat/messages',
    api('liveChatMessages.delete', (req) => {
      emu.deleteChatMessage(requireParam(req, 'id'));
      return undefined;
    }),
  );
  v3.post('/liveChat/bans', json, api('liveChatBans.insert', (req) => emu.insertBan(readParts(req.query.part, ['id', 'snippet']), req.body ?? {})));
  v3.delete(
    '/liveChat/bans',
    api('liveChatBans.delete', (req) => {
      emu.deleteBan(requireParam(req, 'id'));
      return undefined;
    }),
  );
  v3.get(
    '/liveChat/moderators',
    api('liveChatModerators.list', (req) => {
      const parts = readParts(req.query.part, ['id', 'snippet']);
      const all = emu.listModerators(requireParam(req, 'liveChatId')).map((m) => pick(m, parts));
      return page('youtube#liveChatModeratorListResponse', all, decodePageToken(req.query.pageToken), readMaxResults(req.query.maxResults, 0, 50, 5));
    }),
  );
  v3.post('/liveChat/moderators', json, api('liveChatModerators.insert', (req) => emu.insertModerator(readParts(req.query.part, ['id', 'snippet']), req.body ?? {})));

  app.use('/youtube/v3', v3);

  // thumbnails.set (media upload; googleapis sends uploadType=media, or multipart with metadata)
  app.post(
    '/upload/youtube/v3/thumbnails/set',
    express.raw({ type: () => true, limit: '4mb' }),
    api('thumbnails.set', (req) => emu.setThumbnail(requireParam(req, 'videoId'), Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0))),
  );

  // OAuth -------------------------------------------------------------------------------
  app.post('/token', express.urlencoded({ extended: false }), (req, res) => {
    const form = (req.body ?? {}) as Record<string, string | undefined>;
    const answer = emu.oauth.token(form);
    res.status(answer.status).json(answer.body);
  });
  // The consent page: the emulated owner says yes at once and the browser is redirected.
  app.get('/o/oauth2/v2/auth', (req, res) => {
    const clientId = str(req.query.client_id) ?? '';
    const redirectUri = str(req.query.redirect_uri) ?? '';
    const scope = str(req.query.scope) ?? '';
    if (str(req.query.response_type) !== 'code' || !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(redirectUri)) {
      res.status(400).type('text/plain').send('Error 400: invalid_request (response_type=code and a loopback redirect_uri are required)');
      return;
    }
    try {
      const code = emu.oauth.authorize(clientId, redirectUri, scope);
      const to = new URL(redirectUri);
      to.searchParams.set('code', code);
      const state = str(req.query.state);
      if (state !== undefined) to.searchParams.set('state', state);
      to.searchParams.set('scope', scope);
      res.redirect(302, to.toString());
    } catch {
      res.status(401).type('text/plain').send('Error 401: invalid_client');
    }
  });

  // Control API (not Google's): faults and state, for rehearsals and the standalone emulator.
  app.get('/emulator/state', (_req, res) => {
    res.json({
      quota: { day: emu.quota.day, used: emu.quota.used, limit: emu.quota.dailyLimit },
      broadcasts: emu.broadcasts(),
      streams: emu.streams().map((s) => ({ ...s, ingest: emu.ingestStats(s.id!) })),
      calls: emu.calls.slice(-200),
    });
  });
  app.post('/emulator/faults', express.json(), (req, res) => {
    const f = (req.body ?? {}) as Record<string, unknown>;
    const n = (k: string, d: number): number => (typeof f[k] === 'number' ? (f[k] as number) : d);
    try {
      switch (f.type) {
        case 'backendError':
          emu.failNext(n('count', 3), n('code', 503));
          break;
        case 'rateLimit':
          emu.rateLimit(n('count', 3), n('code', 403) === 429 ? 429 : 403);
          break;
        case 'latency':
          emu.setLatency(n('ms', 0), Array.isArray(f.methods) ? f.methods.map(String) : undefined);
          break;
        case 'quotaExhausted':
          emu.exhaustQuota();
          break;
        case 'revokeTokens':
          emu.revokeTokens();
          break;
        case 'liveStreamingDisabled':
          emu.setLiveStreamingEnabled(false);
          break;
        case 'dropStream':
          emu.dropStream(String(f.streamId), n('ms', 20_000), { disconnect: f.disconnect === true });
          break;
        default:
          res.status(400).json({ error: `unknown fault type ${String(f.type)}; use backendError, rateLimit, latency, quotaExhausted, revokeTokens, liveStreamingDisabled or dropStream` });
          return;
      }
      res.status(204).end();
    } catch (err) {
      res.status(400).json({ error: (err as Error).message });
    }
  });

  app.use((_req, res) => {
    const e = new ApiError(404, 'notFound', 'Not Found', 'global');
    res.status(404).json(e.body());
  });
  return app;
}
