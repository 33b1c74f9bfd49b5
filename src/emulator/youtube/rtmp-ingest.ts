// The emulator's ingestion address: a real RTMP server on loopback. It reuses
// node-media-server's RTMP protocol parser (handshake, chunking, AMF commands) but not its
// server, whose state is process-global (one Context per process) and which cannot
// listen on port 0; here every emulator owns its own listener and sessions.
import net from 'node:net';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { TypedEmitter } from '../../shared/typed-emitter.js';

/** The slice of node-media-server's Rtmp protocol class used here (it ships no types). */
interface RtmpProtocol {
  onConnectCallback: (req: { app: string; name: string; host: string; query: unknown }) => void;
  onPushCallback: () => void;
  onPlayCallback: () => void;
  onPacketCallback: (packet: { codec_type: number; flags: number; size: number; dts: number }) => void;
  onOutputCallback: (buffer: Buffer) => void;
  parserData(buffer: Buffer): string | null;
}
const require = createRequire(import.meta.url);
const Rtmp = require('node-media-server/src/protocol/rtmp.js') as new () => RtmpProtocol;

const FLV_VIDEO = 9;
const FLV_AUDIO = 8;
/** Packet flags node-media-server gives H.264 key frames (3) and inter frames (4). */
const VIDEO_FRAME_FLAGS = new Set([3, 4]);

export interface IngestEvents {
  [event: string]: (...args: any[]) => void;
  /** A publisher started pushing to app/key. */
  publish: (app: string, key: string) => void;
  /** Media arrived for key (bytes of the message; whether it is a video frame). */
  media: (key: string, bytes: number, videoFrame: boolean, audio: boolean) => void;
  /** The publisher of key went away. */
  unpublish: (key: string) => void;
}

export interface RtmpIngestOptions {
  /** Decides whether a publish to app/key is accepted (unknown keys are refused, as YouTube does). */
  accept(app: string, key: string): boolean;
  host?: string;
}

export class RtmpIngest extends TypedEmitter<IngestEvents> {
  readonly #server: net.Server;
  readonly #sockets = new Map<net.Socket, { key?: string }>();
  readonly #options: RtmpIngestOptions;

  constructor(options: RtmpIngestOptions) {
    super();
    this.#options = options;
    this.#server = net.createServer((socket) => this.#handle(socket));
  }

  async start(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, this.#options.host ?? '127.0.0.1', () => resolve());
    });
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Closes every connection pushing to key (a dropped link as the encoder sees it). */
  disconnect(key: string): number {
    let n = 0;
    for (const [socket, s] of this.#sockets) {
      if (s.key === key) {
        socket.destroy();
        n++;
      }
    }
    return n;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets.keys()) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(socket: net.Socket): void {
    const session: { key?: string; app?: string; publishing?: boolean } = {};
    this.#sockets.set(socket, session);
    const rtmp = new Rtmp();
    rtmp.onOutputCallback = (buffer) => {
      if (!socket.destroyed) socket.write(buffer);
    };
    rtmp.onConnectCallback = (req) => {
      session.app = req.app;
      session.key = req.name;
    };
    rtmp.onPlayCallback = () => socket.destroy(); // the ingest only takes pushes
    rtmp.onPushCallback = () => {
      const { app = '', key = '' } = session;
      if (!this.#options.accept(app, key)) {
        socket.destroy();
        return;
      }
      session.publishing = true;
      this.emit('publish', app, key);
    };
    rtmp.onPacketCallback = (packet) => {
      if (!session.publishing || !session.key) return;
      const video = packet.codec_type === FLV_VIDEO && VIDEO_FRAME_FLAGS.has(packet.flags);
      this.emit('media', session.key, packet.size, video, packet.codec_type === FLV_AUDIO);
    };
    socket.on('data', (data: Buffer) => {
      const err = rtmp.parserData(data);
      if (err != null) socket.destroy();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.#sockets.delete(socket);
      if (session.publishing && session.key) this.emit('unpublish', session.key);
    });
  }
}
