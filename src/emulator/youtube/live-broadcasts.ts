// liveBroadcasts as the emulator serves them: insert/list/update/bind/delete with Google's
// validation, and transition with Google's rules (testing needs the monitor stream and an
// active stream; testStarting/liveStarting settle after settleMs; a live broadcast whose
// stream stays silent for noDataEndMs is ended). Each broadcast opens its chat.
import type { Clock } from '../../shared/clock.js';
import { ApiError, errors } from './google-error.js';
import { isActive, type BroadcastEntry, type EmulatorSettings, type EmulatorState, type StreamEntry } from './emulator-state.js';
import type { StreamStatusListener } from './live-streams.js';
import { etag, pick, randomId, videoId, type LiveBroadcast } from './resources.js';
import { thumbnailsFor } from './thumbnails.js';

export interface LiveBroadcastsDeps {
  state: EmulatorState;
  clock: Clock;
  settings: EmulatorSettings;
}

export class LiveBroadcasts implements StreamStatusListener {
  constructor(private readonly deps: LiveBroadcastsDeps) {}

  insert(parts: string[], body: LiveBroadcast): LiveBroadcast {
    if (!this.deps.state.liveStreamingEnabled) throw errors.liveStreamingNotEnabled();
    const snippet = body.snippet ?? {};
    const status = body.status ?? {};
    if (!parts.includes('snippet') || !snippet.title) throw errors.required('snippet.title');
    if (!snippet.scheduledStartTime) throw errors.required('snippet.scheduledStartTime');
    if (!parts.includes('status') || !status.privacyStatus) throw errors.required('status.privacyStatus');
    this.#checkSnippet(snippet);
    this.#checkPrivacy(status.privacyStatus);
    const id = videoId();
    const chatId = randomId('KicKGFVD', 18);
    const cd = parts.includes('contentDetails') ? (body.contentDetails ?? {}) : {};
    const now = this.deps.clock.now().toISOString();
    const resource: LiveBroadcast = {
      kind: 'youtube#liveBroadcast',
      id,
      snippet: {
        publishedAt: now,
        channelId: this.deps.settings.channelId,
        title: snippet.title,
        description: snippet.description ?? '',
        scheduledStartTime: new Date(snippet.scheduledStartTime).toISOString(),
        ...(snippet.scheduledEndTime ? { scheduledEndTime: new Date(snippet.scheduledEndTime).toISOString() } : {}),
        thumbnails: thumbnailsFor(id),
        liveChatId: chatId,
        isDefaultBroadcast: false,
      },
      status: {
        lifeCycleStatus: 'created',
        privacyStatus: status.privacyStatus,
        recordingStatus: 'notRecording',
        madeForKids: status.selfDeclaredMadeForKids ?? false,
        selfDeclaredMadeForKids: status.selfDeclaredMadeForKids ?? false,
      },
      contentDetails: this.#contentDetails(cd, undefined),
      statistics: { concurrentViewers: '0' },
    };
    resource.etag = etag(resource);
    this.deps.state.broadcasts.set(id, { resource, receivedData: false, thumbnailBytes: 0 });
    this.deps.state.chats.set(chatId, { id: chatId, broadcastId: id, messages: [], bans: new Map(), moderators: [], deleted: new Set() });
    return pick(resource, parts);
  }

  list(filter: { id?: string[]; mine?: boolean; broadcastStatus?: string }): LiveBroadcast[] {
    const all = [...this.deps.state.broadcasts.values()].map((b) => b.resource);
    if (filter.id) return all.filter((b) => filter.id!.includes(b.id!));
    if (filter.mine) return all;
    const life = (b: LiveBroadcast): string => b.status?.lifeCycleStatus ?? '';
    switch (filter.broadcastStatus) {
      case 'all':
        return all;
      case 'active':
        return all.filter((b) => ['liveStarting', 'live'].includes(life(b)));
      case 'upcoming':
        return all.filter((b) => ['created', 'ready', 'testStarting', 'testing'].includes(life(b)));
      case 'completed':
        return all.filter((b) => life(b) === 'complete');
      default:
        throw errors.invalidValue('broadcastStatus');
    }
  }

