// The playout of one occurrence (the Encoder port): one continuous output per broadcast,
// fed by short-lived decoders (the shape of professional playout such as ffplayout).
//
// Design: a long-lived OUTPUT ffmpeg reads the broadcast's pipe (playout-pipe.ts),
// encodes once (H.264 CBR + AAC) — or, on the copy path (send-path.ts), copies — and writes
// every destination through one tee (tee.ts: a fifo slave per output that reconnects on its own). DECODERS — the slate, the programme —
// each turn their source into the house format and write it into the pipe, one at a time,
// with timestamps placed after the previous decoder's (ffmpeg-args.ts). So slate ->
// programme -> slate switches, a source that fails and a decoder that crashes all happen
// behind the output: each destination keeps one RTMP connection, one HLS playlist and a
// timeline that only goes forward. Only a crash of the output itself reconnects the
// destinations; it is restarted at once, its timeline continued.
//
// Supervision: the output's progress lines (-progress pipe:1) become health about once a
// second; an output or decoder with no progress for `stallMs` is killed; a programme
// decoder that ends or fails is replaced by the slate at once, its source checked, and the
// programme brought back when the source is (retried every `sourceRetryMs`); crashes count
// against one restart budget; a missing media file and a disk that stays full are fatal.
// The parts live beside it: programme-source.ts (probing, position, input),
// restart-policy.ts (backoff and budget), disk-watch.ts (a full disk),
// recording-parts.ts (the archive keeps the programme), encoder-options.ts.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Cancel } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { maskUrl } from '../shared/logger.js';
import { TypedEmitter } from '../shared/typed-emitter.js';
import type { Localized } from '../schedule/types.js';
import type { Encoder, EncoderEvents, EncoderHealth, EncoderSpec, ErrorInfo, IngestTarget } from '../scheduler/ports.js';
import { DiskWatch } from './disk-watch.js';
import { OutputWatch } from './output-watch.js';
import type { SendMode } from './encoding-profile.js';
import { DEFAULT_ENCODER_OPTIONS, type EncoderDeps, type EncoderOptions } from './encoder-options.js';
import { decoderArgs, outputArgs, programmeWriterArgs } from './ffmpeg-args.js';
import { decoderCodecs } from './decoder-codecs.js';
import { assertPlayoutCapable, unsupportedOutput } from './ffmpeg-capabilities.js';
import { GuardedProcess, type ExitInfo } from './guarded-process.js';
import { slateInput, type InputPart } from './inputs.js';
import { SlateClips, slateClipInput, type SlateClipText } from './slate-clip.js';
import type { VideoFormat } from './media-info.js';
import { nextMediaSequence } from './hls-playlist.js';
import { PlaylistRate } from './output-rate.js';
import { MAIN_STREAMS, outputLadder, slaveStreams, type LadderStreams } from './ladder.js';
import { OutputClock, PipelineLatency, SwitchCost } from './pipeline-latency.js';
import { makeFifo, PlayoutPipe } from './playout-pipe.js';
import { CuedSwitch, heldFits, heldOffsetS } from './preroll.js';
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
import { RecordingParts } from './recording-parts.js';
import { RestartPolicy } from './restart-policy.js';
import { SLATE_MESSAGES, slateMessage, slateTitle, type SlateMessage } from './slate-text.js';
import { classifyStderr, maskUrlsIn } from './stderr-watch.js';
import { directHlsArgs, inFinishingOrder, recordingSlave, targetSlave, timingSlave, type OrderedSlave } from './tee.js';
import { DeliverySampler } from './delivery-sampler.js';

export { DEFAULT_ENCODER_OPTIONS, type EncoderDeps, type EncoderOptions } from './encoder-options.js';

type Kind = 'slate' | 'programme';

/** Waits before retrying a live source directly (see #afterProgrammeExit). */
const LIVE_RETRY_MS = [300, 800, 1500];

/** Space left between one decoder's last timestamp and the next one's first (seconds). */
const HANDOVER_MARGIN_S = 0.1;

/**
 * How early a cued switch to a programme that writes the destinations itself is made
 * before its cost is measured (ms): the output's stop and an ffmpeg start and file open.
 * Measured (bench:start --receiver with BENCH_COPY=1, 720p): 103-251 ms at load 2-3, the
 * starts after a first one led by 250 ms came 2-46 ms early on a quiet machine.
 */
const WRITER_LEAD_MS = 150;
/** How long a rehearsal's slate is held before it is switched to: a pre-rendered clip opens in a fraction of that. */
const REHEARSAL_HOLD_MS = 1000;

/** A file-system-safe form of an occurrence id ("story@2026-12-05T11:00" -> "story_2026-12-05T11-00"). */
export function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]+/g, (m) => (m.includes('@') ? '_' : '-')).slice(0, 120);
}

/** One ffmpeg run (the output or a decoder) and what its progress said. Times: performance.now() ms. */
interface Run {
  proc: GuardedProcess;
  /** Where its timestamps start on the broadcast's timeline (s). */
  offsetS: number;
  spawnedAt: number;
  /**
   * Real time (performance.now()) of the last progress, the spawn time before the first:
   * stall detection. Real, not the injected clock: ffmpeg runs in real time, and a test
   * clock running faster must not make a slow start look like a stall.
   */
  lastProgressAt: number;
  progressed: boolean;
  /** Real time of the last progress and its out_time, for the end of its timeline. */
  progressReal: number;
  outTimeS: number;
  /** Real time of its first progress. */
  firstProgressReal?: number;
}

/**
 * A decoder run and what it decodes; `clip` is the pre-rendered slate it loops; `writes`:
 * the programme writing the destinations itself (the copy path, #spawnWriter);
 * `switchReal`: when the cued switch that let it through (preroll.ts) was decided, until
 * its cost is measured.
 */
type DecoderRun = Run & { kind: Kind; clip?: string; switchReal?: number; writes?: boolean };

/** The last timestamp a run can have written, in seconds on the broadcast's timeline. */
function timelineEnd(run: Run, nowReal: number): number {
  if (!run.progressed) return run.offsetS;
  // Progress comes every 0.5 s; a run at real-time speed wrote at most this much since.
  return run.offsetS + run.outTimeS + Math.max(0, nowReal - run.progressReal) / 1000;
}

export class SupervisedEncoder implements Encoder {
  readonly #spec: EncoderSpec;
  readonly #deps: EncoderDeps;
  readonly #o: EncoderOptions;
  readonly #events = new TypedEmitter<EncoderEvents>();
  readonly #log: Logger;
  readonly #scratch: string;
  readonly #pidFile: string;
  /** Decoders spawned so far: numbers their pidfiles. */
  #decoderSpawns = 0;
  readonly #pipe: PlayoutPipe;
  #health: EncoderHealth = { phase: 'stopped', fps: 0, bitrateKbps: 0, speed: 0, droppedFrames: 0, restarts: 0 };

