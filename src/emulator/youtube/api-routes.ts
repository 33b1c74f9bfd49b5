// Google's side of the emulator: the YouTube Data API paths under /youtube/v3/ and the
// thumbnail upload path, each call passing the emulator's gate (token, quota, faults) and
// answering with Google's JSON, list responses paged as Google pages them.
import express, { type Request, type Response } from 'express';
import { ApiError, errors } from './google-error.js';
import type { EmulatorBackend } from './emulator-backend.js';
import { decodePageToken, encodePageToken, queryString, readBool, readList, readMaxResults, readParts, requireParam } from './request-params.js';
import { BROADCAST_PARTS, CHAT_PARTS, STREAM_PARTS, etag, pick } from './resources.js';

type Handler = (req: Request) => unknown;

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

/** The routes of Google's API, to mount at the server's root. */
export function apiRoutes(emu: EmulatorBackend): express.Router {
  const root = express.Router();
  const json = express.json({ limit: '1mb' });

  const api = (method: string, handler: Handler) => async (req: Request, res: Response) => {
    try {
      const target = queryString(req.query.id) ?? queryString(req.query.videoId);
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
      const broadcastStatus = queryString(req.query.broadcastStatus);
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
      emu.bindBroadcast(requireParam(req, 'id'), readParts(req.query.part, BROADCAST_PARTS), queryString(req.query.streamId)),
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

  root.use('/youtube/v3', v3);

  // thumbnails.set (media upload; googleapis sends uploadType=media, or multipart with metadata)
  root.post(
    '/upload/youtube/v3/thumbnails/set',
    express.raw({ type: () => true, limit: '4mb' }),
    api('thumbnails.set', (req) => emu.setThumbnail(requireParam(req, 'videoId'), Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0))),
  );

  return root;
}
