// Socket.IO clients and fixtures for the realtime tests. `startRealtime` starts the composed
// server (startJourney) with the test's occurrences written as a schedule file (timezone UTC,
// so an occurrence's id is the one makeOccurrence gives), and hands the test the server's
// own engine to announce what the engine would (live with these watch URLs, a reminder, an
// end). FakeSchedule, makeOccurrence and makeRecord also serve the unit tests of the feed.
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  ModerationClientToServerEvents,
  ModerationServerToClientEvents,
  ServerToClientEvents,
} from '../../src/realtime/events.js';
import type { BroadcastRecord, BroadcastState, ScheduleReader } from '../../src/scheduler/ports.js';
import type { Occurrence } from '../../src/schedule/types.js';
import { testOccurrence } from './test-occurrence.js';
import type { Clock } from '../../src/shared/clock.js';
import type { ScaledClock } from '../../src/cli/scaled-clock.js';
import type { ChatService } from '../../src/chat/index.js';
import type { BroadcastEngine } from '../../src/scheduler/index.js';
import { startJourney, type Journey } from './journey.js';

export type ViewerClient = ClientSocket<ServerToClientEvents, ClientToServerEvents>;
export type ModeratorClient = ClientSocket<ModerationServerToClientEvents, ModerationClientToServerEvents>;

/**
 * The realtime tests' occurrence (test/support/test-occurrence.ts): an hour from `start`, id
 * `<programmeId>@<start in UTC to the minute>`, public, for children, chat on, a reminder
 * 15 minutes before.
 */
export function makeOccurrence(over: Partial<Occurrence> & { programmeId: string; start: Date }): Occurrence {
  const end = over.end ?? new Date(over.start.getTime() + 3600_000);
  return testOccurrence(`${over.programmeId}@${over.start.toISOString().slice(0, 16)}`, {
    title: { tr: `${over.programmeId} (tr)`, en: `${over.programmeId} (en)` },
    description: { tr: 'Açıklama', en: 'Description' },
    audience: ['children'],
    youtube: { privacy: 'public', madeForKids: true },
    chat: { enabled: true, slowModeMs: 0 },
    remindersMs: [900_000],
    ...over,
    end,
  });
}

/** A ScheduleReader over a list the test changes by hand. */
export class FakeSchedule {
  #list: Occurrence[];
  readonly #listeners = new Set<() => void>();

  constructor(list: Occurrence[]) {
    this.#list = list;
  }

  occurrences(from: Date, to: Date): Occurrence[] {
    return this.#list
      .filter((o) => o.end.getTime() >= from.getTime() && o.start.getTime() <= to.getTime())
      .sort((a, b) => a.start.getTime() - b.start.getTime());
  }

  find(id: string): Occurrence | undefined {
    return this.#list.find((o) => o.id === id);
  }