  update(parts: string[], body: LiveBroadcast): LiveBroadcast {
    if (!body.id) throw errors.required('id');
    const entry = this.deps.state.broadcasts.get(body.id);
    if (!entry) throw errors.broadcastNotFound();
    const r = entry.resource;
    // Every mutable field of a named part is replaced: a field left out is reset.
    if (parts.includes('snippet')) {
      const s = body.snippet ?? {};
      if (!s.title) throw errors.required('snippet.title');
      if (!s.scheduledStartTime) throw errors.required('snippet.scheduledStartTime');
      this.#checkSnippet(s);
      r.snippet = {
        ...r.snippet,
        title: s.title,
        description: s.description ?? '',
        scheduledStartTime: new Date(s.scheduledStartTime).toISOString(),
      };
      if (s.scheduledEndTime) r.snippet.scheduledEndTime = new Date(s.scheduledEndTime).toISOString();
      else delete r.snippet.scheduledEndTime;
    }
    if (parts.includes('status')) {
      const st = body.status ?? {};
      if (!st.privacyStatus) throw errors.required('status.privacyStatus');
      this.#checkPrivacy(st.privacyStatus);
      r.status = {
        ...r.status,
        privacyStatus: st.privacyStatus,
        selfDeclaredMadeForKids: st.selfDeclaredMadeForKids ?? false,
        madeForKids: st.selfDeclaredMadeForKids ?? false,
      };
    }
    if (parts.includes('contentDetails')) {
      r.contentDetails = this.#contentDetails(body.contentDetails ?? {}, r.contentDetails?.boundStreamId ?? undefined);
    }
    r.etag = etag(r);
    return pick(r, parts);
  }

  bind(id: string, parts: string[], streamId: string | undefined): LiveBroadcast {
    const entry = this.deps.state.broadcasts.get(id);
    if (!entry) throw errors.broadcastNotFound();
    const r = entry.resource;
    const life = r.status!.lifeCycleStatus!;
    if (!['created', 'ready'].includes(life)) throw errors.bindingNotAllowed();
    if (streamId !== undefined) {
      const s = this.deps.state.streams.get(streamId);
      if (!s) throw errors.streamNotFound();
      r.contentDetails!.boundStreamId = streamId;
      r.contentDetails!.boundStreamLastUpdateTimeMs = this.deps.clock.now().toISOString();
      r.status!.lifeCycleStatus = 'ready';
      if (isActive(s)) this.onStreamActive(s);
    } else {
      delete r.contentDetails!.boundStreamId;
      r.status!.lifeCycleStatus = 'created';
    }
    r.etag = etag(r);
    return pick(r, parts);
  }

  transition(id: string, parts: string[], target: string): LiveBroadcast {
    if (!['testing', 'live', 'complete'].includes(target)) throw errors.invalidValue('broadcastStatus');
    const entry = this.deps.state.broadcasts.get(id);
    if (!entry) throw errors.broadcastNotFound();
    const r = entry.resource;
    const life = r.status!.lifeCycleStatus!;
    const stream = r.contentDetails?.boundStreamId ? this.deps.state.streams.get(r.contentDetails.boundStreamId) : undefined;
    if (target === 'testing') {
      if (life === 'testing' || life === 'testStarting') throw errors.redundantTransition();
      if (life !== 'ready') throw errors.invalidTransition(`Cannot transition from ${life} to testing.`);
      if (!r.contentDetails?.monitorStream?.enableMonitorStream) {
        throw errors.invalidTransition('Testing needs the monitor stream; it is disabled for this broadcast.');
      }
      if (!stream || !isActive(stream)) throw errors.streamInactive();
      this.#settle(entry, 'testStarting', 'testing');
    } else if (target === 'live') {
      if (life === 'live' || life === 'liveStarting') throw errors.redundantTransition();
      if (life === 'testStarting') throw errors.invalidTransition('The broadcast is still starting its test; wait until it is testing.');
      const fromReady = life === 'ready' && !r.contentDetails?.monitorStream?.enableMonitorStream;
      if (!fromReady && life !== 'testing') throw errors.invalidTransition(`Cannot transition from ${life} to live.`);
      if (!stream || !isActive(stream)) throw errors.streamInactive();
      this.#settle(entry, 'liveStarting', 'live');
    } else {
      if (life === 'complete') throw errors.redundantTransition();
      if (!['testing', 'liveStarting', 'live'].includes(life) || !entry.receivedData) {
        throw errors.invalidTransition(`Cannot complete a broadcast that is ${life} and never received data.`);
      }
      this.#complete(entry);
    }
    r.etag = etag(r);
    return pick(r, parts);
  }

  delete(id: string): void {
    const entry = this.deps.state.broadcasts.get(id);
    if (!entry) throw errors.broadcastNotFound();
    entry.settle?.();
    entry.noData?.();
    this.deps.state.broadcasts.delete(id);
    const chatId = entry.resource.snippet?.liveChatId;
    if (chatId) this.deps.state.chats.delete(chatId);
  }

