// Whether each RTMP destination's receiver is taking what ffmpeg sends. ffmpeg reports no
// per-output progress through the tee, and a receiver that freezes without closing — it
// accepts TCP and never answers the RTMP handshake, or stops reading mid-stream — makes
// ffmpeg say nothing at all: that output's fifo thread just blocks (its queue drops packets,
// so the other outputs go on) and the destination would read `live` for ever.
//
// The honest signal is the kernel's: the bytes the receiver acknowledged on the output
// ffmpeg's TCP connection to that host:port (`bytes_acked` of TCP_INFO, read with iproute2's
// `ss -tinp`, filtered to the output's pid). A healthy receiver acknowledges more every
// second; a frozen one stops (once its receive buffer is full). The connection's first bytes
// are the RTMP handshake (C0+C1 then C2, 3,073 bytes): a connection that has had no more than
// that acknowledged, stuck, never completed it. Outputs with no connection are not judged
// here: ffmpeg then reports each failed attempt on stderr (output-watch.ts). The same count
// says when a receiver takes the stream again (ffmpeg reconnected it, and it acknowledges
// more and more past the handshake): back() tells, so a failed destination can be live again.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { promisify } from 'node:util';

/** C0 + C1 (1 + 1536) and C2 (1536) bytes, and the SYN the kernel counts as one. */
const HANDSHAKE_BYTES = 1 + 1536 + 1536 + 1;

export interface DeliveryWatchOptions {
  /** A connection that has not got past the RTMP handshake for this long is failed. */
  handshakeTimeoutMs: number;
  /** A connection whose receiver acknowledged nothing more for this long is failed. */
  stallMs: number;
}

export interface DeliveryVerdict {
  destination: string;
  /** What staff read: what the receiver did, and for how long. */
  detail: string;
  stuckMs: number;
}

interface Seen {
  acked: number;
  /** When `acked` last grew (or the connection was new). */
  since: number;
  reported: boolean;
  /** This connection was seen taking the stream (past the handshake, growing) since it was last reported failed. */
  delivering: boolean;
  /** Went from not delivering to delivering; not yet told by back(). */
  cameBack: boolean;
}

/** The judging, pure: fed samples of bytes acknowledged per destination, says who is frozen. */
export class DeliveryWatch {
  readonly #o: DeliveryWatchOptions;
  readonly #seen = new Map<string, Seen>();

  constructor(o: DeliveryWatchOptions) {
    this.#o = o;
  }

  /** The bytes acknowledged on `destination`'s connection at `now`; undefined = no connection. */
  observe(destination: string, acked: number | undefined, now: number): void {
    const s = this.#seen.get(destination);
    if (acked === undefined) {
      // Not connected: reconnecting (stderr says why). A new connection starts afresh, and
      // is told by back() once it takes the stream (the server came back).
      if (s) this.#seen.set(destination, { ...s, acked: 0, since: now, delivering: false });
      return;
    }
    if (!s) {
      this.#seen.set(destination, { acked, since: now, reported: false, delivering: false, cameBack: false });
      return;
    }
    if (acked === s.acked) return;
    // Grew on the same connection past the handshake: the receiver takes the stream. A first
    // sight of a connection (s.acked 0) or a fall (a new connection) proves nothing yet: a
    // receiver's kernel acknowledges what fits its buffers even when the receiver has frozen.
    const taking = s.acked > 0 && acked > s.acked && acked > HANDSHAKE_BYTES;
    const cameBack = taking && !s.delivering;
    this.#seen.set(destination, {
      acked,
      since: now,
      // Taking the stream again: a later stall is a new failure, reported again.
      reported: cameBack ? false : s.reported,
      // A fall is a new connection: not delivering until it is seen growing.
      delivering: acked < s.acked ? false : s.delivering || taking,
      cameBack: s.cameBack || cameBack,
    });
  }

  /**
   * Destinations whose receiver has started taking the stream (acknowledging more and more
   * past the RTMP handshake) on a connection: the first, or a new one after a drop, or the
   * same one after due() reported it; each once. The caller decides whether that is news (a
   * destination failed before) or not.
   */
  back(): string[] {
    const out: string[] = [];
    for (const [destination, s] of this.#seen) {
      if (!s.cameBack) continue;
      s.cameBack = false;
      out.push(destination);
    }
    return out;
  }

  /** Destinations whose receiver has stopped taking data, each returned once. */
  due(now: number): DeliveryVerdict[] {
    const out: DeliveryVerdict[] = [];
    for (const [destination, s] of this.#seen) {
      if (s.reported || s.acked === 0) continue;
      const stuck = now - s.since;
      const inHandshake = s.acked <= HANDSHAKE_BYTES;
      if (stuck < (inHandshake ? this.#o.handshakeTimeoutMs : this.#o.stallMs)) continue;
      s.reported = true;
      s.delivering = false;
      s.cameBack = false;
      const seconds = Math.round(stuck / 1000);
      out.push({
        destination,
        stuckMs: stuck,
        detail: inHandshake
          ? `its server accepted the connection but has not completed the RTMP handshake in ${seconds} s`
          : `its server has acknowledged nothing of what was sent for ${seconds} s (it accepted the stream, then stopped reading)`,
      });
    }
    return out;
  }

  /** Forgets everything (a new output ffmpeg: new connections). */
  reset(): void {
    this.#seen.clear();
  }
}

/** One RTMP output: the destination and where its connection goes. */
export interface DeliveryTarget {
  destination: string;
  host: string;
  port: number;
}

/** The host and port an rtmp:// URL connects to (1935 unless given). */
export function rtmpEndpoint(url: string): { host: string; port: number } | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== 'rtmp:') return undefined;
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : 1935 };
  } catch {
    return undefined;
  }
}