  standing(programmeId: string): 'in-force' | 'gone' {
    return this.#list.some((o) => o.programmeId === programmeId) ? 'in-force' : 'gone';
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Replaces the programmes in force, as a hot reload would. */
  replace(list: Occurrence[]): void {
    this.#list = list;
    for (const l of this.#listeners) l();
  }
}
// The fake is checked against the port it stands in for.
void (new FakeSchedule([]) satisfies ScheduleReader);

/** A broadcast record in `state`, with the given destinations live. */
export function makeRecord(
  occ: Occurrence,
  state: BroadcastState,
  destinations: BroadcastRecord['destinations'] = [],
  extra: Partial<BroadcastRecord> = {},
): BroadcastRecord {
  return {
    occurrenceId: occ.id,
    programmeId: occ.programmeId,
    title: occ.title,
    state,
    scheduledStart: occ.start.toISOString(),
    scheduledEnd: occ.end.toISOString(),
    destinations,
    updatedAt: new Date().toISOString(),
    ...extra,
  };
}

export const TEST_TOKEN = 'test-moderator-token-0123456789';

const identities = new WeakMap<ClientSocket, string>();

/**
 * The signed chat identity the server issued to this viewer socket (what the page keeps in
 * localStorage): pass it as `identity` to connect again as the same browser.
 */
export async function identityOf(socket: ClientSocket): Promise<string> {
  const known = identities.get(socket);
  if (known) return known;
  return new Promise((resolve) => socket.once('viewer:identity', ({ token }: { token: string }) => resolve(token)));
}

/** Resolves with the next `event` the socket receives. */
export function nextEvent<T>(socket: ClientSocket, event: string): Promise<T> {
  return new Promise((resolve) => socket.once(event, (payload: T) => resolve(payload)));
}

/** Emits with an ack and resolves with the ack. */
export function request<T>(socket: ClientSocket, event: string, ...args: unknown[]): Promise<T> {
  return new Promise((resolve) => (socket.emit as (e: string, ...a: unknown[]) => void)(event, ...args, (ack: T) => resolve(ack)));
}

/** One programme of the schedule file that gives `o` (its id's time is the nominal start). */
function programmeYaml(o: Occurrence): string {
  const nominal = o.id.slice(o.id.indexOf('@') + 1);
  const at = o.start.toISOString().slice(0, 16);
  const override: Record<string, unknown> = {};
  if (at !== nominal) override['at'] = at.slice(11);
  if (o.cancelled) override['cancelled'] = true;
  const lines = [
    `- id: ${o.programmeId}`,
    `  title: ${JSON.stringify(o.title)}`,
    `  description: ${JSON.stringify(o.description)}`,
    `  category: ${o.category}`,
    `  audience: ${JSON.stringify(o.audience)}`,
    '  timezone: UTC',
    `  duration: ${Math.round((o.end.getTime() - o.start.getTime()) / 1000)}s`,
    `  recurrence: { once: "${nominal}" }`,
    '  source: { testPattern: {} }',
    `  destinations: ${JSON.stringify(o.destinations)}`,
    `  youtube: ${JSON.stringify(o.youtube)}`,
    `  chat: { enabled: ${o.chat.enabled}, slowMode: ${o.chat.slowModeMs / 1000}s }`,
    `  reminders: ${JSON.stringify(o.remindersMs.map((ms) => `${ms / 1000}s`))}`,
  ];
  if (Object.keys(override).length) lines.push(`  overrides: ${JSON.stringify({ [nominal.slice(0, 10)]: override })}`);
  return lines.join('\n') + '\n';
}

const SCHEDULE_FILE = 'realtime.yaml';

export interface RealtimeOptions<C extends Clock> {
  /**
   * A clock of the test's own. A ManualClock stands still, and so does the schedule's reload
   * debounce on it: a test that edits the schedule uses `start` (a clock running from there).
   */
  clock?: C;
  /** Where the default clock (running at wall speed) starts. */
  start?: Date | string;
  /** The programmes in force, as occurrences (one schedule file holds them all). */
  occurrences?: Occurrence[];
  /** Config keys, dotted ("chat.maxLength" → 50). */
  overrides?: Record<string, unknown>;
  /** Extra environment (the YouTube emulator's, say). */
  env?: Record<string, string>;
  moderatorToken?: string;
  /** A data folder to reuse (a restart); the test removes it. */
  dataDir?: string;
  /** `web`: a cluster web node (set ONAIR_REDIS_URL in `env`); it has no engine. */
  role?: 'all' | 'web';
}

export interface Realtime<C extends Clock> {
  url: string;
  journey: Journey<C>;
  /** The server's own engine, to announce what it would (transitions, reminders); a web node has none. */
  readonly engine: BroadcastEngine;
  chat: ChatService;
  /** Replaces the programmes in force, as staff saving the schedule file would (one reload). */
  replaceSchedule(list: Occurrence[]): void;
  viewer(options?: { identity?: string; transports?: string[]; headers?: Record<string, string> }): Promise<ViewerClient>;
  moderator(auth?: { token?: string; cookie?: string }): Promise<ModeratorClient>;
  /** Disconnects this harness's clients (the server keeps running). */
  disconnectClients(): void;
  stop(): Promise<void>;
}

function scheduleText(list: Occurrence[]): string {
  return list.map(programmeYaml).join('');
}

/** The composed server with `occurrences` in its schedule, and clients for it. */
export async function startRealtime<C extends Clock = ScaledClock>(options: RealtimeOptions<C> = {}): Promise<Realtime<C>> {
  const list = options.occurrences ?? [];
  const journey = await startJourney<C>({
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.start ? { start: options.start } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.role ? { role: options.role } : {}),
    schedules: list.length ? { [SCHEDULE_FILE]: scheduleText(list) } : {},
    config: options.overrides ?? {},
    env: { ONAIR_MODERATOR_TOKEN: options.moderatorToken ?? TEST_TOKEN, ...options.env },
  });
  const { engine, chat } = journey.onair;
  if (!chat) throw new Error('the composed server runs no chat');
  const clients: ClientSocket[] = [];
  const url = journey.url;
  const connected = <S extends ClientSocket>(socket: S): Promise<S> =>
    new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (err) => reject(err));
    });
  return {
    url,
    journey,
    get engine(): BroadcastEngine {
      if (!engine) throw new Error('a cluster web node runs no engine');
      return engine;
    },
    chat,
    replaceSchedule(next) {
      if (next.length) journey.writeSchedule(SCHEDULE_FILE, scheduleText(next));
      else journey.removeSchedule(SCHEDULE_FILE);
    },
    viewer(opts = {}) {
      const socket: ViewerClient = connect(url, {
        transports: opts.transports ?? ['websocket'],
        auth: opts.identity ? { viewer: opts.identity } : {},
        ...(opts.headers ? { extraHeaders: opts.headers } : {}),
        forceNew: true,
        reconnectionDelay: 50,
        reconnectionDelayMax: 200,
      });
      socket.on('viewer:identity', ({ token }) => identities.set(socket, token));
      clients.push(socket);
      return connected(socket);
    },
    moderator(auth = { token: TEST_TOKEN }) {
      const socket: ModeratorClient = connect(`${url}/moderation`, {
        transports: ['websocket'],
        auth: auth.token ? { token: auth.token } : {},
        extraHeaders: auth.cookie ? { cookie: auth.cookie } : {},
        forceNew: true,
        reconnection: false,
      });
      clients.push(socket);
      return connected(socket);
    },
    disconnectClients() {
      for (const c of clients.splice(0)) c.disconnect();
    },
    async stop() {
      for (const c of clients.splice(0)) c.disconnect();
      await journey.stop();
    },
  };
}
