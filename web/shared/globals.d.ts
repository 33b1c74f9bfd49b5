// Globals the pages get from classic <script> tags served by this server:
// /socket.io/socket.io.min.js (socket.io's own client) and /vendor/hls/hls.min.js.
import type { io as ioFn } from 'socket.io-client';
import type HlsClass from 'hls.js';

declare global {
  interface Window {
    io: typeof ioFn;
    Hls?: typeof HlsClass;
    /** Set by tests of the XSS corpus: anything that runs a script would flip it. */
    __xss?: number;
  }
}
export {};
