// `onair rehearse [--date YYYY-MM-DD] [--speed N]`: plays a day of the schedule against the
// YouTube emulator on this machine. The emulator runs in-process; onair is started with
// its YouTube settings pointed at it (dummy credentials), a throw-away data folder (the
// real database and token are never touched) and a clock that starts shortly before the
// day's first broadcast and may run faster (idle time at --speed, broadcasts at most 4×,
// as ffmpeg runs in wall time). Every broadcast and stream state, and every
// refused API call, is printed as it happens; a summary (calls, units, start accuracy)
// ends the run.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { loadConfig, type Config } from '../config/index.js';
import { EMULATOR_CLIENT, YoutubeEmulator, type LiveBroadcast } from '../emulator/youtube/index.js';
import { Expander, formatDiagnostic, listScheduleFiles, loadSchedules, pick, type Occurrence } from '../schedule/index.js';
import { startOnair } from '../main.js';
import { openDatabase, SqliteBroadcastStore } from '../store/index.js';
import { createLogger } from '../shared/logger.js';
import { ScaledClock } from './scaled-clock.js';
import { validationContext } from './validate.js';

/** Fastest the clock runs while a broadcast is being prepared, on air or ending. */
export const AIR_SPEED_MAX = 4;

export interface RehearsalOptions {
  /** Local date (config schedule.timezone) to play; default today. */
  date?: string;
  speed: number;
  /** onair's HTTP port (0 = any free one). */
  port: number;
  /** Keep the rehearsal's state here instead of a temp folder. */
  dataDir?: string;
  out: (line: string) => void;
  signal?: AbortSignal;
}

export interface RehearsalSummary {
  occurrences: number;
  youtubeOccurrences: number;
  broadcasts: Array<{
    id: string;
    title: string;
    scheduled: string;
    /** ms from the scheduled second to YouTube accepting the live transition. */
    transitionMs?: number;
    actualStart?: string;
    /** ms from the scheduled second to the event reading live (after YouTube's liveStarting). */
    startErrorMs?: number;
    lifeCycleStatus: string;
  }>;
  calls: number;
  units: number;
  errors: number;
  /** True when the rehearsal was stopped (Ctrl-C) before the day ended. */
  stopped?: boolean;
}

function occurrencesOn(config: Readonly<Config>, from: Date, to: Date): { plan: Occurrence[]; problems: string[] } {
  const expander = new Expander();
  const load = loadSchedules(listScheduleFiles([config.dirs.schedules]), validationContext(config), { now: from, expander });
  const plan = expander.expandAll(load.programmes, from, to).filter((o) => !o.cancelled && o.start >= from && o.start < to);
  return { plan, problems: load.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d)) };
}

