// liveStreams as the emulator serves them, and what decides a stream's status: the data
// the real RTMP ingest receives (video frames make it active, silence makes it inactive
// after inactiveAfterMs), and streams dropped on demand. Bound broadcasts hear of each
// change through a StreamStatusListener (live-broadcasts.ts), so this file does not
// import them.
import type { Clock } from '../../shared/clock.js';
import { errors } from './google-error.js';
import type { IngestStats } from './emulator-backend.js';
import { isActive, type EmulatorSettings, type EmulatorState, type StreamEntry } from './emulator-state.js';
import { etag, pick, randomId, streamKey, type LiveStream } from './resources.js';
import type { RtmpIngest } from './rtmp-ingest.js';

/** Told when a stream turns active or inactive (the broadcasts bound to it react). */
export interface StreamStatusListener {
  onStreamActive(s: StreamEntry): void;
  onStreamInactive(s: StreamEntry): void;
}

export interface LiveStreamsDeps {
  state: EmulatorState;
  clock: Clock;
  settings: EmulatorSettings;
  ingest: RtmpIngest;
  /** The RTMP address streams are told to push to (known once the ingest listens). */
  ingestionAddress: () => string;
  listener: StreamStatusListener;
}

export class LiveStreams {
  constructor(private readonly deps: LiveStreamsDeps) {}

  insert(parts: string[], body: LiveStream): LiveStream {
    if (!this.deps.state.liveStreamingEnabled) throw errors.liveStreamingNotEnabled();
    const snippet = body.snippet ?? {};
    const cdn = body.cdn ?? {};
    if (!parts.includes('snippet') || !snippet.title) throw errors.required('snippet.title');
    if (!parts.includes('cdn') || !cdn.ingestionType) throw errors.required('cdn.ingestionType');
    if (!cdn.resolution) throw errors.required('cdn.resolution');
    if (!cdn.frameRate) throw errors.required('cdn.frameRate');
    if (!['rtmp', 'dash', 'webrtc', 'hls'].includes(cdn.ingestionType)) throw errors.invalidValue('cdn.ingestionType');
    if (!['240p', '360p', '480p', '720p', '1080p', '1440p', '2160p', 'variable'].includes(cdn.resolution)) {
      throw errors.invalidValue('cdn.resolution');
    }
    if (!['30fps', '60fps', 'variable'].includes(cdn.frameRate)) throw errors.invalidValue('cdn.frameRate');
    const id = randomId('emu', 16);
    const key = streamKey();
    const resource: LiveStream = {
      kind: 'youtube#liveStream',
      id,
      snippet: {
        publishedAt: this.deps.clock.now().toISOString(),
        channelId: this.deps.settings.channelId,
        title: snippet.title,
        description: snippet.description ?? '',
        isDefaultStream: false,
      },
      cdn: {
        ingestionType: cdn.ingestionType,
        resolution: cdn.resolution,
        frameRate: cdn.frameRate,
        ingestionInfo: {
          streamName: key,
          ingestionAddress: this.deps.ingestionAddress(),
          backupIngestionAddress: `${this.deps.ingestionAddress()}?backup=1`,
          // Listed as YouTube lists it; the emulator serves plain RTMP only.
          rtmpsIngestionAddress: `rtmps://127.0.0.1:${this.deps.ingest.port}/live2`,
        },
      },
      status: { streamStatus: 'ready', healthStatus: { status: 'noData', configurationIssues: [] } },
      contentDetails: { isReusable: body.contentDetails?.isReusable ?? true, closedCaptionsIngestionUrl: '' },
    };
    resource.etag = etag(resource);
    this.deps.state.streams.set(id, {
      resource,
      key,
      publishing: 0,
      stats: { bytes: 0, videoFrames: 0, audioPackets: 0, publishes: 0 },
      lastDataAt: 0,
      forcedInactiveUntil: 0,
      refuseUntil: 0,
    });
    return pick(resource, parts);
  }

  list(filter: { id?: string[]; mine?: boolean }): LiveStream[] {
    const all = [...this.deps.state.streams.values()].map((s) => s.resource);
    return filter.id ? all.filter((s) => filter.id!.includes(s.id!)) : all;
  }

