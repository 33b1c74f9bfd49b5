// The YouTube destination: one scheduled event per occurrence on the city's channel.
// prepare: find-or-insert the broadcast (marker in its description, persisted at once),
// find-or-insert its stream, bind, thumbnail; awaitIngest: the stream reads `active`;
// goLive: transition to live; end: transition to complete; update: rewrite the snippet;
// teardown: delete an event that never aired. Every method is idempotent given the last
// persisted state, so a restart (even a SIGKILL between two calls) resumes without
// duplicating anything on the channel.
import type { youtube_v3 } from '@googleapis/youtube';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { Language, Occurrence } from '../../schedule/types.js';
import {
  DestinationError,
  type Destination,
  type DestinationContext,
  type DestinationState,
  type IngestTarget,
} from '../../scheduler/ports.js';
import { LiveCalls, type Broadcast, type Stream } from './live-calls.js';
import { sleep } from './retry-policy.js';
import { YOUTUBE_TITLE_MAX, YOUTUBE_TITLE_REFUSED } from '../../schedule/normalize.js';
import { readThumbnail } from './thumbnail-file.js';
import { YoutubeCallError, type YoutubeApi } from './youtube-api.js';

export interface YoutubeDestinationDeps {
  name: string;
  /** The API client, or why there is none (missing credentials): every call then fails with it. */
  api: YoutubeApi | { problem: string };
  /** Language of titles and descriptions on the channel (config schedule.language). */
  language: Language;
  clock: Clock;
  logger: Logger;
  /** Pause between status polls (stream active, broadcast live). @defaultValue 1000 ms */
  pollMs?: number;
  /** Tries of the live transition while YouTube still reads the stream inactive. @defaultValue 6 */
  streamInactiveAttempts?: number;
  /** Pages of upcoming broadcasts searched for this occurrence's marker. @defaultValue 10 */
  markerSearchPages?: number;
  /**
   * Longest awaitIngest / goLive keeps polling. The engine bounds each call with a timeout
   * but cannot stop our loop, so we stop it ourselves (and stop spending quota). @defaultValue 180000 ms
   */
  maxWaitMs?: number;
  /** The most YouTube takes (config `profile`, resolved; IngestTarget.profile). @defaultValue the broadcast's own picture */
  profile?: IngestTarget['profile'];
  /**
   * The media folder (config `paths.media`): a thumbnail is read only from inside it, checked
   * again right before the read. @defaultValue none (tests' fixtures: only existence is checked)
   */
  mediaRoot?: string;
}

/** The marker that ties a broadcast (and stream) on the channel to an occurrence. */
export function occurrenceMarker(occurrenceId: string): string {
  return `[onair:${occurrenceId}]`;
}

const DESCRIPTION_MAX = 5000;

export class YoutubeDestination implements Destination {
  readonly kind = 'youtube' as const;
  readonly name: string;
  readonly #deps: YoutubeDestinationDeps;
  readonly #pollMs: number;
  /** The typed calls, or why there are none (missing credentials). */
  readonly #calls: LiveCalls | { problem: string };

  constructor(deps: YoutubeDestinationDeps) {
    this.#deps = deps;
    this.name = deps.name;
    this.#pollMs = deps.pollMs ?? 1000;
    this.#calls = 'problem' in deps.api ? deps.api : new LiveCalls(deps.api);
  }

  // -------------------------------------------------------------------------------------
  // Destination port
  // -------------------------------------------------------------------------------------