export async function runRehearsal(o: RehearsalOptions): Promise<RehearsalSummary> {
  const base = loadConfig();
  const zone = base.schedule.timezone;
  const day = o.date ? DateTime.fromISO(o.date, { zone }) : DateTime.now().setZone(zone);
  if (!day.isValid) throw new Error(`--date ${o.date}: not a date; write it as YYYY-MM-DD`);
  const from = day.startOf('day').toJSDate();
  const to = day.endOf('day').toJSDate();
  // Without --date the day is played from now: what already began is not rehearsed.
  const planFrom = o.date ? from : new Date(Math.max(from.getTime(), Date.now()));
  const { plan, problems } = occurrencesOn(base, planFrom, to);
  for (const p of problems) o.out(p);
  if (problems.length) o.out(`(${problems.length} error(s) above: those files are left out of the rehearsal; \`onair validate\` shows them too)`);
  const youtubeNames = new Set(Object.entries(base.destinations).filter(([, d]) => d.type === 'youtube').map(([n]) => n));
  const onYoutube = plan.filter((x) => x.destinations.some((d) => youtubeNames.has(d)));
  const lang = base.schedule.language;
  if (plan.length === 0) {
    o.out(`No broadcasts on ${day.toISODate()} in ${base.dirs.schedules}.`);
    return { occurrences: 0, youtubeOccurrences: 0, broadcasts: [], calls: 0, units: 0, errors: 0 };
  }
  // Start a little before the first broadcast is prepared, so the whole day is seen.
  const lead = base.engine.prepareLead + 10_000;
  const first = plan[0]!.start.getTime() - lead;
  const start = o.date ? new Date(first) : new Date(Math.max(Date.now(), first));
  // Held almost still while onair and the emulator start (seconds on a busy machine, which
  // at --speed 60 would carry the clock past the first broadcast); pace() below sets the
  // real speed once onair listens.
  const clock = new ScaledClock(start, 0.001);
  const fmt = (d: Date | string): string => DateTime.fromJSDate(new Date(d)).setZone(zone).toFormat('HH:mm:ss');

  const emu = new YoutubeEmulator({ clock, settleMs: 2000 });
  await emu.start();
  const dataDir = o.dataDir ?? mkdtempSync(path.join(os.tmpdir(), `onair-rehearsal-${day.toISODate()}-`));
  const config = loadConfig({
    env: {
      ...process.env,
      ONAIR_DATA_DIR: dataDir,
      ONAIR_YOUTUBE_API_ROOT: emu.rootUrl,
      ONAIR_YOUTUBE_TOKEN_URL: emu.tokenUrl,
      ONAIR_YOUTUBE_CLIENT_ID: EMULATOR_CLIENT.clientId,
      ONAIR_YOUTUBE_CLIENT_SECRET: EMULATOR_CLIENT.clientSecret,
      ONAIR_YOUTUBE_REFRESH_TOKEN: emu.oauth.issueRefreshToken(),
    },
    overrides: { 'server.port': o.port, 'server.host': '127.0.0.1' },
  });
  const app = await startOnair(config, { clock, logger: createLogger(process.env.ONAIR_LOG_LEVEL ?? 'warn') });

  o.out(`Rehearsing ${day.toISODate()} (${zone}) at ${o.speed}× from ${fmt(start)}: ${plan.length} broadcast(s), ${onYoutube.length} on YouTube.`);
  for (const x of plan) o.out(`  ${fmt(x.start)}–${fmt(x.end)}  ${pick(x.title, lang)} → ${x.destinations.join(', ')}`);
  o.out(`onair: http://127.0.0.1:${app.port}/   YouTube emulator: ${emu.rootUrl}emulator/state (faults: POST ${emu.rootUrl}emulator/faults)`);
  o.out(`State is kept in ${dataDir}.`);
  if (o.speed > AIR_SPEED_MAX)
    o.out(`--speed ${o.speed} holds between broadcasts; while one is prepared, on air or ending the clock runs at ${AIR_SPEED_MAX}× (ffmpeg runs in real time, and faster would look like a stalled stream).`);

  // Watch the emulator: print every state change and every refused call.
  const seen = new Map<string, string>();
  let callsSeen = 0;
  const watch = (): void => {
    for (const b of emu.broadcasts()) {
      const key = `b:${b.id}`;
      const now = b.status?.lifeCycleStatus ?? '?';
      if (seen.get(key) !== now) {
        seen.set(key, now);
        o.out(`${fmt(clock.now())}  YouTube event "${b.snippet?.title}" (${b.id}): ${now}`);
      }
    }
    for (const s of emu.streams()) {
      const key = `s:${s.id}`;
      const now = s.status?.streamStatus ?? '?';
      if (seen.get(key) !== now) {
        seen.set(key, now);
        o.out(`${fmt(clock.now())}  YouTube stream ${s.snippet?.title}: ${now}${now === 'active' ? ` (${emu.ingestStats(s.id!).videoFrames} frames so far)` : ''}`);
      }
    }
    for (const c of emu.calls.slice(callsSeen)) {
      if (c.status >= 400) o.out(`${fmt(c.at)}  YouTube refused ${c.method}: ${c.status} ${c.reason ?? ''}`);
    }
    callsSeen = emu.calls.length;
  };
  // ffmpeg runs in wall time but is supervised in clock time: beyond ~4× a healthy ffmpeg
  // would look stalled. So the clock runs at --speed between broadcasts and at most
  // AIR_SPEED_MAX while one is being prepared, on air or ending.
  // The slow window opens a minute (clock time) before the preparation: at a high --speed
  // a busy machine's late timer must not carry the clock past it.
  const busy = plan.map((x) => [x.start.getTime() - base.engine.prepareLead - 60_000, x.end.getTime() + 2 * base.engine.stopTimeout + 5000] as const);
  let speedNow = 0;
  const pace = (): void => {
    const t = clock.now().getTime();
    const speed = busy.some(([a, b]) => t >= a && t <= b) ? Math.min(o.speed, AIR_SPEED_MAX) : o.speed;
    if (speed !== speedNow && speedNow !== 0) o.out(`${fmt(clock.now())}  clock at ${speed}×${speed < o.speed ? ' while a broadcast is prepared, on air or ending' : ''}`);
    speedNow = speed;
    clock.setSpeed(speed);
  };
  // Every destination kind (local, rtmp, youtube): a line per change of a broadcast's state
  // or of one of its destinations, as the engine records them (its own HTTP API).
  const states = new Map<string, string>();
  const ran = new Set<string>();
  let polling = false;
  const watchEngine = async (): Promise<void> => {
    if (polling) return;
    polling = true;
    try {
      const res = await fetch(`http://127.0.0.1:${app.port}/api/broadcasts?from=${from.toISOString()}&to=${to.toISOString()}`);
      const body = (await res.json()) as { broadcasts: Array<{ occurrenceId: string; title: { tr: string; en: string }; state: string; reason?: string; destinations: Array<{ name: string; kind: string; status: string; error?: { message: string } }> }> };
      for (const b of body.broadcasts) {
        if (!plan.some((x) => x.id === b.occurrenceId)) continue;
        if (b.state !== 'scheduled') ran.add(b.occurrenceId);
        const say = (key: string, now: string, line: string): void => {
          if (states.get(key) === now) return;
          states.set(key, now);
          o.out(`${fmt(clock.now())}  ${line}`);
        };
        say(b.occurrenceId, b.state, `"${pick(b.title, lang)}": ${b.state}${b.reason ? ` — ${b.reason}` : ''}`);
        for (const d of b.destinations)
          say(`${b.occurrenceId}/${d.name}`, d.status, `"${pick(b.title, lang)}" → ${d.name} (${d.kind}): ${d.status}${d.error ? ` — ${d.error.message}` : ''}`);
      }
    } catch {
      // The server is stopping; the summary below reads the records directly.
    } finally {
      polling = false;
    }
  };
  pace();
  // Each window's edges are timers of their own too, so the speed changes on time.
  const edges = busy.flatMap(([a, b]) => [clock.at(new Date(a), pace), clock.at(new Date(b), pace)]);
  const timer = setInterval(() => {
    pace();
    watch();
    void watchEngine();
  }, 250);

  // The day is over when the last broadcast has ended and its encoder and events are done.
  const last = Math.max(...plan.map((x) => x.end.getTime())) + 2 * base.engine.stopTimeout + 10_000;
  let stopped = false;
  await new Promise<void>((resolve) => {
    const cancel = clock.at(new Date(last), resolve);
    o.signal?.addEventListener('abort', () => {
      stopped = true;
      cancel();
      resolve();
    }, { once: true });
  });
  watch();
  await watchEngine();
  clearInterval(timer);
  for (const cancel of edges) cancel();
  if (stopped) o.out(`${fmt(clock.now())}  stopped (Ctrl-C): ${ran.size} of ${plan.length} broadcast(s) had begun; stopping onair and the emulator…`);
  await app.stop();
  const broadcasts = emu.broadcasts().map((b: LiveBroadcast) => {
    const scheduled = b.snippet?.scheduledStartTime ?? '';
    const actual = b.snippet?.actualStartTime ?? undefined;
    // When YouTube accepted the transition to live (the event then reads liveStarting a while).
    const accepted = emu.calls.find((c) => c.method === 'liveBroadcasts.transition' && c.target === b.id && c.status === 200);
    return {
      id: b.id ?? '',
      title: b.snippet?.title ?? '',
      scheduled,
      ...(accepted ? { transitionMs: Date.parse(accepted.at) - Date.parse(scheduled) } : {}),
      ...(actual ? { actualStart: actual, startErrorMs: Date.parse(actual) - Date.parse(scheduled) } : {}),
      lifeCycleStatus: b.status?.lifeCycleStatus ?? '',
    };
  });
  const summary: RehearsalSummary = {
    occurrences: plan.length,
    youtubeOccurrences: onYoutube.length,
    broadcasts,
    calls: emu.calls.length,
    // Summed over the calls: the quota day may turn (midnight Pacific) during the rehearsal.
    units: emu.calls.reduce((sum, c) => sum + c.cost, 0),
    errors: emu.calls.filter((c) => c.status >= 400).length,
  };
  await emu.stop();
  o.out('');
  o.out(`Rehearsal of ${day.toISODate()} ${stopped ? `stopped at ${fmt(clock.now())}` : 'done'}: ${summary.broadcasts.length} YouTube event(s) for ${onYoutube.length} YouTube broadcast(s); ${summary.calls} API calls, ${summary.units} quota units, ${summary.errors} refused.`);
  for (const b of broadcasts) {
    const acc =
      b.startErrorMs === undefined
        ? 'never went live'
        : `live transition ${((b.transitionMs ?? 0) / 1000).toFixed(1)} s after schedule, live ${(b.startErrorMs / 1000).toFixed(1)} s after (YouTube's liveStarting)`;
    o.out(`  ${fmt(b.scheduled)}  ${b.title}: ${b.lifeCycleStatus}, ${acc}`);
  }
  // The engine's own record of every broadcast of the day (all destinations).
  const db = openDatabase(dataDir);
  try {
    // Only what the rehearsal reached (a rehearsal stopped early leaves the rest scheduled).
    const reached = clock.now().getTime();
    const records = (await new SqliteBroadcastStore(db).list(from, to)).filter((r) => Date.parse(r.scheduledStart) <= reached);
    const byState = new Map<string, number>();
    for (const r of records) byState.set(r.state, (byState.get(r.state) ?? 0) + 1);
    if (records.length) {
      o.out(`The day's broadcasts as the engine recorded them (${[...byState].map(([k, n]) => `${n} ${k}`).join(', ')}):`);
    }
    for (const r of records) {
      const dests = r.destinations.map((d) => `${d.name} ${d.status}${d.error ? ` (${d.error.code}: ${d.error.message})` : ''}`).join(', ');
      o.out(`  ${fmt(r.scheduledStart)}  ${pick(r.title, lang)}: ${r.state}${r.reason ? ` — ${r.reason}` : ''}; ${dests}`);
    }
  } finally {
    db.close();
  }
  if (onYoutube.length > 0 && broadcasts.length === 0) {
    o.out('  No event reached the emulator: is the broadcast engine wired into src/main.ts (startOnair)?');
  }
  return { ...summary, stopped };
}