  delete(id: string): void {
    const s = this.deps.state.streams.get(id);
    if (!s) throw errors.streamNotFound();
    this.#clearTimers(s);
    this.deps.ingest.disconnect(s.key);
    this.deps.state.streams.delete(id);
  }

  dropStream(streamId: string, ms: number, options: { disconnect?: boolean } = {}): void {
    const s = this.deps.state.streams.get(streamId);
    if (!s) throw new Error(`no stream ${streamId}`);
    const until = Date.now() + ms;
    s.forcedInactiveUntil = until;
    if (options.disconnect) {
      s.refuseUntil = until;
      this.deps.ingest.disconnect(s.key);
    }
    this.#setStreamStatus(s, 'inactive', 'noData');
    if (s.forceTimer) clearTimeout(s.forceTimer);
    s.forceTimer = setTimeout(() => {
      s.forceTimer = undefined;
      // Back when data flows again: the next packet makes it active.
    }, ms);
    s.forceTimer.unref();
  }

  /** What the RTMP ingest received for this stream, for tests. */
  ingestStats(streamId: string): IngestStats {
    const s = this.deps.state.streams.get(streamId);
    if (!s) throw new Error(`no stream ${streamId}`);
    return { ...s.stats, active: s.resource.status?.streamStatus === 'active' };
  }

  // The RTMP ingest's hooks (wired by youtube-emulator.ts).

  acceptPublish(app: string, key: string): boolean {
    const s = this.deps.state.streamByKey(key);
    return app === 'live2' && s !== undefined && Date.now() >= s.refuseUntil;
  }

  onPublish(key: string): void {
    const s = this.deps.state.streamByKey(key);
    if (!s) return;
    s.publishing++;
    s.stats.publishes++;
  }

  onMedia(key: string, bytes: number, video: boolean, audio: boolean): void {
    const s = this.deps.state.streamByKey(key);
    if (!s) return;
    s.stats.bytes += bytes;
    if (video) s.stats.videoFrames++;
    if (audio) s.stats.audioPackets++;
    s.lastDataAt = Date.now();
    // Only video frames make a stream active: YouTube waits for a picture, not just audio.
    if (video && !isActive(s) && s.lastDataAt >= s.forcedInactiveUntil) {
      this.#setStreamStatus(s, 'active', 'good');
      this.deps.listener.onStreamActive(s);
    }
    this.#armWatchdog(s);
  }

  onUnpublish(key: string): void {
    const s = this.deps.state.streamByKey(key);
    if (!s) return;
    s.publishing = Math.max(0, s.publishing - 1);
    if (s.publishing === 0 && isActive(s)) this.#setStreamStatus(s, 'inactive', 'noData');
  }

  #armWatchdog(s: StreamEntry): void {
    if (s.watchdog) return;
    const check = (): void => {
      const idle = Date.now() - s.lastDataAt;
      if (idle >= this.deps.settings.inactiveAfterMs) {
        s.watchdog = undefined;
        if (isActive(s)) this.#setStreamStatus(s, 'inactive', 'noData');
        return;
      }
      s.watchdog = setTimeout(check, this.deps.settings.inactiveAfterMs - idle);
      s.watchdog.unref();
    };
    s.watchdog = setTimeout(check, this.deps.settings.inactiveAfterMs);
    s.watchdog.unref();
  }

  /** Clears every stream's timers (the emulator is stopping). */
  stop(): void {
    for (const s of this.deps.state.streams.values()) this.#clearTimers(s);
  }

  #clearTimers(s: StreamEntry): void {
    if (s.watchdog) clearTimeout(s.watchdog);
    if (s.forceTimer) clearTimeout(s.forceTimer);
    s.watchdog = undefined;
    s.forceTimer = undefined;
  }

  #setStreamStatus(s: StreamEntry, status: 'active' | 'inactive', health: 'good' | 'noData'): void {
    const prev = s.resource.status?.streamStatus;
    s.resource.status = {
      streamStatus: status,
      healthStatus: { status: health, lastUpdateTimeSeconds: String(Math.floor(this.deps.clock.now().getTime() / 1000)), configurationIssues: [] },
    };
    s.resource.etag = etag(s.resource);
    if (prev === status) return;
    if (status === 'inactive') this.deps.listener.onStreamInactive(s);
  }
}
