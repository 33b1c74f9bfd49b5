// The `rtmp` destination: any RTMP(S) server (Facebook, Twitch, a municipal media
// server). The URL comes from config, the stream key from the environment; the ingest URL
// is url + '/' + key and is never logged (maskUrl). There is no remote event to create,
// so prepare only builds the URL and the other steps record the state.
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../../shared/logger.js';
import { maskUrl } from '../../shared/logger.js';
import type { Occurrence } from '../../schedule/types.js';
import {
  DestinationError,
  type Destination,
  type DestinationContext,
  type DestinationState,
  type IngestTarget,
} from '../../scheduler/ports.js';

export interface RtmpDestinationDeps {
  name: string;
  /** rtmp:// or rtmps:// base URL from config (no secret in it). */
  url: string;
  /** Name of the environment variable for the key (config keyEnv), for messages. */
  keyEnv?: string;
  /** The stream key (config.secrets.streamKeys[name]). */
  streamKey?: string;
  /** The most this destination takes (config `profile`, resolved; IngestTarget.profile). @defaultValue the broadcast's own picture */
  profile?: IngestTarget['profile'];
  logger: Logger;
  /** awaitIngest's check (connect + RTMP handshake) gives up after this long. @defaultValue 5000 */
  connectTimeoutMs?: number;
}

/** Size of C1/S1 in the RTMP handshake (RTMP spec 5.2.3). */
const HANDSHAKE_SIZE = 1536;

/** url + '/' + key, without doubling the slash. */
export function ingestUrl(url: string, key: string | undefined): string {
  return key ? `${url.replace(/\/+$/, '')}/${key}` : url;
}

export class RtmpDestination implements Destination {
  readonly name: string;
  readonly kind = 'rtmp' as const;
  readonly #deps: RtmpDestinationDeps;

  constructor(deps: RtmpDestinationDeps) {
    this.#deps = deps;
    this.name = deps.name;
  }

  async prepare(_occ: Occurrence, state: DestinationState, _ctx?: DestinationContext): Promise<DestinationState> {
    const { keyEnv, streamKey, url, name } = this.#deps;
    if (keyEnv && !streamKey) {
      throw new DestinationError(
        'stream-key-missing',
        `Destination "${name}": its stream key is not set. Put the key in the environment variable ${keyEnv} and restart onair.`,
        false,
      );
    }
    const ingest = ingestUrl(url, streamKey);
    this.#deps.logger.info({ destination: name, ingest: maskUrl(ingest) }, 'rtmp: ingest ready');
    return {
      ...state,
      name,
      kind: 'rtmp',
      status: state.status === 'pending' ? 'ready' : state.status,
      ingest: { url: ingest, format: 'flv', ...(this.#deps.profile ? { profile: this.#deps.profile } : {}) },
    };
  }

  /**
   * A plain RTMP server does not tell whether it sees our stream, so this checks what can
   * be checked: that the server accepts a connection and answers the RTMP handshake (C0+C1
   * out, S0+S1 back). A server that accepts TCP and never answers (a black hole, a wrong
   * port behind a firewall that accepts everything) fails here, with a message, instead of
   * counting as live while nothing is delivered. (ffmpeg keeps reconnecting anyway.)
   */
  async awaitIngest(_occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState> {
    const u = new URL(this.#deps.url);
    const secure = u.protocol === 'rtmps:';
    const port = Number(u.port) || (secure ? 443 : 1935);
    const timeout = this.#deps.connectTimeoutMs ?? 5000;
    await new Promise<void>((resolve, reject) => {
      const socket = secure
        ? tls.connect({ host: u.hostname, port, servername: u.hostname })
        : net.connect({ host: u.hostname, port });
      let connected = false;
      let settled = false;
      const fail = (why: string): void => {
        socket.destroy();
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ctx.signal.removeEventListener('abort', onAbort);
        reject(
          new DestinationError(
            connected ? 'rtmp-handshake' : 'rtmp-unreachable',
            connected
              ? `Destination "${this.name}": ${u.hostname}:${port} accepts connections but ${why}; nothing can be delivered there. Check destinations.${this.name}.url (host, port, rtmp or rtmps) in the config.`
              : `Destination "${this.name}": cannot reach ${u.hostname}:${port} (${why}). Check destinations.${this.name}.url in the config and that the server is up.`,
            true,
          ),
        );
      };
      const timer = setTimeout(
        () => fail(connected ? `it did not answer the RTMP handshake within ${Math.round(timeout / 1000)} s` : `no answer within ${Math.round(timeout / 1000)} s`),
        timeout,
      );
      const onAbort = (): void => fail('stopped');
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        connected = true;
        // C0 (version 3) + C1 (time, zero, 1528 bytes of anything).
        const c1 = Buffer.alloc(1 + HANDSHAKE_SIZE);
        c1[0] = 3;
        socket.write(c1);
      });
      let got = 0;
      socket.on('data', (chunk: Buffer) => {
        if (got === 0 && chunk[0] !== 3) {
          fail(`it answered, but not as an RTMP server (first byte ${chunk[0]})`);
          return;
        }
        got += chunk.length;
        if (got < 1 + HANDSHAKE_SIZE || settled) return;
        settled = true;
        clearTimeout(timer);
        ctx.signal.removeEventListener('abort', onAbort);
        socket.destroy();
        resolve();
      });
      socket.once('close', () => fail(connected ? 'it closed the connection during the RTMP handshake' : 'connection closed'));
      socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
    });
    return state;
  }

  async goLive(_occ: Occurrence, state: DestinationState, _ctx?: DestinationContext): Promise<DestinationState> {
    return { ...state, status: 'live' };
  }

  async update(_occ: Occurrence, state: DestinationState, _ctx?: DestinationContext): Promise<DestinationState> {
    return state; // Titles live on the far side's own page; nothing to send over RTMP.
  }

  async end(_occ: Occurrence, state: DestinationState, _ctx?: DestinationContext): Promise<DestinationState> {
    return { ...state, status: 'complete' };
  }

  async teardown(_occ: Occurrence, state: DestinationState, _ctx?: DestinationContext): Promise<DestinationState> {
    return { ...state, status: 'cancelled' };
  }
}