  async prepare(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState> {
    return this.#guard('prepare the YouTube event', async () => {
      let current: DestinationState = { ...state, remote: { ...state.remote } };
      const save = async (patch: Record<string, string>, extra: Partial<DestinationState> = {}): Promise<void> => {
        current = { ...current, ...extra, remote: { ...current.remote, ...patch } };
        await ctx.persist(current);
      };

      // 1. The broadcast: the one we persisted, else one we created before a crash, else a new one.
      let broadcast = current.remote.broadcastId ? await this.#api().getBroadcast(current.remote.broadcastId, ctx.signal) : undefined;
      broadcast ??= await this.#findByMarker(occ, ctx);
      /** The event is new: no stream can exist for it yet, so none is searched for. */
      const fresh = !broadcast;
      if (broadcast) {
        if (broadcast.id !== current.remote.broadcastId) {
          this.#deps.logger.info({ occurrence: occ.id, broadcast: broadcast.id }, 'YouTube: reattached to the event made before a restart');
          await save({ broadcastId: broadcast.id!, liveChatId: broadcast.snippet?.liveChatId ?? '' });
        }
      } else {
        broadcast = await this.#api().insertBroadcast(
          {
            snippet: this.#snippet(occ),
            status: { privacyStatus: occ.youtube.privacy, selfDeclaredMadeForKids: occ.youtube.madeForKids },
            contentDetails: {
              monitorStream: { enableMonitorStream: false },
              // Off: we go live at the scheduled second ourselves, and an encoder
              // reconnect must never end the event (see docs/youtube.md).
              enableAutoStart: false,
              enableAutoStop: false,
            },
          },
          ctx.signal,
        );
        // Persisted before anything else uses the id: a crash after this point reattaches.
        await save({ broadcastId: broadcast.id!, liveChatId: broadcast.snippet?.liveChatId ?? '' });
      }
      const life = broadcast.status?.lifeCycleStatus ?? 'created';
      if (life === 'complete' || life === 'revoked') {
        throw new DestinationError(
          'youtube-event-ended',
          `YouTube: the event for this occurrence has already ended (${life}); it cannot be used again. Delete it in YouTube Studio to have onair create a new one.`,
          false,
        );
      }

      // 2. The stream (not reusable: one per event), found again after a crash by its marker.
      let stream = current.remote.streamId ? await this.#api().getStream(current.remote.streamId, ctx.signal) : undefined;
      if (!stream && !fresh) stream = await this.#findStreamByMarker(occ, ctx);
      if (!stream) {
        stream = await this.#api().insertStream(
          {
            snippet: { title: `onair ${occ.id}`.slice(0, 128), description: occurrenceMarker(occ.id) },
            cdn: { ingestionType: 'rtmp', ...cdnFormat(this.#deps.profile) },
            contentDetails: { isReusable: false },
          },
          ctx.signal,
        );
      }
      if (stream.id !== current.remote.streamId) await save({ streamId: stream.id! });

      // 3. Bind (only while the event has not started; a live event keeps its binding).
      if (broadcast.contentDetails?.boundStreamId !== stream.id && (life === 'created' || life === 'ready')) {
        await this.#api().bind(broadcast.id!, stream.id!, ctx.signal);
      }

      // 4. Thumbnail, once per image. A failure never stops the broadcast: staff read it as
      // the destination's warning on /api/broadcasts, kept until an upload succeeds.
      const thumb = occ.youtube.thumbnail;
      if (thumb && current.remote.thumbnail !== thumb) {
        const refused = await this.#setThumbnail(occ, broadcast.id!, thumb, ctx);
        if (refused) {
          this.#deps.logger.warn({ occurrence: occ.id, reason: refused }, 'YouTube: thumbnail not set; the event goes on without it');
          await save({}, { warning: { code: 'thumbnail-refused', message: refused, retryable: false, at: this.#deps.clock.now().toISOString() } });
        } else {
          const { warning: _cleared, ...rest } = current;
          current = rest;
          await save({ thumbnail: thumb });
        }
      }

      const info = stream.cdn?.ingestionInfo;
      if (!info?.ingestionAddress || !info.streamName) {
        throw new DestinationError('youtube-no-ingest', 'YouTube gave the stream no ingestion address; try again later.', true);
      }
      const live = life === 'live' || life === 'liveStarting';
      await save(
        {},
        {
          status: live ? 'live' : 'ready',
          ingest: { url: `${info.ingestionAddress}/${info.streamName}`, format: 'flv', ...(this.#deps.profile ? { profile: this.#deps.profile } : {}) },
          watchUrl: watchUrl(broadcast.id!),
        },
      );
      return current;
    });
  }

  async awaitIngest(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState> {
    return this.#guard('see the video arrive on YouTube', async () => {
      const streamId = this.#need(state, 'streamId');
      const deadline = this.#deadline();
      let polls = 0;
      for (;;) {
        const stream = await this.#api().getStream(streamId, ctx.signal);
        if (!stream) throw new DestinationError('liveStreamNotFound', 'YouTube: the stream of this event was deleted; it will be made again on the next prepare.', true);
        if (stream.status?.streamStatus === 'active') {
          this.#deps.logger.info({ occurrence: occ.id, polls }, 'YouTube: stream active');
          return state;
        }
        polls++;
        if (this.#deps.clock.now().getTime() > deadline) {
          throw new DestinationError(
            'errorStreamInactive',
            `YouTube did not see the video arrive within ${Math.round((this.#deps.maxWaitMs ?? 180_000) / 1000)} s. Check that the encoder is running and the network reaches YouTube.`,
            true,
          );
        }
        await sleep(this.#deps.clock, this.#pollMs, ctx.signal);
      }
    });
  }

  async goLive(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState> {
    return this.#guard('go live on YouTube', async () => {
      const id = this.#need(state, 'broadcastId');
      const attempts = this.#deps.streamInactiveAttempts ?? 6;
      let inactive = 0;
      const deadline = this.#deadline();
      for (;;) {
        if (this.#deps.clock.now().getTime() > deadline) {
          throw new DestinationError('youtube-live-timeout', 'YouTube did not confirm the event as live in time; it may still go live. Check YouTube Studio.', true);
        }
        const b = await this.#api().getBroadcast(id, ctx.signal);
        if (!b) throw new DestinationError('liveBroadcastNotFound', 'YouTube: the event was deleted (in YouTube Studio?) before it went live.', false);
        const life = b.status?.lifeCycleStatus;
        if (life === 'live') break;
        if (life === 'complete' || life === 'revoked') {
          throw new DestinationError('youtube-event-ended', `YouTube ended the event before it went live (${life}).`, false);
        }
        if (life === 'liveStarting' || life === 'testStarting') {
          await sleep(this.#deps.clock, this.#pollMs / 2, ctx.signal);
          continue;
        }
        try {
          // Already live or going live (redundantTransition) counts as done: the loop reads it.
          await this.#api().transition(id, 'live', 'go live on YouTube', ctx.signal);
        } catch (err) {
          const reason = err instanceof YoutubeCallError ? err.reason : undefined;
          if (reason === 'errorStreamInactive' && ++inactive < attempts) {
            // Right after ffmpeg starts the stream can flicker inactive: give it a moment.
            await sleep(this.#deps.clock, this.#pollMs * 2, ctx.signal);
            continue;
          }
          throw err;
        }
      }
      this.#deps.logger.info({ occurrence: occ.id, broadcast: id }, 'YouTube: live');
      const next: DestinationState = { ...state, status: 'live', watchUrl: watchUrl(id) };
      await ctx.persist(next);
      return next;
    });
  }

  async update(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState> {
    return this.#guard('update the YouTube event', async () => {
      const id = this.#need(state, 'broadcastId');
      const b = await this.#api().getBroadcast(id, ctx.signal);
      if (!b || b.status?.lifeCycleStatus === 'complete') return state;
      await this.#api().updateBroadcast(
        { id, snippet: this.#snippet(occ), status: { privacyStatus: occ.youtube.privacy, selfDeclaredMadeForKids: occ.youtube.madeForKids } },
        ctx.signal,
      );
      return state;
    });
  }

  async end(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState> {
    return this.#guard('end the YouTube event', async () => {
      const id = state.remote.broadcastId;
      if (!id) return { ...state, status: 'complete' };
      const b = await this.#api().getBroadcast(id, ctx.signal);
      const life = b?.status?.lifeCycleStatus;
      if (!b || life === 'complete' || life === 'revoked') return this.#saved(ctx, { ...state, status: 'complete' });
      if (life === 'created' || life === 'ready') {
        // It never went live: remove the event rather than leave a stale "upcoming" one.
        return this.teardown(occ, state, ctx);
      }
      await this.#api().transition(id, 'complete', 'end the YouTube event', ctx.signal);
      this.#deps.logger.info({ occurrence: occ.id, broadcast: id }, 'YouTube: complete');
      return this.#saved(ctx, { ...state, status: 'complete' });
    });
  }

  async teardown(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState> {
    return this.#guard('remove the YouTube event', async () => {
      let broadcastId = state.remote.broadcastId;
      broadcastId ??= (await this.#findByMarker(occ, ctx))?.id ?? undefined;
      if (broadcastId) {
        const b = await this.#api().getBroadcast(broadcastId, ctx.signal);
        const life = b?.status?.lifeCycleStatus;
        if (life === 'live' || life === 'liveStarting' || life === 'testing') {
          // A broadcast on air is ended, never deleted (deleting would remove the recording).
          return this.end(occ, state, ctx);
        }
        if (b) await this.#api().deleteBroadcast(broadcastId, ctx.signal);
      }
      const streamId = state.remote.streamId ?? (await this.#findStreamByMarker(occ, ctx))?.id ?? undefined;
      if (streamId) await this.#api().deleteStream(streamId, ctx.signal);
      const next: DestinationState = { ...state, status: 'cancelled' };
      delete next.ingest;
      delete next.watchUrl;
      return this.#saved(ctx, next);
    });
  }

  // -------------------------------------------------------------------------------------
  // Internals
  // -------------------------------------------------------------------------------------

  #api(): LiveCalls {
    const calls = this.#calls;
    if ('problem' in calls) throw new DestinationError('youtube-not-configured', calls.problem, false);
    return calls;
  }

  /** Turns whatever a step threw into a DestinationError (the port's only error type). */
  async #guard<T>(action: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof DestinationError) throw err;
      if (err instanceof YoutubeCallError) throw err.toDestinationError();
      // Not a googleapis error (those are YoutubeCallError): keep only the message, never the object.
      throw new DestinationError('youtube-error', `YouTube: could not ${action}: ${(err as Error).message}`, true);
    }
  }

  /** Uploads the programme's thumbnail; undefined when set, else why not (in words for staff). */
  async #setThumbnail(occ: Occurrence, broadcastId: string, file: string, ctx: DestinationContext): Promise<string | undefined> {
    const read = await readThumbnail(file, this.#deps.mediaRoot, occ.youtube.thumbnailAt);
    if (!read.ok) return read.message;
    try {
      await this.#api().setThumbnail(broadcastId, { mimeType: read.mimeType, body: read.image }, ctx.signal);
      return undefined;
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      const why = err instanceof YoutubeCallError ? err.toDestinationError().message : (err as Error).message;
      return `YouTube did not take the thumbnail (${why}), so the event goes on without it.`;
    }
  }

  #deadline(): number {
    return this.#deps.clock.now().getTime() + (this.#deps.maxWaitMs ?? 180_000);
  }

