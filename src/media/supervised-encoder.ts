// One supervised ffmpeg pipeline for one occurrence (the Encoder port).
//
// Design: a single ffmpeg per occurrence reads either the slate or the programme and
// writes every destination through one tee (tee.ts: a fifo slave per output that
// reconnects on its own). Switching between slate and programme, and recovering from a
// crash, restarts that one process: the outputs see a short gap (about 0.3–1 s, measured
// by `npm run bench:stream`) and a reconnect, never a minute of silence. This was chosen
// over a two-stage pipeline (source ffmpeg -> local mpegts -> output ffmpeg) because that
// doubles the CPU of a transcode and breaks stream copy at every timestamp jump.
//
// Supervision: progress lines (-progress pipe:1) become health about once a second; no
// progress for `stallMs` counts as a crash; a crash restarts with backoff; a programme
// whose source is gone puts the slate up and retries the source every `sourceRetryMs`;
// restarts beyond the budget, a missing media file and a disk that stays full are fatal.
import { constants } from 'node:fs';
import { access, mkdir, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock, Cancel } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { maskUrl } from '../shared/logger.js';
import { TypedEmitter } from '../shared/typed-emitter.js';
import type {
  Encoder,
  EncoderEvents,
  EncoderHealth,
  EncoderSpec,
  ErrorInfo,
  IngestTarget,
} from '../scheduler/ports.js';
import {
  AUDIO_KBPS,
  copyFormatFor,
  decideMode,
  decidePlaylistMode,
  encodeFormatFor,
  videoBitrateKbps,
  type SendMode,
} from './encoding-profile.js';
import { ffmpegDialect } from './binaries.js';
import { pipelineArgs } from './ffmpeg-args.js';
import { GuardedProcess, type ExitInfo } from './guarded-process.js';
import {
  concatList,
  fileInput,
  liveInput,
  playlistInput,
  slateInput,
  testPatternInput,
  type InputPart,
} from './inputs.js';
import type { MediaInfo, VideoFormat } from './media-info.js';
import { ProbeError, probeFile, probeLive } from './probe.js';
import { ProgressParser, type ProgressSample } from './progress-parser.js';
import { slateMessage, slateTitle, type SlateMessage } from './slate-text.js';
import { classifyStderr, maskUrlsIn } from './stderr-watch.js';
import { recordingSlave, targetSlave } from './tee.js';

export interface EncoderOptions {
  /** SIGINT, then SIGKILL after this long (config engine.stopTimeout). @defaultValue 5000 */
  stopTimeoutMs: number;
  /** No progress line for this long = stalled; ffmpeg is killed and restarted. @defaultValue 10000 */
  stallMs: number;
  /**
   * Waits before the 1st, 2nd, ... restart in a row (capped at the last), short enough that
   * even a crash loop is back on air within 5 s. @defaultValue [250, 500, 1000, 2000]
   */
  backoffMs: readonly number[];
  /** More restarts than this within `restartWindowMs` is fatal. @defaultValue 10 */
  maxRestarts: number;
  /** @defaultValue 300000 (5 min) */
  restartWindowMs: number;
  /** How often a failed source is tried again while the slate is up. @defaultValue 3000 */
  sourceRetryMs: number;
  /** How long a slate/programme switch waits for ffmpeg to finish gracefully. @defaultValue 1500 */
  switchTimeoutMs: number;
  /** Picture of test patterns, live sources and their slate. @defaultValue 1280x720 at 30 fps */
  defaultFormat: VideoFormat;
  /**
   * When every output is local (HLS) and writes keep failing with a full disk for this
   * long, the broadcast is failed ('disk-full'); with other outputs it goes on without
   * the local one. @defaultValue 30000
   */
  diskFullGraceMs: number;
  /**
   * Free space below which the disk of a local (HLS) output counts as full. Checked every
   * few seconds with statfs, because ffmpeg's HLS muxer does not report failed segment
   * writes. @defaultValue 100 MB
   */
  minFreeBytes: number;
}

export const DEFAULT_ENCODER_OPTIONS: EncoderOptions = {
  stopTimeoutMs: 5000,
  stallMs: 10_000,
  backoffMs: [250, 500, 1000, 2000],
  maxRestarts: 10,
  restartWindowMs: 300_000,
  sourceRetryMs: 3000,
  switchTimeoutMs: 1500,
  defaultFormat: { width: 1280, height: 720, fps: 30 },
  diskFullGraceMs: 30_000,
  minFreeBytes: 100 * 1024 * 1024,
};