export function registerRehearse(program: Command): void {
  program
    .command('rehearse')
    .description(
      'Play a day of the schedule against a YouTube emulator on this machine (real ffmpeg), printing every state and error. Uses a temporary data folder; nothing reaches YouTube.',
    )
    .option('--date <YYYY-MM-DD>', 'the day to play (default: today, from now)')
    .option('--speed <N>', `how many times faster than real time the clock runs between broadcasts (at most ${AIR_SPEED_MAX}× while one is prepared or on air)`, '1')
    .option('--port <port>', 'HTTP port of the rehearsal onair (0 = any free port)', '0')
    .option('--data <dir>', 'keep the rehearsal state in this folder')
    .action(async (opts: { date?: string; speed: string; port: string; data?: string }) => {
      const speed = Number(opts.speed);
      const port = Number(opts.port);
      if (!(speed > 0) || !Number.isInteger(port) || port < 0 || port > 65535) {
        process.stderr.write('onair rehearse: --speed must be a positive number and --port 0-65535\n');
        process.exitCode = 2;
        return;
      }
      if (opts.date && !/^\d{4}-\d{2}-\d{2}$/.test(opts.date)) {
        process.stderr.write(`onair rehearse: --date ${opts.date}: write it as YYYY-MM-DD\n`);
        process.exitCode = 2;
        return;
      }
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      process.once('SIGTERM', () => controller.abort());
      const summary = await runRehearsal({
        date: opts.date,
        speed,
        port,
        dataDir: opts.data ? path.resolve(opts.data) : undefined,
        out: (line) => process.stdout.write(`${line}\n`),
        signal: controller.signal,
      });
      // 1 when a YouTube broadcast of the day did not end up complete (or never reached YouTube).
      const incomplete = summary.broadcasts.some((b) => b.lifeCycleStatus !== 'complete') || summary.broadcasts.length < summary.youtubeOccurrences;
      // 130 when stopped by Ctrl-C, as a shell reports a command ended by SIGINT.
      process.exitCode = summary.stopped ? 130 : incomplete ? 1 : 0;
    });
}
