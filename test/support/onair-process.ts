// Runs the real `node bin/onair.js run` as a child process for black-box tests: its own temp
// schedules/data/media dirs, a temp config dir (config/default.yaml plus overrides), PORT=0
// (the bound port is read from the "onair listening" log line), and a way to SIGKILL it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { SMALL_FORMAT } from './test-encoder-factory.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface OnairDirs {
  root: string;
  schedules: string;
  data: string;
  media: string;
  config: string;
}

/** Makes a fresh set of temp dirs; the config dir holds default.yaml and `overrides` as onairtest.yaml. */
export function makeOnairDirs(overrides: Record<string, unknown> = {}): OnairDirs {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-proc-'));
  const dirs: OnairDirs = {
    root,
    schedules: path.join(root, 'schedules'),
    data: path.join(root, 'data'),
    media: path.join(root, 'media'),
    config: path.join(root, 'config'),
  };
  for (const d of [dirs.schedules, dirs.data, dirs.media, dirs.config]) fs.mkdirSync(d, { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'config/default.yaml'), path.join(dirs.config, 'default.yaml'));
  // Tests poll the API far faster than a person does (the limit is tested in rate-limits.test.ts).
  const server = { apiRequestsPerMinute: 20_000, ...(overrides['server'] as Record<string, unknown> | undefined) };
  // The small test picture, as an operator would set it (config engine.picture): a 720p
  // encode per broadcast would cost these tests most of a core.
  const engine = { picture: SMALL_FORMAT, ...(overrides['engine'] as Record<string, unknown> | undefined) };
  fs.writeFileSync(path.join(dirs.config, 'onairtest.yaml'), stringify({ ...overrides, server, engine }));
  return dirs;
}

export interface LogLine {
  level?: number;
  msg?: string;
  [key: string]: unknown;
}

export interface StartOptions {
  dirs: OnairDirs;
  /** Extra environment (secrets, stream keys). ONAIR_LOG_LEVEL must keep info lines ("onair listening"). */
  env?: Record<string, string>;
  /** How long to wait for "onair listening". @defaultValue 30 s */
  readyTimeoutMs?: number;
  /**
   * Runs onair in its own user+mount namespace (`unshare -Urm`, no root needed where user
   * namespaces are allowed) with a small tmpfs mounted at `dir`, so a test can fill a disk
   * without touching the machine's. The mount vanishes with the process.
   */
  tmpfs?: { dir: string; size: string };
}

export class OnairProcess {
  readonly child: ChildProcess;
  readonly logs: LogLine[] = [];
  /** Raw stderr and non-JSON stdout, for failure messages. */
  readonly output: string[] = [];
  port = 0;
  #waiters: Array<{ match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }> = [];
  #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(child: ChildProcess) {
    this.child = child;
    let buf = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        this.#line(line);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => this.output.push(chunk));
    this.#exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static async start(options: StartOptions): Promise<OnairProcess> {
    const { dirs } = options;
    const node = [process.execPath, path.join(ROOT, 'bin/onair.js'), 'run'];
    const quote = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;
    const [cmd, ...args] = options.tmpfs
      ? [
          'unshare',
          '-Urm',
          'sh',
          '-c',
          `mkdir -p ${quote(options.tmpfs.dir)} && mount -t tmpfs -o size=${options.tmpfs.size} tmpfs ${quote(options.tmpfs.dir)} && exec ${node.map(quote).join(' ')}`,
        ]
      : node;
    const child = spawn(cmd!, args, {
      cwd: dirs.root,
      env: {
        ...process.env,
        NODE_ENV: 'onairtest',
        PORT: '0',
        ONAIR_HOST: '127.0.0.1',
        ONAIR_CONFIG_DIR: dirs.config,
        ONAIR_SCHEDULES_DIR: dirs.schedules,
        ONAIR_DATA_DIR: dirs.data,
        ONAIR_MEDIA_DIR: dirs.media,
        ONAIR_LOG_LEVEL: 'debug',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new OnairProcess(child);
    const ready = proc.waitForLog((l) => l.msg === 'onair listening', options.readyTimeoutMs ?? 30_000);
    const exited = proc.#exited.then(({ code, signal }) => {
      throw new Error(`onair exited before it was ready (code ${code}, signal ${signal}):\n${proc.output.join('')}`);
    });
    // Once ready, a later exit is expected (kill, stop): nothing may await this rejection then.
    exited.catch(() => undefined);
    let line: LogLine;
    try {
      line = await Promise.race([ready, exited]);
    } catch (err) {
      // Never leave a half-started onair behind.
      await proc.kill();
      throw err;
    }
    proc.port = Number(line['port']);
    return proc;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  #line(text: string): void {
    let entry: LogLine;
    try {
      entry = JSON.parse(text) as LogLine;
    } catch {
      this.output.push(text + '\n');
      return;
    }
    this.logs.push(entry);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.match(entry)) return true;
      w.resolve(entry);
      return false;
    });
  }

  /** Resolves with the first log line (past or future) that matches; rejects after `timeoutMs`. */
  waitForLog(match: (l: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> {
    const seen = this.logs.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.resolve !== done);
        reject(new Error(`no matching log line within ${timeoutMs} ms; last lines:\n${this.logs.slice(-15).map((l) => JSON.stringify(l)).join('\n')}\n${this.output.slice(-10).join('')}`));
      }, timeoutMs);
      const done = (l: LogLine): void => {
        clearTimeout(timer);
        resolve(l);
      };
      this.#waiters.push({ match, resolve: done });
    });
  }

  /** SIGKILL: no shutdown code runs (what a power cut or an OOM kill looks like). */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM, then waits for the exit; SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.#exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const result = await this.#exited;
    clearTimeout(timer);
    return result;
  }
}

/**
 * Pids of the broadcasts' output ffmpeg (the long-lived one writing every destination through
 * the tee muxer) mentioning `needle`: one per broadcast on air, whatever decoder feeds it.
 */
export function outputFfmpegMentioning(needle: string): number[] {
  return ffmpegProcessesMentioning(needle, (args) => args.some((a, i) => a === 'tee' && args[i - 1] === '-f'));
}

/** Pids of running ffmpeg processes whose command line mentions `needle` (e.g. a temp data dir). */
export function ffmpegProcessesMentioning(needle: string, also: (args: string[]) => boolean = () => true): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const args = cmdline.split('\0');
    if (!args[0] || !path.basename(args[0]).includes('ffmpeg')) continue;
    try {
      // A zombie has exited already; it is only waiting for its parent to reap it.
      if (/^State:\s+Z/m.test(fs.readFileSync(`/proc/${entry}/status`, 'utf8'))) continue;
    } catch {
      continue;
    }
    if (cmdline.includes(needle) && also(args)) pids.push(Number(entry));
  }
  return pids;
}