export interface EncoderDeps {
  ffmpeg: string;
  ffprobe: string;
  /** Pidfiles and per-occurrence scratch files (slate text, concat lists): `<dataDir>/run`. */
  runDir: string;
  /** Font for the slate's text; none = a plain slate. */
  fontFile?: string;
  clock: Clock;
  logger: Logger;
  options?: Partial<EncoderOptions>;
}

type Kind = 'slate' | 'programme';

interface Prepared {
  mode: SendMode;
  reason: string;
  format: VideoFormat;
  /** Nominal output kbit/s, reported when ffmpeg says N/A (it does through the tee). */
  nominalKbps: number;
  hasAudio: boolean;
  /** Item durations of a file or playlist, for resuming at the right place. */
  durationsS: number[];
  liveInfo?: MediaInfo;
}

/** Waits before retrying a live source directly (see #afterProgrammeExit). */
const LIVE_RETRY_MS = [300, 800, 1500];

/** A file-system-safe form of an occurrence id ("story@2026-12-05T11:00" -> "story_2026-12-05T11-00"). */
export function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]+/g, (m) => (m.includes('@') ? '_' : '-')).slice(0, 120);
}

export class SupervisedEncoder implements Encoder {
  readonly #spec: EncoderSpec;
  readonly #deps: EncoderDeps;
  readonly #o: EncoderOptions;
  readonly #events = new TypedEmitter<EncoderEvents>();
  readonly #log: Logger;
  readonly #scratch: string;
  readonly #pidFile: string;
  #health: EncoderHealth = { phase: 'stopped', fps: 0, bitrateKbps: 0, speed: 0, droppedFrames: 0, restarts: 0 };

  #started = false;
  #stopping = false;
  #fatal = false;
  #prepared: Prepared | undefined;
  #wanted: Kind = 'slate';
  #showing: Kind | undefined;
  #proc: GuardedProcess | undefined;
  #runStartedAt = 0;
  #lastProgressAt = 0;
  #lastHealthAt = 0;
  #switchPending = false;
  #restartTimer: Cancel | undefined;
  #tickTimer: Cancel | undefined;
  #restartTimes: number[] = [];
  #consecutiveCrashes = 0;
  #diskFullFirstAt: number | undefined;
  #diskFullLastAt = 0;
  #lastStderr = '';
  /** When the programme was first asked for; positions in files are measured from it. */
  #programmeSince: number | undefined;
  #sourceDown = false;
  /** Direct retries of a live source whose run failed before its first frame. */
  #liveRetries = 0;
  #sourceDownReason = '';
  #checkingSource = false;
  #lastSourceCheck = 0;
  #contentEnded = false;
  #outputProblemAt = new Map<string, number>();
  #pending = new Set<Promise<unknown>>();
  /** Aborts probes in flight when the encoder stops. */
  readonly #abort = new AbortController();

  constructor(spec: EncoderSpec, deps: EncoderDeps) {
    this.#spec = spec;
    this.#deps = deps;
    this.#o = { ...DEFAULT_ENCODER_OPTIONS, ...deps.options };
    this.#log = deps.logger.child({ occurrence: spec.occurrence.id, component: 'encoder' });
    const safe = safeName(spec.occurrence.id);
    this.#scratch = path.join(deps.runDir, safe);
    this.#pidFile = path.join(deps.runDir, `${safe}.pid`);
  }