  #started = false;
  #stopping = false;
  #fatal = false;
  #prepared: PreparedSource | undefined;
  /**
   * The pipe exists and is held open: decoders may start. Not before: a decoder started
   * while the encoder boots (the broadcast went live while ffmpeg's capabilities were still
   * being read) made a plain file where the pipe was to be, and the output then read an
   * empty pipe for ever — no destination got anything — or the pipe could not be made.
   */
  #running = false;
  #wanted: Kind = 'slate';
  /** What the destinations see (the kind of the decoder feeding the output). */
  #showing: Kind | undefined;
  #output: Run | undefined;
  /** The output's timeline end when it last exited (a restart continues from there). */
  #outputEndS = 0;
  /** The running decoder. */
  #decoder: DecoderRun | undefined;
  /** The programme's decoder, pre-rolled and held for a cued switch, or the slate's for its rehearsal (preroll.ts). */
  #held: DecoderRun | undefined;
  /** A rehearsal's switch, due once its held slate has opened. */
  #rehearsalTimer: Cancel | undefined;
  readonly #cue: CuedSwitch;
  /** The output's pipeline latency, measured on air (pipeline-latency.ts). */
  readonly #latency = new PipelineLatency();
  readonly #switchCost: SwitchCost;
  /** Real time a cued switch was decided, until its cost is measured. */
  #cueSwitchReal: number | undefined;
  /**
   * A pre-rolled switch whose first programme frame has not left the output's encoder yet:
   * where its timestamps start (s on the output's timeline), when it was decided and the
   * output latency its lead counted (SwitchCost.recordAir).
   */
  #airPending: { offsetS: number; switchReal: number; latencyMs: number } | undefined;
  /** The decoders' timeline end when the last one exited. */
  #decodersEndS = 0;
  #launchingDecoder = false;
  /** Real time (performance.now()) the first decoder started: 0 s on the timeline. */
  #timelineEpoch: number | undefined;
  #switchPending = false;
  /** The programme is not tried again before this clock time (backoff after a crash). */
  #programmeHeldUntil = 0;
  #restartTimer: Cancel | undefined;
  #outputTimer: Cancel | undefined;
  #tickTimer: Cancel | undefined;
  #lastHealthAt = 0;
  readonly #restarts: RestartPolicy;
  readonly #disk: DiskWatch;
  readonly #outputsFailing: OutputWatch;
  /** Whether each RTMP destination's receiver acknowledges what is sent (delivery-sampler.ts). */
  readonly #delivery: DeliverySampler;
  #recording: RecordingParts | undefined;
  /** The disk filled up: the output runs without its recording slaves (the live stream first). */
  #recordingStopped = false;
  /** The output is being restarted on purpose (without its recording): not a crash. */
  #outputRestartPlanned = false;
  /** The output is stopped while the programme writes the destinations itself (#spawnWriter). */
  #outputParked = false;
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
  /** The slate text's writes, one after another (#writeSlateText). */
  #slateWrites: Promise<unknown> = Promise.resolve();
  /** The output's rate, measured on its local HLS playlist (none without a local destination). */
  readonly #rate: PlaylistRate | undefined;
  /** Pre-rendered slates (slate-clip.ts), shared with the factory's other encoders. */
  readonly #slates: SlateClips;
  /** The title the slate shows (a schedule edit may change it: retitle()). */
  #title: Localized;
  /** Set once a render failed: this broadcast's slate is then drawn live (drawtext). */
  #liveSlate = false;

