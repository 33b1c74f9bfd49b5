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
// The parts live beside it: programme-source.ts (probing, position, input),
// restart-policy.ts (backoff and budget), disk-watch.ts (a full disk), encoder-options.ts.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Cancel } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { maskUrl } from '../shared/logger.js';
import { TypedEmitter } from '../shared/typed-emitter.js';
import type { Encoder, EncoderEvents, EncoderHealth, EncoderSpec, ErrorInfo, IngestTarget } from '../scheduler/ports.js';
import { DiskWatch } from './disk-watch.js';
import type { SendMode } from './encoding-profile.js';
import { DEFAULT_ENCODER_OPTIONS, type EncoderDeps, type EncoderOptions } from './encoder-options.js';
import { pipelineArgs } from './ffmpeg-args.js';
import { GuardedProcess, type ExitInfo } from './guarded-process.js';
import { slateInput, type InputPart } from './inputs.js';
import type { VideoFormat } from './media-info.js';
import { ProbeError } from './probe.js';
import {
  encodedKbps,
  mediaMessage,
  prepareSource,
  programmeInput,
  programmePosition,
  sourceDownReason,
  type PreparedSource,
} from './programme-source.js';
import { ProgressParser, type ProgressSample } from './progress-parser.js';
import { RestartPolicy } from './restart-policy.js';
import { slateMessage, slateTitle, type SlateMessage } from './slate-text.js';
import { classifyStderr, maskUrlsIn } from './stderr-watch.js';
import { recordingSlave, targetSlave } from './tee.js';

export { DEFAULT_ENCODER_OPTIONS, type EncoderDeps, type EncoderOptions } from './encoder-options.js';


type Kind = 'slate' | 'programme';

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
  #prepared: PreparedSource | undefined;
  #wanted: Kind = 'slate';
  #showing: Kind | undefined;
  #proc: GuardedProcess | undefined;
  #runStartedAt = 0;
  #lastProgressAt = 0;
  #lastHealthAt = 0;
  #switchPending = false;
  #restartTimer: Cancel | undefined;
  #tickTimer: Cancel | undefined;
  readonly #restarts: RestartPolicy;
  readonly #disk: DiskWatch;
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
    this.#restarts = new RestartPolicy(this.#o);
    this.#disk = new DiskWatch({
      outputs: spec.outputs,
      options: this.#o,
      onFull: (detail) => {
        this.#log.warn({ detail: maskUrlsIn(detail) }, 'disk full');
        this.#problem(
          'disk-full',
          'The disk holding the data folder (ONAIR_DATA_DIR) is full: the local stream and the recording cannot be written. Free space on that disk; onair keeps retrying.',
          false,
        );
      },
    });
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
      const { prepared, downReason } = await prepareSource(this.#spec.occurrence.source, {
        ffmpeg: this.#deps.ffmpeg,
        ffprobe: this.#deps.ffprobe,
        signal: this.#abort.signal,
        defaultFormat: this.#o.defaultFormat,
      });
      this.#prepared = prepared;
      if (downReason !== undefined) this.#markSourceDown(downReason);
    } catch (err) {
      if (err instanceof ProbeError) {
        this.#giveUp(err.code, mediaMessage(this.#spec.occurrence.programmeId, err));
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

  /** Seconds since the programme began; positions in its media follow the wall clock. */
  #elapsedS(): number {
    return this.#programmeSince === undefined ? 0 : (this.#now() - this.#programmeSince) / 1000;
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
      const part = await programmeInput(this.#spec.occurrence.source, p, this.#elapsedS(), { ffmpeg: this.#deps.ffmpeg, scratch: this.#scratch });
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
    this.#restarts.progressed(now, this.#runStartedAt);
    this.#health = {
      phase: kind,
      fps: sample.fps,
      bitrateKbps: sample.bitrateKbps ?? (kind === 'programme' ? this.#prepared!.nominalKbps : encodedKbps(this.#prepared!.format)),
      bitrateMeasured: sample.bitrateKbps !== undefined,
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
      this.#disk.full(finding.detail, this.#now());
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

  #checkSource(): Promise<string | undefined> {
    return sourceDownReason(this.#spec.occurrence.source, this.#prepared!, { ffmpeg: this.#deps.ffmpeg, ffprobe: this.#deps.ffprobe, signal: this.#abort.signal });
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
    const down = await this.#checkSource();
    if (this.#stopping || this.#proc?.running) return;
    if (down) {
      this.#markSourceDown(down);
      this.#reportSourceDown();
      this.#launch();
      return;
    }
    if (info.code === 0 && (source.kind === 'file' || source.kind === 'playlist') && programmePosition(source, this.#prepared!, this.#elapsedS()) === 'ended') {
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
    const decision = this.#restarts.crashed(now);
    const how = info.signal ? `was killed (${info.signal})` : `exited with code ${info.code}`;
    if (decision.giveUp) {
      this.#giveUp(
        'ffmpeg-exit',
        `ffmpeg stopped ${decision.crashes} times in ${Math.round(this.#o.restartWindowMs / 60000)} min and onair gave up. Last message: ${maskUrlsIn(this.#lastStderr) || 'none'}.`,
      );
      return;
    }
    const delay = decision.delayMs;
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
    if (this.#disk.checkDue(now)) this.#background(this.#disk.check(() => this.#now()));
    if (this.#disk.mustFail(now)) {
      this.#giveUp(
        'disk-full',
        'The disk holding the data folder (ONAIR_DATA_DIR) is full, so this broadcast cannot be written. Free space on that disk (old recordings are in <data>/archive), then start the broadcast again.',
      );
      return;
    }
    if (this.#sourceDown && this.#wanted === 'programme' && !this.#checkingSource && now - this.#lastSourceCheck >= this.#o.sourceRetryMs) {
      this.#checkingSource = true;
      this.#background(
        this.#checkSource().then((down) => {
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