  #checkSnippet(s: { title?: string | null; description?: string | null; scheduledStartTime?: string | null }): void {
    if (s.title && s.title.length > 100) throw errors.invalidValue('snippet.title', 'The title is longer than 100 characters.');
    if (s.title && /[<>]/.test(s.title)) throw errors.invalidValue('snippet.title', 'The title contains invalid characters (< or >).');
    if (s.description && s.description.length > 5000) throw errors.invalidValue('snippet.description', 'The description is longer than 5000 characters.');
    if (s.scheduledStartTime && Number.isNaN(Date.parse(s.scheduledStartTime))) {
      throw new ApiError(400, 'invalidScheduledStartTime', 'Scheduled start time is invalid.', 'youtube.liveBroadcast');
    }
  }

  #checkPrivacy(p: string): void {
    if (!['public', 'unlisted', 'private'].includes(p)) throw new ApiError(400, 'invalidPrivacyStatus', 'Invalid privacy status.', 'youtube.liveBroadcast');
  }

  #contentDetails(cd: NonNullable<LiveBroadcast['contentDetails']>, bound: string | undefined): NonNullable<LiveBroadcast['contentDetails']> {
    return {
      ...(bound ? { boundStreamId: bound } : {}),
      monitorStream: {
        enableMonitorStream: cd.monitorStream?.enableMonitorStream ?? true,
        broadcastStreamDelayMs: cd.monitorStream?.broadcastStreamDelayMs ?? 0,
      },
      enableAutoStart: cd.enableAutoStart ?? false,
      enableAutoStop: cd.enableAutoStop ?? false,
      enableDvr: cd.enableDvr ?? true,
      enableEmbed: cd.enableEmbed ?? true,
      recordFromStart: cd.recordFromStart ?? true,
      enableClosedCaptions: cd.enableClosedCaptions ?? false,
      latencyPreference: cd.latencyPreference ?? 'normal',
      projection: 'rectangular',
    };
  }

  #settle(entry: BroadcastEntry, transitional: string, settled: string): void {
    entry.resource.status!.lifeCycleStatus = transitional;
    entry.settle?.();
    entry.settle = this.deps.clock.at(new Date(this.deps.clock.now().getTime() + this.deps.settings.settleMs), () => {
      entry.settle = undefined;
      if (entry.resource.status!.lifeCycleStatus !== transitional) return;
      entry.resource.status!.lifeCycleStatus = settled;
      if (settled === 'live') {
        entry.resource.snippet!.actualStartTime = this.deps.clock.now().toISOString();
        entry.resource.status!.recordingStatus = 'recording';
        const s = this.deps.state.boundStream(entry);
        if (s && !isActive(s)) this.#armNoDataEnd(entry);
      }
      entry.resource.etag = etag(entry.resource);
    });
  }

  #complete(entry: BroadcastEntry): void {
    entry.settle?.();
    entry.noData?.();
    const r = entry.resource;
    r.status!.lifeCycleStatus = 'complete';
    r.status!.recordingStatus = 'recorded';
    r.snippet!.actualEndTime = this.deps.clock.now().toISOString();
    r.etag = etag(r);
    const chat = r.snippet?.liveChatId ? this.deps.state.chats.get(r.snippet.liveChatId) : undefined;
    if (chat) chat.offlineAt = r.snippet!.actualEndTime;
  }

  /** Cancels every pending settle and no-data timer (the emulator is stopping). */
  stop(): void {
    for (const b of this.deps.state.broadcasts.values()) {
      b.settle?.();
      b.noData?.();
    }
  }

  onStreamInactive(s: StreamEntry): void {
    for (const b of this.deps.state.boundBroadcasts(s)) {
      const life = b.resource.status?.lifeCycleStatus;
      if (life === 'live' && b.resource.contentDetails?.enableAutoStop) this.#complete(b);
      else if (life === 'live') this.#armNoDataEnd(b);
    }
  }

  onStreamActive(s: StreamEntry): void {
    for (const b of this.deps.state.boundBroadcasts(s)) {
      b.noData?.();
      b.noData = undefined;
      const life = b.resource.status?.lifeCycleStatus;
      if (life !== 'complete' && life !== 'revoked') b.receivedData = true;
      // With autoStart on, YouTube goes live by itself as soon as data arrives.
      if (life === 'ready' && b.resource.contentDetails?.enableAutoStart) this.#settle(b, 'liveStarting', 'live');
    }
  }

  #armNoDataEnd(b: BroadcastEntry): void {
    if (this.deps.settings.noDataEndMs <= 0 || b.noData) return;
    b.noData = this.deps.clock.at(new Date(this.deps.clock.now().getTime() + this.deps.settings.noDataEndMs), () => {
      b.noData = undefined;
      const s = this.deps.state.boundStream(b);
      if (b.resource.status?.lifeCycleStatus === 'live' && (!s || !isActive(s))) this.#complete(b);
    });
  }
}