  constructor(spec: EncoderSpec, deps: EncoderDeps) {
    this.#spec = spec;
    this.#deps = deps;
    this.#o = { ...DEFAULT_ENCODER_OPTIONS, ...deps.options };
    this.#log = deps.logger.child({ occurrence: spec.occurrence.id, component: 'encoder' });
    const safe = safeName(spec.occurrence.id);
    this.#scratch = path.join(deps.runDir, safe);
    this.#pidFile = path.join(deps.runDir, `${safe}.pid`);
    this.#pipe = new PlayoutPipe(path.join(this.#scratch, 'playout.ts'));
    this.#restarts = new RestartPolicy(this.#o);
    this.#outputsFailing = new OutputWatch({ budgetMs: this.#o.outputRetryBudgetMs });
    // The same budget as a receiver that refuses: not receiving is not receiving, whether ffmpeg
    // says so or only the kernel sees it. A handshake is a second's work: 10 s is generous.
    this.#delivery = new DeliverySampler({
      stallMs: this.#o.outputRetryBudgetMs,
      handshakeTimeoutMs: Math.min(10_000, this.#o.outputRetryBudgetMs),
      outputs: spec.outputs.filter((o) => o.target.format === 'flv').map((o) => ({ destination: o.destination, url: o.target.url })),
      now: () => this.#now(),
      stopped: () => this.#stopping,
      signal: this.#abort.signal,
      warn: (err) => this.#log.warn({ err }, 'cannot read the RTMP connections\' acknowledged bytes (ss); until it can, a receiver that freezes without closing is not noticed'),
    });
    const hls = spec.outputs.find((o) => o.target.format === 'hls');
    this.#rate = hls ? new PlaylistRate(hls.target.url) : undefined;
    this.#slates = deps.slates ?? slateClipsFor(deps);
    this.#switchCost = deps.switchCost ?? new SwitchCost();
    this.#cue = new CuedSwitch({
      clock: deps.clock,
      leadMs: () => this.#leadMs(),
      preroll: (switchAt) => this.#background(this.#preroll(switchAt)),
      switchNow: () => {
        this.#wanted = 'programme';
        this.#programmeSince ??= this.#now();
        this.#cueSwitchReal = performance.now();
        this.#log.info({ cueAt: new Date(this.#cue.at ?? 0).toISOString(), leadMs: Math.round(this.#leadMs()) }, 'cued switch to the programme');
        this.#switchIfNeeded();
      },
      switchBack: () => {
        this.#wanted = 'slate';
        this.#programmeSince = undefined;
        this.#switchIfNeeded();
      },
      programmeWanted: () => this.#wanted === 'programme',
      ready: () => this.#running && !this.#stopping,
      // This output's own latency: the rehearsal's measure counts it (#airPending).
      rehearsalWanted: () =>
        this.#switchCost.airMs === undefined && this.#latency.ms !== undefined && !this.#held && !this.#liveSlate && !this.#switchPending && this.#decoder?.kind === 'slate',
      rehearse: () => this.#background(this.#rehearse()),
    });
    this.#title = spec.occurrence.title;
    this.#disk = new DiskWatch({
      outputs: spec.outputs,
      options: this.#o,
      onFull: (detail) => {
        this.#log.warn({ detail: maskUrlsIn(detail) }, 'disk full');
        // Degrade first: the recording grows without end, the live playlist does not.
        const stopped = this.#stopRecording();
        this.#problem(
          'disk-full',
          stopped
            ? 'The disk holding the data folder (ONAIR_DATA_DIR) is nearly full: the recording of this broadcast is stopped (the parts recorded so far are kept) so that the live stream goes on. Free space on that disk (old recordings are in <data>/archive).'
            : 'The disk holding the data folder (ONAIR_DATA_DIR) is full: the local stream and the recording cannot be written. Free space on that disk; onair keeps retrying.',
          false,
        );
      },
    });
  }

  get health(): EncoderHealth {
    return { ...this.#health };
  }

  /** Process group id of the running output ffmpeg's guard (tests and diagnostics). */
  get pid(): number | undefined {
    return this.#output?.proc.running ? this.#output.proc.pid : undefined;
  }

  /** Process group id of the running decoder's guard, and what it decodes (tests and diagnostics). */
  get decoder(): { pid: number; kind: Kind } | undefined {
    const d = this.#decoder;
    return d?.proc.running ? { pid: d.proc.pid, kind: d.kind } : undefined;
  }

  /**
   * How the programme is sent and why, once prepared. On the copy path (send-path.ts) the
   * output copies the programme and a slate made in its format. Otherwise the continuous
   * output encodes every source once (slate and programme must share one stream); a source
   * that could be copied only lends the output its own picture size and rate, so nothing is scaled.
   */
  get mode(): { mode: SendMode; reason: string } | undefined {
    const p = this.#prepared;
    if (!p) return undefined;
    if (p.path.path === 'copy') return { mode: 'copy', reason: p.path.reason };
    if (p.mode === 'copy') return { mode: 'encode', reason: `${p.path.reason}: encoded once by the continuous output in the source's own format` };
    return { mode: 'encode', reason: p.path.reason };
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
    // Still booting: the boot starts what is wanted once the pipe is there.
    if (!this.#running || this.#stopping) return;
    this.#cue.plan();
    if (phase === 'programme' && this.#sourceDown) this.#reportSourceDown();
    this.#switchIfNeeded();
  }

  /**
   * The programme's first frame should leave the output at `at` (preroll.ts): its source
   * is opened ahead and held, and the switch is made early by the output's measured
   * latency. undefined drops the cue. show('programme') still switches at once.
   */
  cue(at: Date | undefined): void {
    if (this.#o.preroll) this.#cue.set(at?.getTime());
  }

  /**
   * How early a cued switch is made (ms): the output's latency and the switch's own cost,
   * as measured (the whole cost seen at the encoder once a pre-rolled switch was measured).
   */
  #leadMs(): number {
    // The programme writes the destinations itself: the switch parks the output and
    // starts that ffmpeg (no pre-roll), at the cost measured for such switches.
    if (this.#copyPath()) return this.#switchCost.writerMs ?? WRITER_LEAD_MS;
    return (this.#latencyMs() ?? 0) + (this.#switchCost.airMs ?? this.#switchCost.ms);
  }

  /** The output latency a cued switch counts: this output's, else the factory's last measured. */
  #latencyMs(): number | undefined {
    // A copying output passes packets on as they come: no encoder delays them.
    if (this.#copyPath()) return 0;
    return this.#latency.ms ?? this.#switchCost.lastLatencyMs;
  }

  /** A new title: the slate is re-rendered with it (and its other messages ahead). */
  retitle(title: Localized): void {
    if (JSON.stringify(title) === JSON.stringify(this.#title)) return;
    this.#title = title;
    if (!this.#running || this.#stopping) return;
    this.#background(this.#refreshSlate());
    this.#background(this.#renderSlatesAhead());
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#cue.clear();
    const held = this.#held?.proc;
    held?.kill();
    this.#rehearsalTimer?.();
    this.#restartTimer?.();
    this.#outputTimer?.();
    this.#tickTimer?.();
    this.#abort.abort();
    // The decoder first, then the output, so the outputs end on time and cleanly; then
    // whatever task was in flight (no task spawns once #stopping is set: the check sits
    // right before each spawn).
    const decoder = this.#decoder?.proc;
    const output = this.#output?.proc;
    if (decoder) await decoder.stop(Math.min(this.#o.stopTimeoutMs, this.#o.switchTimeoutMs));
    // The output reads the pipe, which onair holds open (so a decoder's end is not the
    // input's): with the decoder gone, it would wait in that read for good, deaf to SIGINT
    // (ffmpeg checks for it between reads), and every stop ended in SIGKILL at the timeout,
    // its outputs unfinished. Letting go of the pipe gives it the end of its input.
    await held?.exited;
    await this.#pipe.close();
    if (output) {
      const exit = await output.stop(this.#o.stopTimeoutMs);
      // A SIGKILL leaves the outputs as they were (no last segment, a cut recording part).
      if (exit.signal === 'SIGKILL') this.#log.warn({ role: 'output', stopTimeoutMs: this.#o.stopTimeoutMs }, 'output ffmpeg did not end on SIGINT; killed at engine.stopTimeout, its outputs unfinished');
      else this.#log.info({ role: 'output', code: exit.code, signal: exit.signal }, 'output ffmpeg ended, its outputs finished');
    }
    await Promise.allSettled([...this.#pending]);
    for (const run of [this.#decoder, this.#output]) if (run && run.proc.running) await run.proc.stop(this.#o.stopTimeoutMs);
    if (this.#health.phase !== 'stopped' || this.#health.fps !== 0) {
      this.#health = { ...this.#health, phase: 'stopped', fps: 0, speed: 0, bitrateKbps: 0 };
      this.#events.emit('health', this.health);
    }
    this.#recording?.showing(false, Date.now());
    await this.#recording?.prune(true);
    await this.#pipe.close();
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
    this.#outputTimer?.();
    this.#tickTimer?.();
    this.#health = { ...this.#health, phase: 'stopped', fps: 0, speed: 0 };
    this.#cue.clear();
    this.#held?.proc.kill();
    this.#rehearsalTimer?.();
    this.#log.error({ code }, message);
    const error = this.#error(code, message, false);
    // 'fatal' is emitted once no process is left, so the engine can act on it at once.
    const gone = Promise.all(
      [this.#decoder?.proc, this.#output?.proc].map((proc) => (proc ? (proc.kill(), proc.exited) : undefined)),
    );
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
        mediaRoot: this.#deps.mediaRoot,
        outputs: this.#spec.outputs,
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
    // Read in the background since start; checked after the probe so a missing file is
    // reported first and neither waits on the other.
    const caps = await this.#deps.capabilities;
    if (caps) {
      try {
        assertPlayoutCapable(caps);
      } catch (err) {
        this.#giveUp('ffmpeg-unsupported', (err as Error).message);
        return;
      }
    }
    for (const o of this.#spec.outputs) {
      const why = caps && unsupportedOutput(caps, o.target.url);
      if (why) {
        this.#giveUp('ffmpeg-unsupported', `Destination "${o.destination}": ${why}`);
        return;
      }
    }
    if (this.#stopping) return;
    // A file starts at its beginning when the programme first really goes on air, not
    // part-way in because probing took a moment.
    if (this.#wanted === 'programme') this.#programmeSince = this.#now();
    await this.#pipe.open();
    const records = this.#spec.outputs.map((o) => o.target.record).filter((r): r is string => r !== undefined);
    if (records.length > 0) this.#recording = new RecordingParts(records, this.#prepared.keyframeGapS);
    this.#log.info({ ...this.mode, format: this.#prepared.format }, 'encoder prepared');
    if (this.#wanted === 'programme' && this.#sourceDown) this.#reportSourceDown();
    this.#running = true;
    this.#tick();
    this.#background(this.#launchOutput());
    this.#launchDecoder();
    this.#background(this.#renderSlatesAhead());
    this.#cue.plan();
  }

  // --- the output ------------------------------------------------------------------

  /**
   * What a run that writes the destinations writes them with (the output; on the copy path
   * the programme too, #spawnWriter): the tee's slaves in finishing order, or one HLS
   * muxer of its own (`direct`), and the ladder. A new run continues each playlist's
   * numbering (tee.ts) and records into parts of its own.
   */
  async #muxers(): Promise<{ targets: IngestTarget[]; ladder: LadderStreams | undefined; slaves: string[]; direct: string[] | undefined }> {
    const p = this.#prepared!;
    const targets = this.#spec.outputs.map((o) => o.target);
    // The HLS muxer does not create folders; a missing one would fail that output only.
    for (const t of targets) if (t.format === 'hls') await mkdir(path.dirname(t.url), { recursive: true });
    const ordered: OrderedSlave[] = [];
    const ladder = outputLadder(p.format, targets);
    const starts: number[] = [];
    for (const t of targets) starts.push(t.format === 'hls' ? await nextMediaSequence(t.url) : 0);
    targets.forEach((t, i) => ordered.push({ slave: targetSlave(t, undefined, starts[i], slaveStreams(ladder, t)), network: t.format === 'flv' }));
    for (const t of targets) {
      if (!t.record || this.#recordingStopped) continue;
      await mkdir(t.record, { recursive: true });
      // One prefix per run, so a restarted output never overwrites a part.
      ordered.push({ slave: recordingSlave(path.join(t.record, `part-${String(Date.now()).padStart(15, '0')}`), undefined, ladder ? { select: MAIN_STREAMS } : {}), network: false });
    }
    const copy = this.#copyPath();
    // A copy has no encoder whose latency to measure (#latencyMs), and one HLS output with
    // no recording needs no tee: its own muxer writes it (bench:stream's long-GOP row).
    if (!copy) ordered.push({ slave: timingSlave(), network: false });
    const direct = copy && ordered.length === 1 && targets[0]!.format === 'hls' ? directHlsArgs(targets[0]!, starts[0], slaveStreams(ladder, targets[0]!)) : undefined;
    // Files before receivers, so a stop finishes them even with a black hole in the tee.
    return { targets, ladder, slaves: inFinishingOrder(ordered), direct };
  }

  async #launchOutput(): Promise<void> {
    this.#outputTimer = undefined;
    if (this.#stopping || this.#output?.proc.running || this.#outputParked) return;
    const p = this.#prepared!;
    const { targets, ladder, slaves, direct } = await this.#muxers();
    const copy = this.#copyPath();
    const offsetS = this.#outputEndS > 0 ? this.#outputEndS + HANDOVER_MARGIN_S : 0;
    const args = outputArgs({ format: p.format, pipe: this.#pipe.path, slaves, offsetS, ...(ladder ? { ladder } : {}), copy, ...(direct ? { direct } : {}) });
    // Checked here, with no await before the spawn, so stop() never races a new process.
    if (this.#stopping || this.#output?.proc.running || this.#outputParked) return;
    const parser = new ProgressParser();
    const clock = new OutputClock();
    let packets = 0;
    const proc = new GuardedProcess(this.#deps.ffmpeg, args, {
      pidFile: this.#pidFile,
      onStdoutLine: (line) => {
        const sample = parser.push(line);
        if (sample && this.#output?.proc === proc) this.#onOutputProgress(sample);
      },
      onStderrLine: (line) => {
        const dtsS = clock.push(line);
        if (dtsS === 'header') return;
        if (dtsS === undefined) {
          if (this.#output?.proc === proc) this.#onStderr(line, targets);
        } else if (this.#output?.proc === proc) {
          this.#watchAir(this.#output, dtsS);
          if (++packets % 5 === 0) this.#sampleLatency(this.#output, dtsS);
        }
      },
    });
    const now = this.#now();
    this.#output = { proc, offsetS, spawnedAt: now, lastProgressAt: performance.now(), progressed: false, progressReal: 0, outTimeS: 0 };
    this.#log.info({ role: 'output', pid: proc.pid, offsetS, format: p.format, ...(ladder?.branches ? { branches: ladder.branches } : {}) }, 'ffmpeg started');
    void proc.exited.then((info) => this.#onOutputExit(proc, info));
  }

  #onOutputProgress(sample: ProgressSample): void {
    const run = this.#output!;
    run.lastProgressAt = performance.now();
    run.progressed = true;
    run.progressReal = performance.now();
    run.outTimeS = sample.outTimeS;
    run.firstProgressReal ??= run.progressReal;
    this.#healthFrom(run, sample);
  }

  /** Health from the progress of the run that writes the destinations (the output, or the programme writing them itself). */
  #healthFrom(run: Run, sample: ProgressSample): void {
    const now = this.#now();
    this.#restarts.progressed(now, run.spawnedAt);
    // ffmpeg's own figure is N/A through the tee: the bytes written are measured instead.
    const measured = sample.bitrateKbps ?? this.#rate?.current(performance.now(), (p) => this.#background(p));
    const mode = this.mode;
    this.#health = {
      phase: this.#showing ?? 'slate',
      fps: sample.fps,
      bitrateKbps: measured ?? encodedKbps(this.#prepared!.format),
      bitrateMeasured: measured !== undefined,
      speed: sample.speed,
      droppedFrames: sample.droppedFrames,
      restarts: this.#health.restarts,
      lastProgressAt: new Date(now).toISOString(),
      ...(mode ? { mode: mode.mode, modeReason: mode.reason } : {}),
    };
    if (now - this.#lastHealthAt >= 900) {
      this.#lastHealthAt = now;
      this.#events.emit('health', this.health);
    }
  }

  /**
   * The output's latency, from a steady state only: the first output run (a restarted one
   * counts its timeline from an estimate) on air for 2 s, and one decoder for 1 s.
   */
  #sampleLatency(out: Run, dtsS: number): void {
    const d = this.#decoder;
    const real = performance.now();
    if (out.offsetS !== 0 || out.firstProgressReal === undefined || real - out.firstProgressReal < 2000) return;
    if (!d?.firstProgressReal || real - d.firstProgressReal < 1000 || this.#switchPending) return;
    this.#latency.sample(timelineEnd(d, real), dtsS);
    if (this.#latency.ms !== undefined) this.#switchCost.lastLatencyMs = this.#latency.ms;
  }

  /** The first programme frame of a pre-rolled switch leaves the encoder: its whole cost is measured. */
  #watchAir(out: Run, dtsS: number): void {
    const a = this.#airPending;
    if (!a) return;
    // A restarted output's timeline is counted from an estimate: no measure.
    if (out.offsetS !== 0) this.#airPending = undefined;
    else if (dtsS >= a.offsetS - 0.5 / this.#prepared!.format.fps) {
      this.#airPending = undefined;
      const airMs = performance.now() - a.switchReal - a.latencyMs;
      const kind = this.#decoder?.kind;
      if (kind === 'slate') this.#switchCost.recordRehearsal(airMs);
      else this.#switchCost.recordAir(airMs);
      this.#log.info({ airMs: Math.round(airMs), kind }, 'pre-rolled switch left the encoder');
    }
  }

  #onOutputExit(proc: GuardedProcess, info: ExitInfo): void {
    const run = this.#output;
    if (!run || run.proc !== proc) return;
    this.#output = undefined;
    if (this.#stopping) return;
    this.#outputEndS = Math.max(this.#outputEndS, timelineEnd(run, performance.now()));
    // Stopped for the programme to write the destinations itself (#parkOutput).
    if (this.#outputParked) return;
    this.#health = { ...this.#health, fps: 0, speed: 0 };
    // The decoder waited on the pipe meanwhile: it is not to blame for the pause.
    if (this.#decoder) this.#decoder.lastProgressAt = performance.now();
    if (this.#outputRestartPlanned) {
      this.#outputRestartPlanned = false;
      this.#background(this.#launchOutput());
      return;
    }
    const decision = this.#crashed();
    if (!decision) return;
    const how = info.signal ? `was killed (${info.signal})` : `exited with code ${info.code}`;
    this.#health = { ...this.#health, restarts: this.#health.restarts + 1 };
    // The destinations are without data until it is back: the first restart is immediate.
    const delay = decision.streak === 0 ? 0 : decision.delayMs;
    this.#problem('ffmpeg-exit', `The output ffmpeg ${how}; restarting it in ${delay} ms (restart ${this.#health.restarts}). The destinations reconnect.`);
    if (delay === 0) this.#background(this.#launchOutput());
    else this.#outputTimer = this.#deps.clock.at(new Date(this.#now() + delay), () => this.#background(this.#launchOutput()));
  }

  /**
   * Stops recording (the disk is filling up): the output is restarted at once without its
   * recording slaves, its timeline and playlists continued (a restart every destination
   * already survives), and the parts recorded so far stay for the archive. False when there
   * was no recording to stop.
   */
  #stopRecording(): boolean {
    if (this.#recordingStopped || !this.#spec.outputs.some((o) => o.target.record)) return false;
    this.#recordingStopped = true;
    const out = this.#output;
    if (out?.proc.running) {
      this.#outputRestartPlanned = true;
      out.proc.kill();
    }
    // The programme writing the destinations itself is switched to itself, without them.
    const d = this.#decoder;
    if (d?.writes && d.proc.running && !this.#switchPending) {
      this.#switchPending = true;
      void d.proc.stop(this.#o.switchTimeoutMs);
    }
    return true;
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
    // A stop's second SIGINT cuts a receiver still in its handshake ("Immediate exit requested"): not its fault.
    if (this.#stopping) return;
    const dest = this.#spec.outputs.find((o) => o.target === finding.target)?.destination ?? '?';
    this.#outputsFailing.failed(dest, maskUrlsIn(finding.detail), this.#now());
    const last = this.#outputProblemAt.get(dest) ?? 0;
    if (this.#now() - last < 20_000) return;
    this.#outputProblemAt.set(dest, this.#now());
    this.#problem(
      'output-failed',
      `Destination "${dest}" is not receiving (${maskUrl(finding.target.url)}: ${maskUrlsIn(finding.detail)}). onair reconnects it every second; the other destinations continue. Check that the server is up and the stream key is right.`,
    );
  }

  // --- the decoders ----------------------------------------------------------------

  #kindWanted(): Kind {
    return this.#wanted === 'programme' && !this.#sourceDown && !this.#contentEnded && this.#now() >= this.#programmeHeldUntil
      ? 'programme'
      : 'slate';
  }

  /** Brings the decoder in line with what should be on air (stop the wrong one, start the right one). */
  #switchIfNeeded(): void {
    if (this.#stopping || !this.#running) return;
    const kind = this.#kindWanted();
    const d = this.#decoder;
    // A decoder that has exited but whose exit is not handled yet (its process group is
    // still being reaped) is still the current one: its exit starts what is wanted then.
    // Launching past it left the switch it was stopped for pending for good (the slate
    // stayed up when a source came back).
    if (d) {
      if (d.proc.running && d.kind !== kind && !this.#switchPending) {
        this.#switchPending = true;
        void d.proc.stop(this.#o.switchTimeoutMs);
      }
    } else {
      this.#launchDecoder();
    }
    this.#background(this.#refreshSlate());
  }

  #slateMessage(): SlateMessage {
    if (this.#contentEnded) return 'ended';
    return this.#programmeSince === undefined ? 'starting' : 'back-soon';
  }

  #slateText(message = this.#slateMessage()): SlateClipText {
    return { title: slateTitle(this.#title), message: slateMessage(message) };
  }

  /**
   * Brings the slate on air in line with its text: a pre-rendered slate whose message
   * changed ("starting soon" -> "we'll be right back") is replaced by the new text's clip
   * (rendered first when not cached); a live one rereads its text files.
   */
  async #refreshSlate(): Promise<void> {
    if (this.#liveSlate) {
      await this.#writeSlateText();
      return;
    }
    const clip = await this.#slateClip();
    if (this.#liveSlate) {
      await this.#writeSlateText();
      return;
    }
    const d = this.#decoder;
    if (this.#stopping || !d?.proc.running || d.kind !== 'slate' || d.clip === clip || this.#switchPending) return;
    this.#switchPending = true;
    void d.proc.stop(this.#o.switchTimeoutMs);
  }

  /** The clip of the slate's current text; undefined (and a live slate from now on) when it cannot be rendered. */
  async #slateClip(): Promise<string | undefined> {
    try {
      return await this.#slates.clip(this.#slateText(), this.#prepared!.format, this.#prepared!.sourceCodec);
    } catch (err) {
      if (!this.#liveSlate) this.#log.warn({ err }, 'could not pre-render the slate; drawing it live instead');
      this.#liveSlate = true;
      return undefined;
    }
  }

  /** Renders the other messages' slates ahead, so a switch to them waits on no render. */
  async #renderSlatesAhead(): Promise<void> {
    for (const message of SLATE_MESSAGES) {
      if (this.#stopping || this.#liveSlate) return;
      await this.#slates.clip(this.#slateText(message), this.#prepared!.format, this.#prepared!.sourceCodec).catch(() => undefined);
    }
  }

  /**
   * A live slate (when pre-rendering failed) reads its text from files (drawtext reload=1), so a changed message
   * ("starting soon" -> "we'll be right back") needs no restart. Written by rename so
   * drawtext never reads half a file.
   */
  async #writeSlateText(): Promise<{ titleFile: string; messageFile: string }> {
    const titleFile = path.join(this.#scratch, 'slate-title.txt');
    const messageFile = path.join(this.#scratch, 'slate-message.txt');
    const put = async (file: string, text: string): Promise<void> => {
      await writeFile(`${file}.tmp`, text);
      await rename(`${file}.tmp`, file);
    };
    // One write at a time: a switch to the slate writes the text in the background while
    // the slate decoder it launches writes it too, and two writers sharing the .tmp file
    // failed the second rename (ENOENT), which failed the broadcast. Each write takes the
    // message as it is when its turn comes, so the last one has the latest.
    const write = this.#slateWrites.then(async () => {
      if (this.#stopping) return;
      await put(titleFile, slateTitle(this.#title));
      await put(messageFile, slateMessage(this.#slateMessage()));
    });
    this.#slateWrites = write.catch(() => undefined);
    await write;
    return { titleFile, messageFile };
  }

  async #slatePart(format: VideoFormat): Promise<{ input: InputPart; clip?: string }> {
    const clip = this.#liveSlate ? undefined : await this.#slateClip();
    if (clip) return { input: slateClipInput(clip), clip };
    return { input: await this.#liveSlatePart(format) };
  }

  async #liveSlatePart(format: VideoFormat): Promise<InputPart> {
    const font = this.#deps.fontFile;
    if (!font) return slateInput(format, undefined);
    const files = await this.#writeSlateText();
    return slateInput(format, { ...files, fontFile: font });
  }

  /** Seconds since the programme began; positions in its media follow the wall clock. */
  #elapsedS(): number {
    return this.#programmeSince === undefined ? 0 : (this.#now() - this.#programmeSince) / 1000;
  }

  #launchDecoder(): void {
    if (this.#stopping || !this.#running || this.#launchingDecoder || this.#decoder) return;
    this.#launchingDecoder = true;
    this.#background(this.#launchDecoderAsync().finally(() => (this.#launchingDecoder = false)));
  }

  async #launchDecoderAsync(): Promise<void> {
    const p = this.#prepared!;
    let kind = this.#kindWanted();
    if (this.#held?.kind === 'slate' && kind !== 'slate') this.#dropHeld('the programme came before the rehearsal\'s switch');
    if (this.#held?.kind === kind && this.#letHeldThrough()) return;
    let input: InputPart;
    let clip: string | undefined;
    if (kind === 'programme') {
      const part = await programmeInput(this.#spec.occurrence.source, p, this.#elapsedS(), { ffmpeg: this.#deps.ffmpeg, scratch: this.#scratch, mediaRoot: this.#deps.mediaRoot });
      if (part === 'ended') {
        this.#endOfContent();
        kind = 'slate';
        ({ input, clip } = await this.#slatePart(p.format));
      } else if ('down' in part) {
        // Gone, or swapped for a link out of the media folder, since it was last checked:
        // no ffmpeg for it; the slate stays and the file is checked again every few seconds.
        this.#markSourceDown(part.down);
        this.#reportSourceDown();
        kind = 'slate';
        ({ input, clip } = await this.#slatePart(p.format));
      } else {
        input = part;
      }
    } else {
      ({ input, clip } = await this.#slatePart(p.format));
    }
    if (kind === 'programme' && this.#copyPath()) {
      await this.#spawnWriter(input);
      if (this.#decoder?.writes && this.#kindWanted() !== 'programme') this.#switchIfNeeded();
      return;
    }
    if (this.#outputParked) await this.#unparkOutput();
    // Checked here, with no await before the spawn, so stop() never races a new process.
    if (this.#stopping || this.#decoder) return;
    const offsetS = this.#nextOffsetS(this.#decodersEndS, performance.now());
    this.#decoder = this.#spawnDecoder(kind, input, offsetS, { clip });
    // What should be on air (or the slate's text) may have changed while the input was being prepared.
    if (this.#kindWanted() !== kind) this.#switchIfNeeded();
    else if (clip) this.#background(this.#refreshSlate());
  }

  /**
   * Where the next run's timestamps start (s): after `afterS` (the last a previous run
   * wrote, 0 = none yet), and never behind the wall clock at `atReal`, so the time a run
   * takes to start becomes repeated frames at the output, not latency that grows with
   * every switch.
   */
  #nextOffsetS(afterS: number, atReal: number): number {
    this.#timelineEpoch ??= atReal;
    return Math.max(afterS > 0 ? afterS + HANDOVER_MARGIN_S : 0, (atReal - this.#timelineEpoch) / 1000);
  }

  /** The moment of the cued switch being made (for its cost), taken by the run it starts. */
  #takeCueSwitch(): number | undefined {
    const at = this.#cueSwitchReal;
    this.#cueSwitchReal = undefined;
    return at;
  }

  /**
   * Starts a decoder writing into the pipe at `offsetS` on the broadcast's timeline: `clip`,
   * the pre-rendered slate it loops; `hold`: held on a FIFO of its own until released (a
   * pre-roll, preroll.ts); `writerArgs`: instead, the programme writing the destinations
   * itself with these arguments (the copy path, #spawnWriter).
   */
  #spawnDecoder(kind: Kind, input: InputPart, offsetS: number, o: { clip?: string | undefined; hold?: string; writerArgs?: string[] } = {}): DecoderRun {
    const { clip, hold, writerArgs } = o;
    const p = this.#prepared!;
    const args = writerArgs ?? decoderArgs({ input, format: p.format, offsetS, pipe: hold ?? this.#pipe.path, ...decoderCodecs(p, kind, clip) });
    const parser = new ProgressParser();
    const ours = (): boolean => this.#decoder?.proc === proc;
    const proc = new GuardedProcess(this.#deps.ffmpeg, args, {
      // One name per spawn: a decoder still exiting must not remove its successor's file.
      pidFile: path.join(this.#deps.runDir, `${safeName(this.#spec.occurrence.id)}.${hold ? 'preroll' : writerArgs ? 'writer' : 'decoder'}-${++this.#decoderSpawns}.pid`),
      onStdoutLine: (line) => {
        const sample = parser.push(line);
        if (!sample || !ours()) return;
        this.#onDecoderProgress(sample);
        if (writerArgs) this.#healthFrom(this.#decoder!, sample);
      },
      onStderrLine: (line) => {
        // The programme writing the destinations itself says what the output would (a full disk).
        if (writerArgs && ours()) this.#onStderr(line, this.#spec.outputs.map((o) => o.target));
        else if (ours() || this.#held?.proc === proc) {
          this.#lastStderr = line;
          this.#log.debug({ line: maskUrlsIn(line), kind }, 'decoder');
        }
      },
      ...(hold ? { hold: { fifo: hold, out: this.#pipe.path } } : {}),
    });
    this.#log.info({ role: writerArgs ? 'writer' : 'decoder', kind, pid: proc.pid, offsetS, ...(clip ? { clip: path.basename(clip) } : {}), ...(hold ? { held: true } : {}) }, 'ffmpeg started');
    void proc.exited.then((info) => this.#onDecoderExit(proc, info));
    return { proc, kind, offsetS, spawnedAt: this.#now(), lastProgressAt: performance.now(), progressed: false, progressReal: 0, outTimeS: 0, ...(clip ? { clip } : {}), ...(writerArgs ? { writes: true } : {}) };
  }

  /**
   * The copy path (send-path.ts): nothing encoded but a ladder's lower renditions, so no
   * encoder latency; and the programme's ffmpeg writes the destinations itself, its packets
   * straight into the output's muxers (the output and a decoder each did a copy's work:
   * bench:stream's long-GOP row, 1.99x a bare copy against the 1.5x). The slate
   * still goes through the output, which is parked while the programme writes.
   */
  #copyPath(): boolean {
    return this.#prepared?.path.path === 'copy';
  }

  /**
   * Parks the output and starts the programme writing the destinations itself, its
   * timestamps after the output's last (each playlist's numbering continued, as for a
   * restarted output): viewers see the same timeline go on.
   */
  async #spawnWriter(input: InputPart): Promise<void> {
    await this.#parkOutput();
    const m = await this.#muxers();
    // Checked here, with no await before the spawn, so stop() never races a new process.
    if (this.#stopping || this.#decoder) return;
    const offsetS = this.#nextOffsetS(Math.max(this.#decodersEndS, this.#outputEndS), performance.now());
    const args = programmeWriterArgs({ input, offsetS, slaves: m.slaves, ...(m.ladder ? { ladder: m.ladder } : {}), ...(m.direct ? { direct: m.direct } : {}) });
    const run = this.#spawnDecoder('programme', input, offsetS, { writerArgs: args });
    // A cued switch's cost runs to this run's first frame (#onDecoderProgress).
    const switchReal = this.#takeCueSwitch();
    this.#decoder = switchReal !== undefined ? { ...run, switchReal } : run;
  }

  /** Stops the output (its last segment and part finished) for the programme to write the destinations itself. */
  async #parkOutput(): Promise<void> {
    this.#outputParked = true;
    this.#outputTimer?.();
    this.#outputTimer = undefined;
    const out = this.#output;
    // With no decoder left, letting go of the pipe gives the output the end of its input.
    await this.#pipe.close();
    if (out?.proc.running) await out.proc.stop(this.#o.stopTimeoutMs);
  }

  /** Brings the output back (the slate goes through it), its timeline after the programme's. */
  async #unparkOutput(): Promise<void> {
    this.#outputParked = false;
    this.#outputEndS = Math.max(this.#outputEndS, this.#decodersEndS);
    await this.#pipe.open();
    this.#background(this.#launchOutput());
  }

  /**
   * Pre-rolls the programme for a cued switch at `switchAt` (clock ms): its decoder is
   * started held, its timestamps placed where the slate's will end after that switch.
   * Not for live sources (see preroll.ts), nor when the programme cannot be read now (the
   * switch then starts it the usual way and reports why).
   */
  async #preroll(switchAt: number): Promise<void> {
    const source = this.#spec.occurrence.source;
    if (this.#held?.kind === 'slate') this.#dropHeld('the pre-roll came before the rehearsal\'s switch');
    if (source.kind === 'url' || this.#sourceDown || this.#contentEnded || this.#held || this.#copyPath()) return;
    const p = this.#prepared!;
    const part = await programmeInput(source, p, 0, { ffmpeg: this.#deps.ffmpeg, scratch: this.#scratch, mediaRoot: this.#deps.mediaRoot });
    if (part === 'ended' || 'down' in part) return;
    const fifo = path.join(this.#scratch, 'preroll.ts');
    await makeFifo(fifo);
    // Checked here, with no await before the spawn, so stop() never races a new process.
    if (this.#stopping || this.#held || this.#wanted === 'programme') return;
    const nowReal = performance.now();
    const switchReal = nowReal + (switchAt - this.#now());
    this.#timelineEpoch ??= nowReal;
    const d = this.#decoder;
    const slateEndS = d ? timelineEnd(d, switchReal) : this.#decodersEndS;
    const offsetS = Math.max(heldOffsetS(slateEndS, this.#switchCost.ms) + HANDOVER_MARGIN_S, (switchReal - this.#timelineEpoch) / 1000);
    this.#held = this.#spawnDecoder('programme', part, offsetS, { hold: fifo });
  }

  /**
   * Rehearses the first cued switch (preroll.ts): the slate is held ahead and let through
   * in place of the running slate exactly as the programme will be, so the switch's whole
   * cost at the encoder (SwitchCost.airMs) is measured before the programme's lead is.
   * Viewers see the slate throughout (its last frame held while the timestamp gap fills).
   */
  async #rehearse(): Promise<void> {
    const { input, clip } = await this.#slatePart(this.#prepared!.format);
    const fifo = path.join(this.#scratch, 'rehearsal.ts');
    await makeFifo(fifo);
    const d = this.#decoder;
    // Checked here, with no await before the spawn, so stop() never races a new process.
    if (!clip || this.#stopping || this.#held || this.#wanted === 'programme' || d?.kind !== 'slate' || this.#switchPending) return;
    const nowReal = performance.now();
    const switchReal = nowReal + REHEARSAL_HOLD_MS;
    const offsetS = Math.max(heldOffsetS(timelineEnd(d, switchReal), this.#switchCost.ms) + HANDOVER_MARGIN_S, (switchReal - (this.#timelineEpoch ?? nowReal)) / 1000);
    this.#held = this.#spawnDecoder('slate', input, offsetS, { clip, hold: fifo });
    this.#rehearsalTimer = this.#deps.clock.at(new Date(this.#now() + REHEARSAL_HOLD_MS), () => {
      this.#rehearsalTimer = undefined;
      const running = this.#decoder;
      if (this.#stopping || this.#held?.kind !== 'slate') return;
      if (this.#wanted === 'programme' || running?.kind !== 'slate' || this.#switchPending) {
        this.#dropHeld('the slate was switched meanwhile');
        return;
      }
      this.#cueSwitchReal = performance.now();
      this.#log.info({ offsetS }, 'rehearsal: switching the slate to itself to measure a pre-rolled switch');
      this.#switchPending = true;
      void running.proc.stop(this.#o.switchTimeoutMs);
    });
  }

  #dropHeld(why: string): void {
    const h = this.#held;
    if (!h) return;
    this.#held = undefined;
    this.#log.info({ kind: h.kind, why }, 'held decoder dropped');
    h.proc.kill();
  }

  /**
   * Lets the held decoder through instead of starting one; false (and the held
   * one dropped) when there is none, it died, or its timestamps no longer fit after the
   * previous decoder's (the switch came much later or earlier than it was held for).
   */
  #letHeldThrough(): boolean {
    const h = this.#held;
    this.#held = undefined;
    if (!h) return false;
    const nowReal = performance.now();
    const after = this.#nextOffsetS(this.#decodersEndS, nowReal);
    if (!h.proc.held || !heldFits(h.offsetS, after)) {
      this.#log.info({ offsetS: h.offsetS, after, held: h.proc.held }, `pre-rolled ${h.kind} not used`);
      h.proc.kill();
      return false;
    }
    if (this.#stopping || this.#decoder) {
      h.proc.kill();
      return true;
    }
    h.proc.release();
    const latencyMs = this.#latencyMs();
    // The cued switch's moment goes with the decoder it let through: a later switch's must
    // not be taken by this one's progress (the rehearsal's slate took the programme's).
    const switchReal = this.#takeCueSwitch();
    this.#airPending = switchReal !== undefined && latencyMs !== undefined ? { offsetS: h.offsetS, switchReal, latencyMs } : undefined;
    this.#decoder = { ...h, spawnedAt: this.#now(), lastProgressAt: nowReal, ...(switchReal !== undefined ? { switchReal } : {}) };
    this.#log.info({ role: 'decoder', kind: h.kind, pid: h.proc.pid, offsetS: h.offsetS, gapS: h.offsetS - after + HANDOVER_MARGIN_S }, `pre-rolled ${h.kind} let through`);
    return true;
  }

  #onDecoderProgress(sample: ProgressSample): void {
    const d = this.#decoder!;
    d.lastProgressAt = performance.now();
    d.progressReal = performance.now();
    d.outTimeS = sample.outTimeS;
    d.firstProgressReal ??= d.progressReal;
    if (d.switchReal !== undefined && sample.outTimeS >= 0.5) {
      // Decoders run at real-time speed: its first frame went out outTimeS before now.
      const costMs = d.progressReal - sample.outTimeS * 1000 - d.switchReal;
      d.switchReal = undefined;
      // A rehearsal's slate is copied into the pipe, not decoded: not a programme's cost. A
      // programme writing the destinations itself (the copy path) has a median of its own.
      if (d.writes) this.#switchCost.recordWriter(costMs);
      else if (d.kind === 'programme') this.#switchCost.record(costMs);
      this.#log.info({ kind: d.kind, costMs: Math.round(costMs), latencyMs: this.#latency.ms === undefined ? undefined : Math.round(this.#latency.ms) }, 'cued switch made');
    }
    if (!d.progressed) {
      d.progressed = true;
      // Its first frame is in the pipe: this is what the destinations see from now on.
      this.#showing = d.kind;
      this.#recording?.showing(d.kind === 'programme', Date.now());
      this.#health = { ...this.#health, phase: d.kind };
      this.#log.info({ kind: d.kind }, 'on air');
    }
    if (d.kind === 'programme') this.#liveRetries = 0;
  }

  #onDecoderExit(proc: GuardedProcess, info: ExitInfo): void {
    if (this.#held?.proc === proc) {
      // Died while held (its source failed): the switch starts the programme the usual way.
      const kind = this.#held.kind;
      this.#held = undefined;
      this.#log.info({ kind, code: info.code, signal: info.signal }, 'pre-rolled decoder ended before the switch');
      return;
    }
    const d = this.#decoder;
    if (!d || d.proc !== proc) return;
    this.#decoder = undefined;
    this.#decodersEndS = Math.max(this.#decodersEndS, timelineEnd(d, performance.now()));
    if (this.#stopping) return;
    if (this.#switchPending) {
      this.#switchPending = false;
      this.#launchDecoder();
      return;
    }
    if (d.kind === 'programme') {
      // The slate goes up at once, whatever happened; then the source is looked at.
      this.#programmeHeldUntil = Number.POSITIVE_INFINITY;
      this.#launchDecoder();
      this.#background(this.#afterProgrammeExit(info, d.progressed));
      return;
    }
    this.#decoderCrashed(info, 'slate');
  }

  /** Counts a crash; past the restart budget, gives up (and returns undefined) instead of restarting. */
  #crashed(): { delayMs: number; streak: number } | undefined {
    const decision = this.#restarts.crashed(this.#now());
    if (!decision.giveUp) return decision;
    this.#giveUp(
      'ffmpeg-exit',
      `ffmpeg stopped ${decision.crashes} times in ${Math.round(this.#o.restartWindowMs / 60000)} min and onair gave up. Last message: ${maskUrlsIn(this.#lastStderr) || 'none'}.`,
    );
    return undefined;
  }

  /** A decoder failed: count it, and bring the programme back after the backoff (the slate runs meanwhile). */
  #decoderCrashed(info: ExitInfo, kind: Kind): void {
    const decision = this.#crashed();
    if (!decision) return;
    const how = info.signal ? `was killed (${info.signal})` : `exited with code ${info.code}`;
    this.#health = { ...this.#health, restarts: this.#health.restarts + 1 };
    if (kind === 'programme') {
      this.#problem('ffmpeg-exit', `The programme's decoder ${how}; the slate is on air and the programme returns in ${decision.delayMs} ms (restart ${this.#health.restarts}).`);
      this.#holdProgramme(decision.delayMs);
    } else {
      this.#problem('ffmpeg-exit', `The slate's decoder ${how}; restarting it in ${decision.delayMs} ms (restart ${this.#health.restarts}).`);
      this.#restartTimer = this.#deps.clock.at(new Date(this.#now() + decision.delayMs), () => this.#switchIfNeeded());
    }
  }

  /** Keeps the programme off air for `ms`, then switches back to it. */
  #holdProgramme(ms: number): void {
    this.#programmeHeldUntil = this.#now() + ms;
    this.#restartTimer?.();
    this.#restartTimer = this.#deps.clock.at(new Date(this.#programmeHeldUntil), () => this.#switchIfNeeded());
  }

  #endOfContent(): void {
    if (this.#contentEnded) return;
    this.#contentEnded = true;
    this.#problem('source-ended', `Programme "${this.#spec.occurrence.programmeId}": its media ended before the scheduled end; the slate is shown until then.`, false);
    this.#background(this.#refreshSlate());
  }

  #checkSource(): Promise<string | undefined> {
    return sourceDownReason(this.#spec.occurrence.source, this.#prepared!, { ffmpeg: this.#deps.ffmpeg, ffprobe: this.#deps.ffprobe, signal: this.#abort.signal, mediaRoot: this.#deps.mediaRoot });
  }

  async #afterProgrammeExit(info: ExitInfo, progressed: boolean): Promise<void> {
    const source = this.#spec.occurrence.source;
    // A live source that answered a moment ago but dropped this run before any frame (a
    // camera restarting, or one that serves a single client and was busy with our check):
    // retry it directly a few times before probing it.
    if (source.kind === 'url' && !progressed && this.#liveRetries < LIVE_RETRY_MS.length) {
      this.#holdProgramme(LIVE_RETRY_MS[this.#liveRetries++]!);
      return;
    }
    this.#liveRetries = 0;
    const down = await this.#checkSource();
    if (this.#stopping) return;
    if (down) {
      this.#programmeHeldUntil = 0;
      this.#markSourceDown(down);
      this.#reportSourceDown();
      return;
    }
    if (info.code === 0 && (source.kind === 'file' || source.kind === 'playlist') && programmePosition(source, this.#prepared!, this.#elapsedS()) === 'ended') {
      this.#programmeHeldUntil = 0;
      this.#endOfContent();
      return;
    }
    this.#decoderCrashed(info, 'programme');
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

  /** Once a second: stall detection, retrying a failed source, the archive's parts. */
  #tick(): void {
    if (this.#stopping) return;
    const now = this.#now();
    // The output first: a frozen output also stops the decoder (the pipe fills), and the
    // decoder must not be blamed for that. A frozen decoder starves the output a little
    // later than itself, so it is caught first in that case.
    const real = performance.now();
    const out = this.#output;
    if (out?.proc.running && real - out.lastProgressAt > this.#o.stallMs) {
      this.#problem('ffmpeg-stalled', `The output ffmpeg made no progress for ${Math.round((real - out.lastProgressAt) / 1000)} s; restarting it.`);
      out.proc.kill();
      if (this.#decoder) this.#decoder.lastProgressAt = real;
    }
    const d = this.#decoder;
    if (d?.proc.running && !this.#switchPending && real - d.lastProgressAt > this.#o.stallMs) {
      this.#problem('ffmpeg-stalled', `The ${d.kind}'s decoder made no progress for ${Math.round((real - d.lastProgressAt) / 1000)} s; replacing it.`);
      d.proc.kill();
    }
    for (const f of this.#outputsFailing.due(now)) {
      this.#events.emit(
        'outputFailed',
        f.destination,
        this.#error(
          'output-failed',
          `Destination "${f.destination}" has not been receiving for ${Math.round(f.failingMs / 1000)} s (${f.detail}), longer than engine.outputRetryBudget (${Math.round(this.#o.outputRetryBudgetMs / 1000)} s), so it is marked failed; the other destinations continue, and onair still reconnects it every second. Check that its server is up and that destinations.${f.destination}.url and its stream key are right.`,
          true,
        ),
      );
    }
    const sample = out?.proc.running ? this.#delivery.sampleIfDue(out.proc.pid, now) : undefined;
    if (sample) this.#background(sample);
    for (const f of this.#delivery.due(now)) {
      const url = this.#spec.outputs.find((o) => o.destination === f.destination)?.target.url ?? '';
      this.#events.emit(
        'outputFailed',
        f.destination,
        this.#error(
          'output-stalled',
          `Destination "${f.destination}" is not receiving: ${f.detail} (${maskUrl(url)}), so it is marked failed; the other destinations continue. Check that its server is up and taking streams, and that destinations.${f.destination}.url is right.`,
          true,
        ),
      );
    }
    for (const destination of this.#delivery.back()) {
      // Its receiver takes the stream (again): a later failure is counted afresh, and the
      // engine makes a destination failed for want of delivery live again.
      this.#outputsFailing.clear(destination);
      this.#events.emit('outputDelivering', destination);
    }
    if (this.#disk.checkDue(now)) this.#background(this.#disk.check(() => this.#now()));
    if (this.#disk.mustFail(now)) {
      this.#giveUp(
        'disk-full',
        'The disk holding the data folder (ONAIR_DATA_DIR) is full, so this broadcast cannot be written. Free space on that disk (old recordings are in <data>/archive), then start this broadcast again from the control room (Start again) while its time has not passed.',
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
    if (this.#recording) this.#background(this.#recording.prune());
    this.#tickTimer = this.#deps.clock.at(new Date(now + 1000), () => this.#tick());
  }
}

/** A cache of pre-rendered slates under `<data>/slates` (beside `runDir`) for an encoder built without one. */
export function slateClipsFor(deps: EncoderDeps): SlateClips {
  return new SlateClips({
    ffmpeg: deps.ffmpeg,
    dir: deps.slateDir ?? path.join(path.dirname(deps.runDir), 'slates'),
    ...(deps.fontFile ? { fontFile: deps.fontFile } : {}),
    ffmpegVersion: async () => (await deps.capabilities)?.version ?? 'unknown',
    logger: deps.logger.child({ component: 'slates' }),
  });
}