const run = promisify(execFile);

/** `ss -tinpH state established` parsed: for the processes `owned`, bytes acknowledged per peer `ip:port`. */
export function parseSs(text: string, owned: (pid: number) => boolean): Map<string, number> {
  const out = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s/.test(line)) continue;
    const pids = [...line.matchAll(/pid=(\d+),/g)].map((m) => Number(m[1]));
    if (!pids.some(owned)) continue;
    const fields = line.trim().split(/\s+/);
    // Recv-Q Send-Q Local Peer users:(...)
    const peer = fields[3];
    if (!peer) continue;
    const info = lines[i + 1] && /^\s/.test(lines[i + 1]!) ? lines[i + 1]! : '';
    const acked = Number(/\bbytes_acked:(\d+)/.exec(info)?.[1] ?? '0');
    const key = peer.replace(/^\[(.*)\]:(\d+)$/, '$1:$2').replace(/^::ffff:/, '');
    out.set(key, (out.get(key) ?? 0) + acked);
  }
  return out;
}

/** Resolves each target's host once (a name such as a.rtmp.youtube.com) to the addresses it may connect to. */
export async function resolveTargets(targets: readonly DeliveryTarget[]): Promise<Array<DeliveryTarget & { addresses: string[] }>> {
  return Promise.all(
    targets.map(async (t) => {
      if (net.isIP(t.host)) return { ...t, addresses: [t.host] };
      const found = await lookup(t.host, { all: true }).catch(() => []);
      return { ...t, addresses: found.map((a) => a.address) };
    }),
  );
}

/** The process group of `pid` (field 5 of /proc/<pid>/stat), or undefined once it is gone. */
function processGroup(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from its closing one.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

/**
 * Bytes acknowledged on the connections of process group `group` (the output's guard leads
 * it, ffmpeg is in it: guarded-process.ts) to each target, or undefined for a target with no
 * established connection. `ss` is iproute2's (Linux); without it nothing is judged.
 */
export async function sampleDelivery(group: number, targets: ReadonlyArray<DeliveryTarget & { addresses: string[] }>, ss = 'ss', signal?: AbortSignal): Promise<Map<string, number | undefined>> {
  const groups = new Map<number, number | undefined>();
  const inGroup = (pid: number): boolean => {
    if (pid === group) return true;
    if (!groups.has(pid)) groups.set(pid, processGroup(pid));
    return groups.get(pid) === group;
  };
  const { stdout } = await run(ss, ['-tinpH', 'state', 'established'], { maxBuffer: 16 * 1024 * 1024, timeout: 5000, ...(signal ? { signal } : {}) });
  const acked = parseSs(stdout, inGroup);
  const out = new Map<string, number | undefined>();
  for (const t of targets) {
    let sum: number | undefined;
    for (const a of t.addresses) {
      const v = acked.get(`${a}:${t.port}`);
      if (v !== undefined) sum = (sum ?? 0) + v;
    }
    out.set(t.destination, sum);
  }
  return out;
}
