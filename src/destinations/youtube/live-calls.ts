// The YouTube Live Streaming calls the destination makes, one typed method each, over
// YoutubeApi.call (quota ledger, retries, Google's reason). The destination says what it
// wants ("get the broadcast", "find the stream carrying this marker"); the request shapes,
// parts and paging live here, once.
import type { youtube_v3 } from '@googleapis/youtube';
import type { YoutubeMethod } from '../../shared/youtube-quota.js';
import { YoutubeCallError, type CallOptions, type YoutubeApi } from './youtube-api.js';

export type Broadcast = youtube_v3.Schema$LiveBroadcast;
export type Stream = youtube_v3.Schema$LiveStream;

const BROADCAST_PARTS = ['id', 'snippet', 'status', 'contentDetails'];
/** Google's largest page for list calls. */
const PAGE_SIZE = 50;

interface Page<T> {
  items?: T[] | null;
  nextPageToken?: string | null;
}

export class LiveCalls {
  readonly #api: YoutubeApi;

  constructor(api: YoutubeApi) {
    this.#api = api;
  }

  get #yt(): youtube_v3.Youtube {
    return this.#api.yt;
  }

  insertBroadcast(body: Broadcast, signal: AbortSignal): Promise<Broadcast> {
    return this.#api.call('liveBroadcasts.insert', 'create the YouTube event', (o) => this.#yt.liveBroadcasts.insert({ part: ['snippet', 'status', 'contentDetails'], requestBody: body }, o), signal);
  }

  /** Replaces every mutable field of snippet and status: send them all. */
  updateBroadcast(body: Broadcast, signal: AbortSignal): Promise<Broadcast> {
    return this.#api.call('liveBroadcasts.update', 'update the YouTube event', (o) => this.#yt.liveBroadcasts.update({ part: ['snippet', 'status'], requestBody: body }, o), signal);
  }

  async getBroadcast(id: string, signal: AbortSignal): Promise<Broadcast | undefined> {
    const data = await this.#api.call('liveBroadcasts.list', 'read the YouTube event', (o) => this.#yt.liveBroadcasts.list({ part: BROADCAST_PARTS, id: [id] }, o), signal);
    return data.items?.[0];
  }

  insertStream(body: Stream, signal: AbortSignal): Promise<Stream> {
    return this.#api.call('liveStreams.insert', 'create the YouTube stream', (o) => this.#yt.liveStreams.insert({ part: ['snippet', 'cdn', 'contentDetails', 'status'], requestBody: body }, o), signal);
  }

  async getStream(id: string, signal: AbortSignal): Promise<Stream | undefined> {
    const data = await this.#api.call('liveStreams.list', 'read the YouTube stream', (o) => this.#yt.liveStreams.list({ part: ['id', 'cdn', 'status'], id: [id] }, o), signal);
    return data.items?.[0];
  }

  async bind(broadcastId: string, streamId: string, signal: AbortSignal): Promise<void> {
    await this.#api.call('liveBroadcasts.bind', 'bind the stream to the YouTube event', (o) => this.#yt.liveBroadcasts.bind({ id: broadcastId, part: ['id', 'contentDetails'], streamId }, o), signal);
  }

  async setThumbnail(videoId: string, media: { mimeType: string; body: Buffer }, signal: AbortSignal): Promise<void> {
    await this.#api.call('thumbnails.set', 'set the thumbnail', (o) => this.#yt.thumbnails.set({ videoId, media }, o), signal);
  }

  /** A transition YouTube says is already done (redundantTransition) counts as done. */
  async transition(id: string, to: 'live' | 'complete', action: string, signal: AbortSignal): Promise<void> {
    try {
      await this.#api.call('liveBroadcasts.transition', action, (o) => this.#yt.liveBroadcasts.transition({ id, part: ['status'], broadcastStatus: to }, o), signal);
    } catch (err) {
      if (!(err instanceof YoutubeCallError && err.reason === 'redundantTransition')) throw err;
    }
  }

  /** Deletes a broadcast; one already gone counts as deleted. */
  deleteBroadcast(id: string, signal: AbortSignal): Promise<void> {
    return this.#deleteIgnoringMissing('liveBroadcasts.delete', 'delete the YouTube event', (o) => this.#yt.liveBroadcasts.delete({ id }, o), signal);
  }

  /** Deletes a stream; one already gone counts as deleted. */
  deleteStream(id: string, signal: AbortSignal): Promise<void> {
    return this.#deleteIgnoringMissing('liveStreams.delete', 'delete the YouTube stream', (o) => this.#yt.liveStreams.delete({ id }, o), signal);
  }

  /** The first upcoming broadcast that `match` accepts, over at most `pages` pages. */
  findUpcomingBroadcast(match: (b: Broadcast) => boolean, pages: number, signal: AbortSignal): Promise<Broadcast | undefined> {
    return this.#firstInPages('liveBroadcasts.list', 'look for an existing YouTube event', match, pages, signal, (pageToken, o) =>
      this.#yt.liveBroadcasts.list({ part: BROADCAST_PARTS, broadcastStatus: 'upcoming', maxResults: PAGE_SIZE, ...(pageToken ? { pageToken } : {}) }, o),
    );
  }

  /** The first of the channel's streams that `match` accepts, over at most `pages` pages. */
  findStream(match: (s: Stream) => boolean, pages: number, signal: AbortSignal): Promise<Stream | undefined> {
    return this.#firstInPages('liveStreams.list', 'look for an existing YouTube stream', match, pages, signal, (pageToken, o) =>
      this.#yt.liveStreams.list({ part: ['id', 'snippet', 'cdn', 'status'], mine: true, maxResults: PAGE_SIZE, ...(pageToken ? { pageToken } : {}) }, o),
    );
  }

  async #firstInPages<T>(
    method: YoutubeMethod,
    action: string,
    match: (item: T) => boolean,
    pages: number,
    signal: AbortSignal,
    list: (pageToken: string | undefined, o: CallOptions) => Promise<{ data: Page<T> }>,
  ): Promise<T | undefined> {
    let pageToken: string | undefined;
    for (let page = 0; page < pages; page++) {
      const data = await this.#api.call(method, action, (o) => list(pageToken, o), signal);
      const found = data.items?.find(match);
      if (found) return found;
      pageToken = data.nextPageToken ?? undefined;
      if (!pageToken) return undefined;
    }
    return undefined;
  }

  async #deleteIgnoringMissing(method: YoutubeMethod, action: string, fn: (o: CallOptions) => Promise<{ data: unknown }>, signal: AbortSignal): Promise<void> {
    try {
      await this.#api.call(method, action, fn, signal);
    } catch (err) {
      if (err instanceof YoutubeCallError && (err.failure.status === 404 || /NotFound$/.test(err.reason))) return;
      throw err;
    }
  }
}