  #need(state: DestinationState, key: 'broadcastId' | 'streamId'): string {
    const v = state.remote[key];
    if (!v) throw new DestinationError('youtube-not-prepared', `YouTube: the event is not prepared yet (no ${key}); prepare must run first.`, true);
    return v;
  }

  async #saved(ctx: DestinationContext, state: DestinationState): Promise<DestinationState> {
    await ctx.persist(state);
    return state;
  }

  #text(t: { tr: string; en: string }): string {
    const lang = this.#deps.language;
    return (t[lang] || t[lang === 'tr' ? 'en' : 'tr'] || '').trim();
  }

  #snippet(occ: Occurrence): youtube_v3.Schema$LiveBroadcastSnippet {
    // YouTube refuses < and > in titles; the marker ends the description so a restart finds it.
    const title = this.#text(occ.title).replace(YOUTUBE_TITLE_REFUSED, '').slice(0, YOUTUBE_TITLE_MAX) || occ.programmeId;
    const marker = occurrenceMarker(occ.id);
    const body = this.#text(occ.description).slice(0, DESCRIPTION_MAX - marker.length - 2);
    return {
      title,
      description: body ? `${body}\n\n${marker}` : marker,
      scheduledStartTime: occ.start.toISOString(),
      scheduledEndTime: occ.end.toISOString(),
    };
  }

  /** An upcoming broadcast on the channel made for this occurrence (before a crash). */
  #findByMarker(occ: Occurrence, ctx: DestinationContext): Promise<Broadcast | undefined> {
    const marker = occurrenceMarker(occ.id);
    return this.#api().findUpcomingBroadcast((b) => b.snippet?.description?.includes(marker) ?? false, this.#deps.markerSearchPages ?? 10, ctx.signal);
  }

  /** A stream on the channel made for this occurrence (before a crash). */
  #findStreamByMarker(occ: Occurrence, ctx: DestinationContext): Promise<Stream | undefined> {
    const marker = occurrenceMarker(occ.id);
    return this.#api().findStream((st) => st.snippet?.description?.includes(marker) ?? false, this.#deps.markerSearchPages ?? 10, ctx.signal);
  }
}

/** The resolutions and frame rates liveStreams cdn declares (Google's documented values). */
const CDN_HEIGHTS = [240, 360, 480, 720, 1080, 1440, 2160] as const;
const CDN_FPS = [30, 60] as const;

/**
 * What the stream declares to YouTube: the destination's profile (config `profile`), which is
 * the most it is sent, as Google's enum values (`720p`, `30fps`); `variable` for a picture
 * or rate the enum has no value for (an explicit profile such as 1024×576 at 25 fps), or
 * without a profile.
 */
export function cdnFormat(profile: IngestTarget['profile'] | undefined): { resolution: string; frameRate: string } {
  if (!profile) return { resolution: 'variable', frameRate: 'variable' };
  const height = CDN_HEIGHTS.find((h) => h === profile.height);
  const fps = CDN_FPS.find((f) => f === profile.fps);
  return { resolution: height ? `${height}p` : 'variable', frameRate: fps ? `${fps}fps` : 'variable' };
}

export function watchUrl(broadcastId: string): string {
  return `https://www.youtube.com/watch?v=${broadcastId}`;
}