  get health(): EncoderHealth {
    return { ...this.#health };
  }

  /** Process group id of the running ffmpeg guard (tests and diagnostics). */
  get pid(): number | undefined {
    return this.#proc?.running ? this.#proc.pid : undefined;
  }

  /** How the programme is sent ('copy' or 'encode') and why, once prepared. */
  get mode(): { mode: SendMode; reason: string } | undefined {
    return this.#prepared && { mode: this.#prepared.mode, reason: this.#prepared.reason };
  }

  on<K extends keyof EncoderEvents & string>(event: K, listener: EncoderEvents[K]): () => void {
    return this.#events.on(event, listener);
  }

  start(phase: Kind): void {
    if (this.#started) return;
    this.#started = true;
    this.#wanted = phase;
    if (phase === 'programme') this.#programmeSince = this.#now();
    this.#background(this.#boot());
  }

  show(phase: Kind): void {
    this.#wanted = phase;
    if (phase === 'programme') this.#programmeSince ??= this.#now();
    if (!this.#prepared || this.#stopping) return;
    if (phase === 'programme' && this.#sourceDown) this.#reportSourceDown();
    this.#switchIfNeeded();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#restartTimer?.();
    this.#tickTimer?.();
    this.#abort.abort();
    // ffmpeg first, so the outputs end on time; then whatever task was in flight (no task
    // spawns once #stopping is set: the check sits right before the spawn).
    const proc = this.#proc;
    if (proc) await proc.stop(this.#o.stopTimeoutMs);
    await Promise.allSettled([...this.#pending]);
    if (this.#proc && this.#proc !== proc) await this.#proc.stop(this.#o.stopTimeoutMs);
    if (this.#health.phase !== 'stopped' || this.#health.fps !== 0) {
      this.#health = { ...this.#health, phase: 'stopped', fps: 0, speed: 0, bitrateKbps: 0 };
      this.#events.emit('health', this.health);
    }
    await rm(this.#scratch, { recursive: true, force: true });
  }

  // ---------------------------------------------------------------------------------

  #now(): number {
    return this.#deps.clock.now().getTime();
  }

  #background(p: Promise<unknown>): void {
    const tracked = p.catch((err: unknown) => {
      this.#log.error({ err }, 'encoder task failed');
      if (this.#stopping) return; // e.g. a probe aborted by stop()
      this.#giveUp('encoder-error', `The encoder failed unexpectedly: ${(err as Error).message}`);
    });
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  #error(code: string, message: string, retryable: boolean): ErrorInfo {
    return { code, message, retryable, at: this.#deps.clock.now().toISOString() };
  }

  #problem(code: string, message: string, retryable = true): void {
    this.#log.warn({ code }, message);
    this.#events.emit('problem', this.#error(code, message, retryable));
  }

  #giveUp(code: string, message: string): void {
    if (this.#fatal) return;
    this.#fatal = true;
    this.#stopping = true;
    this.#restartTimer?.();
    this.#tickTimer?.();
    this.#health = { ...this.#health, phase: 'stopped', fps: 0, speed: 0 };
    this.#log.error({ code }, message);
    const error = this.#error(code, message, false);
    // 'fatal' is emitted once no process is left, so the engine can act on it at once.
    const proc = this.#proc;
    const gone = proc ? (proc.kill(), proc.exited) : Promise.resolve();
    const tracked = gone.then(() => this.#events.emit('fatal', error));
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  async #boot(): Promise<void> {
    if (this.#spec.outputs.length === 0) {
      this.#giveUp('no-outputs', 'This broadcast has no destination to send to; add one under `destinations:` in its schedule.');
      return;
    }
    await mkdir(this.#scratch, { recursive: true });
    try {
      this.#prepared = await this.#prepare();
    } catch (err) {
      if (err instanceof ProbeError) {
        this.#giveUp(err.code, this.#mediaMessage(err));
        return;
      }
      throw err;
    }
    if (this.#stopping) return;
    this.#log.info({ mode: this.#prepared.mode, reason: this.#prepared.reason }, 'encoder prepared');
    if (this.#wanted === 'programme' && this.#sourceDown) this.#reportSourceDown();
    this.#tick();
    this.#launch();
  }

  #mediaMessage(err: ProbeError): string {
    const programme = this.#spec.occurrence.programmeId;
    if (err.code === 'media-missing') {
      return `Programme "${programme}": the media file is missing (${err.message}). Copy the file there, or correct \`source:\` in the programme's schedule file.`;
    }
    return `Programme "${programme}": ${err.message}. Replace the file with a working video, or correct \`source:\` in the programme's schedule file.`;
  }

  async #prepare(): Promise<Prepared> {
    const source = this.#spec.occurrence.source;
    const fallback = this.#o.defaultFormat;
    const probeOpts = { ffmpeg: this.#deps.ffmpeg, ffprobe: this.#deps.ffprobe, signal: this.#abort.signal };
    const encoded = (format: VideoFormat): number => videoBitrateKbps(format) + AUDIO_KBPS;
    switch (source.kind) {
      case 'testPattern':
        return { mode: 'encode', reason: 'a generated test pattern', format: fallback, nominalKbps: encoded(fallback), hasAudio: true, durationsS: [] };
      case 'url': {
        // Cameras are always encoded: their GOP and timestamps are not ours to trust,
        // and re-encoding gives every destination one steady format across reconnects.
        let liveInfo: MediaInfo | undefined;
        try {
          liveInfo = await probeLive(source.url, probeOpts);
        } catch (err) {
          if (!(err instanceof ProbeError)) throw err;
          this.#markSourceDown(`the camera at ${maskUrlsIn(source.url)} does not answer (${maskUrlsIn(err.message)})`);
        }
        return { mode: 'encode', reason: 'a live source', format: fallback, nominalKbps: encoded(fallback), hasAudio: liveInfo?.audio !== undefined, durationsS: [], liveInfo };
      }
      case 'file':
      case 'playlist': {
        const files = source.kind === 'file' ? [source.path] : source.items;
        for (const f of files) {
          try {
            await access(f, constants.R_OK);
          } catch {
            throw new ProbeError('media-missing', `${f} does not exist or cannot be read`);
          }
        }
        const infos: MediaInfo[] = [];
        for (const f of files) infos.push(await probeFile(f, probeOpts));
        const decision = source.kind === 'file' ? decideMode(infos[0]!) : decidePlaylistMode(infos);
        const format = decision.mode === 'copy' ? copyFormatFor(infos[0]!) : encodeFormatFor(infos[0], fallback);
        let nominalKbps = encoded(format);
        if (decision.mode === 'copy') {
          const first = infos[0]!;
          const size = (await stat(files[0]!)).size;
          if (first.durationS) nominalKbps = Math.round((size * 8) / first.durationS / 1000);
        }
        return {
          mode: decision.mode,
          reason: decision.reason,
          format,
          nominalKbps,
          hasAudio: infos.every((i) => i.audio !== undefined),
          durationsS: infos.map((i) => i.durationS ?? 0),
        };
      }
    }
  }

  #kindWanted(): Kind {
    return this.#wanted === 'programme' && !this.#sourceDown && !this.#contentEnded ? 'programme' : 'slate';
  }

  #switchIfNeeded(): void {
    const kind = this.#kindWanted();
    if (this.#proc?.running && this.#showing !== kind && !this.#switchPending) {
      this.#switchPending = true;
      void this.#proc.stop(this.#o.switchTimeoutMs);
    }
    this.#background(this.#writeSlateText());
  }

  #slateMessage(): SlateMessage {
    if (this.#contentEnded) return 'ended';
    return this.#programmeSince === undefined ? 'starting' : 'back-soon';
  }

  /**
   * The slate reads its text from files (drawtext reload=1), so a changed message
   * ("starting soon" -> "we'll be right back") needs no restart. Written by rename so
   * drawtext never reads half a file.
   */
  async #writeSlateText(): Promise<{ titleFile: string; messageFile: string }> {
    const titleFile = path.join(this.#scratch, 'slate-title.txt');
    const messageFile = path.join(this.#scratch, 'slate-message.txt');
    if (this.#stopping) return { titleFile, messageFile };
    const put = async (file: string, text: string): Promise<void> => {
      await writeFile(`${file}.tmp`, text);
      await rename(`${file}.tmp`, file);
    };
    await put(titleFile, slateTitle(this.#spec.occurrence.title));
    await put(messageFile, slateMessage(this.#slateMessage()));
    return { titleFile, messageFile };
  }

  async #slatePart(format: VideoFormat): Promise<InputPart> {
    const font = this.#deps.fontFile;
    if (!font) return slateInput(format, undefined);
    const files = await this.#writeSlateText();
    return slateInput(format, { ...files, fontFile: font });
  }

  /** Seconds into the programme's media, following the wall clock since the programme began. */
  #position(): { index: number; offsetS: number } | 'ended' {
    const p = this.#prepared!;
    const total = p.durationsS.reduce((a, b) => a + b, 0);
    let t = this.#programmeSince === undefined ? 0 : (this.#now() - this.#programmeSince) / 1000;
    const source = this.#spec.occurrence.source;
    const loop = (source.kind === 'file' || source.kind === 'playlist') && source.loop === true;
    if (total > 0) {
      if (loop) t %= total;
      else if (t >= total - 1) return 'ended';
    }
    let index = 0;
    while (index < p.durationsS.length - 1 && t >= p.durationsS[index]!) {
      t -= p.durationsS[index]!;
      index++;
    }
    return { index, offsetS: t < 1 ? 0 : t };
  }

  async #programmePart(): Promise<InputPart | 'ended'> {
    const p = this.#prepared!;
    const source = this.#spec.occurrence.source;
    switch (source.kind) {
      case 'testPattern':
        return testPatternInput(source.pattern, source.toneHz, p.format);
      case 'url':
        return liveInput(source.url, p.hasAudio, ffmpegDialect(this.#deps.ffmpeg).rtspTimeout);
      case 'file': {
        const pos = this.#position();
        if (pos === 'ended') return 'ended';
        return fileInput(source.path, { loop: source.loop, seekS: pos.offsetS, hasAudio: p.hasAudio });
      }
      case 'playlist': {
        const pos = this.#position();
        if (pos === 'ended') return 'ended';
        const listFile = path.join(this.#scratch, 'playlist.ffconcat');
        await writeFile(listFile, concatList(source.items.slice(pos.index), pos.offsetS));
        return playlistInput(listFile, { loop: source.loop, hasAudio: p.hasAudio });
      }
    }
  }

  #launch(): void {
    this.#restartTimer = undefined;
    if (this.#stopping || this.#proc?.running) return;
    this.#background(this.#launchAsync());
  }

  async #launchAsync(): Promise<void> {
    const p = this.#prepared!;
    let kind = this.#kindWanted();
    let input: InputPart;
    if (kind === 'programme') {
      const part = await this.#programmePart();
      if (part === 'ended') {
        this.#contentEnded = true;
        this.#problem('source-ended', `Programme "${this.#spec.occurrence.programmeId}": its media ended before the scheduled end; the slate is shown until then.`, false);
        kind = 'slate';
        input = await this.#slatePart(p.format);
      } else {
        input = part;
      }
    } else {
      input = await this.#slatePart(p.format);
    }
    const targets = this.#spec.outputs.map((o) => o.target);
    // The HLS muxer does not create folders; a missing one would fail that output only.
    for (const t of targets) if (t.format === 'hls') await mkdir(path.dirname(t.url), { recursive: true });
    const slaves = targets.map((t) => targetSlave(t));
    if (kind === 'programme') {
      // The archive keeps the programme only, one MPEG-TS part per run (see tee.ts).
      for (const t of targets) {
        if (!t.record) continue;
        await mkdir(t.record, { recursive: true });
        slaves.push(recordingSlave(path.join(t.record, `part-${String(this.#now()).padStart(15, '0')}.ts`)));
      }
    }
    const args = pipelineArgs({ input, mode: kind === 'programme' ? p.mode : 'encode', format: p.format, slaves });
    // Checked here, with no await before the spawn, so stop() never races a new process.
    if (this.#stopping || this.#proc?.running) return;
    const parser = new ProgressParser();
    this.#lastProgressAt = 0;
    this.#runStartedAt = this.#now();
    this.#showing = kind;
    const proc = new GuardedProcess(this.#deps.ffmpeg, args, {
      pidFile: this.#pidFile,
      onStdoutLine: (line) => {
        const sample = parser.push(line);
        if (sample && this.#proc === proc) this.#onProgress(sample, kind);
      },
      onStderrLine: (line) => {
        if (this.#proc === proc) this.#onStderr(line, targets);
      },
    });
    this.#proc = proc;
    this.#log.info({ kind, pid: proc.pid, mode: kind === 'programme' ? p.mode : 'encode' }, 'ffmpeg started');
    void proc.exited.then((info) => this.#onExit(proc, info));
  }

  #onProgress(sample: ProgressSample, kind: Kind): void {
    const now = this.#now();
    this.#lastProgressAt = now;
    if (kind === 'programme') this.#liveRetries = 0;
    // Ten seconds of steady progress ends a crash streak (the backoff starts over).
    if (now - this.#runStartedAt > 10_000) this.#consecutiveCrashes = 0;
    this.#health = {
      phase: kind,
      fps: sample.fps,
      bitrateKbps: sample.bitrateKbps ?? (kind === 'programme' ? this.#prepared!.nominalKbps : videoBitrateKbps(this.#prepared!.format) + AUDIO_KBPS),
      speed: sample.speed,
      droppedFrames: sample.droppedFrames,
      restarts: this.#health.restarts,
      lastProgressAt: new Date(now).toISOString(),
    };
    if (now - this.#lastHealthAt >= 900) {
      this.#lastHealthAt = now;
      this.#events.emit('health', this.health);
    }
  }

  #onStderr(line: string, targets: readonly IngestTarget[]): void {
    this.#lastStderr = line;
    this.#log.debug({ line: maskUrlsIn(line) }, 'ffmpeg');
    const finding = classifyStderr(line, targets);
    if (!finding) return;
    if (finding.kind === 'disk-full') {
      this.#diskFull(finding.detail);
      return;
    }
    const dest = this.#spec.outputs.find((o) => o.target === finding.target)?.destination ?? '?';
    const last = this.#outputProblemAt.get(dest) ?? 0;
    if (this.#now() - last < 20_000) return;
    this.#outputProblemAt.set(dest, this.#now());
    this.#problem(
      'output-failed',
      `Destination "${dest}" is not receiving (${maskUrl(finding.target.url)}: ${maskUrlsIn(finding.detail)}). onair reconnects it every second; the other destinations continue. Check that the server is up and the stream key is right.`,
    );
  }

  #diskFull(detail: string): void {
    const now = this.#now();
    if (this.#diskFullFirstAt === undefined || now - this.#diskFullLastAt > 10_000) {
      this.#diskFullFirstAt = now;
      this.#log.warn({ detail: maskUrlsIn(detail) }, 'disk full');
      this.#problem(
        'disk-full',
        'The disk holding the data folder (ONAIR_DATA_DIR) is full: the local stream and the recording cannot be written. Free space on that disk; onair keeps retrying.',
        false,
      );
    }
    this.#diskFullLastAt = now;
  }

  #lastDiskCheck = 0;

  async #checkDisk(): Promise<void> {
    for (const o of this.#spec.outputs) {
      if (o.target.format !== 'hls') continue;
      const dir = path.dirname(o.target.url);
      try {
        const fs = await statfs(dir);
        const free = fs.bavail * fs.bsize;
        if (free < this.#o.minFreeBytes) this.#diskFull(`${Math.round(free / 1024)} KiB free under ${dir}`);
      } catch {
        // The folder is made at launch; a failed check is not a finding.
      }
    }
  }

  #onExit(proc: GuardedProcess, info: ExitInfo): void {
    if (proc !== this.#proc) return;
    this.#proc = undefined;
    if (this.#stopping) return;
    this.#health = { ...this.#health, fps: 0, speed: 0 };
    if (this.#switchPending) {
      this.#switchPending = false;
      this.#launch();
      return;
    }
    if (this.#showing === 'programme') this.#background(this.#afterProgrammeExit(info));
    else this.#restartAfterCrash(info);
  }

  async #sourceAvailable(): Promise<string | undefined> {
    const source = this.#spec.occurrence.source;
    switch (source.kind) {
      case 'testPattern':
        return undefined;
      case 'url':
        try {
          const info = await probeLive(source.url, { ffmpeg: this.#deps.ffmpeg, ffprobe: this.#deps.ffprobe, signal: this.#abort.signal });
          this.#prepared!.hasAudio = info.audio !== undefined;
          return undefined;
        } catch (err) {
          return `the camera at ${maskUrlsIn(source.url)} does not answer (${maskUrlsIn((err as Error).message)})`;
        }
      case 'file':
      case 'playlist':
        for (const f of source.kind === 'file' ? [source.path] : source.items) {
          try {
            await access(f, constants.R_OK);
          } catch {
            return `the media file ${f} is gone`;
          }
        }
        return undefined;
    }
  }

  async #afterProgrammeExit(info: ExitInfo): Promise<void> {
    const source = this.#spec.occurrence.source;
    // A live source that answered a moment ago but dropped this run before any frame (a
    // camera restarting, or one that serves a single client and was busy with our check):
    // retry it directly a few times before putting the slate up and probing again.
    if (source.kind === 'url' && this.#lastProgressAt === 0 && this.#liveRetries < LIVE_RETRY_MS.length) {
      const wait = LIVE_RETRY_MS[this.#liveRetries++]!;
      this.#restartTimer = this.#deps.clock.at(new Date(this.#now() + wait), () => this.#launch());
      return;
    }
    this.#liveRetries = 0;
    const down = await this.#sourceAvailable();
    if (this.#stopping || this.#proc?.running) return;
    if (down) {
      this.#markSourceDown(down);
      this.#reportSourceDown();
      this.#launch();
      return;
    }
    if (info.code === 0 && (source.kind === 'file' || source.kind === 'playlist') && this.#position() === 'ended') {
      this.#launch(); // #launchAsync notices the end and puts the slate up.
      return;
    }
    this.#restartAfterCrash(info);
  }

  #markSourceDown(reason: string): void {
    this.#sourceDown = true;
    this.#sourceDownReason = reason;
    this.#lastSourceCheck = this.#now();
  }

  #reportSourceDown(): void {
    this.#problem(
      'source-unavailable',
      `Programme "${this.#spec.occurrence.programmeId}": ${this.#sourceDownReason}. The slate is on air; onair tries the source again every ${Math.round(this.#o.sourceRetryMs / 1000)} s. Check the camera or the file.`,
    );
  }

  #restartAfterCrash(info: ExitInfo): void {
    const now = this.#now();
    this.#restartTimes = this.#restartTimes.filter((t) => now - t < this.#o.restartWindowMs);
    this.#restartTimes.push(now);
    const how = info.signal ? `was killed (${info.signal})` : `exited with code ${info.code}`;
    if (this.#restartTimes.length > this.#o.maxRestarts) {
      this.#giveUp(
        'ffmpeg-exit',
        `ffmpeg stopped ${this.#restartTimes.length} times in ${Math.round(this.#o.restartWindowMs / 60000)} min and onair gave up. Last message: ${maskUrlsIn(this.#lastStderr) || 'none'}.`,
      );
      return;
    }
    const delay = this.#o.backoffMs[Math.min(this.#consecutiveCrashes, this.#o.backoffMs.length - 1)] ?? 1000;
    this.#consecutiveCrashes++;
    this.#health = { ...this.#health, restarts: this.#health.restarts + 1 };
    this.#problem('ffmpeg-exit', `ffmpeg ${how}; restarting in ${delay} ms (restart ${this.#health.restarts}).`);
    this.#restartTimer = this.#deps.clock.at(new Date(now + delay), () => this.#launch());
  }

  /** Once a second: stall detection, retrying a failed source, the slate's message. */
  #tick(): void {
    if (this.#stopping) return;
    const now = this.#now();
    const proc = this.#proc;
    if (proc?.running) {
      const since = this.#lastProgressAt || this.#runStartedAt;
      if (now - since > this.#o.stallMs) {
        this.#problem('ffmpeg-stalled', `ffmpeg made no progress for ${Math.round((now - since) / 1000)} s; restarting it.`);
        proc.kill();
      }
    }
    if (now - this.#lastDiskCheck >= 5000) {
      this.#lastDiskCheck = now;
      this.#background(this.#checkDisk());
    }
    const fullSince = this.#diskFullFirstAt;
    if (fullSince !== undefined && now - this.#diskFullLastAt < 10_000 && now - fullSince >= this.#o.diskFullGraceMs) {
      if (this.#spec.outputs.every((o) => o.target.format === 'hls')) {
        this.#giveUp(
          'disk-full',
          'The disk holding the data folder (ONAIR_DATA_DIR) is full, so this broadcast cannot be written. Free space on that disk (old recordings are in <data>/archive), then start the broadcast again.',
        );
        return;
      }
    }
    if (this.#sourceDown && this.#wanted === 'programme' && !this.#checkingSource && now - this.#lastSourceCheck >= this.#o.sourceRetryMs) {
      this.#checkingSource = true;
      this.#background(
        this.#sourceAvailable().then((down) => {
          this.#checkingSource = false;
          this.#lastSourceCheck = this.#now();
          if (down || this.#stopping) return;
          this.#sourceDown = false;
          this.#log.info('source is back; switching to the programme');
          this.#switchIfNeeded();
        }),
      );
    }
    this.#tickTimer = this.#deps.clock.at(new Date(now + 1000), () => this.#tick());
  }
}
