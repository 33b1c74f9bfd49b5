// Test helpers for the YouTube destination: an occurrence, a DestinationContext that
// records every persisted state, and a destination wired to an emulator as production
// wires it (credentials, ledger in a temp SQLite file, retry policy shortened).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Occurrence } from '../../src/schedule/types.js';
import { testOccurrence } from './test-occurrence.js';
import type { DestinationContext, DestinationState } from '../../src/scheduler/ports.js';
import { systemClock } from '../../src/shared/clock.js';
import { createLogger, type Logger } from '../../src/shared/logger.js';
import { openDatabase, type SqliteDatabase } from '../../src/store/sqlite/database.js';
import { EMULATOR_CLIENT, type YoutubeEmulator } from '../../src/emulator/youtube/index.js';
import { QuotaLedger, YoutubeApi, YoutubeDestination } from '../../src/destinations/youtube/index.js';

/**
 * The YouTube tests' occurrence (test/support/test-occurrence.ts): a minute from now for 30
 * minutes, to 'youtube', unlisted and for children, chat on; its id ends in a random suffix so
 * every test makes its own broadcast on a shared emulator.
 */
export function makeOccurrence(overrides: Partial<Occurrence> = {}): Occurrence {
  const start = overrides.start ?? new Date(Date.now() + 60_000);
  const id = overrides.id ?? `masal-saati@${start.toISOString().slice(0, 16)}-${Math.random().toString(36).slice(2, 7)}`;
  return testOccurrence(id, {
    programmeId: 'masal-saati',
    description: { tr: 'Çocuklar için masallar.', en: 'Stories for children.' },
    audience: ['children'],
    start,
    end: new Date(start.getTime() + 30 * 60_000),
    destinations: ['youtube'],
    youtube: { privacy: 'unlisted', madeForKids: true },
    chat: { enabled: true, slowModeMs: 0 },
    ...overrides,
  });
}

export function initialState(name = 'youtube'): DestinationState {
  return { name, kind: 'youtube', status: 'pending', remote: {} };
}

/** A context whose persist() keeps every state, as the engine's store would. */
export class RecordingContext implements DestinationContext {
  readonly saved: DestinationState[] = [];
  readonly controller = new AbortController();
  /** When set, persist throws this many times (a crash before the write lands). */
  failPersists = 0;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  now(): Date {
    return new Date();
  }

  async persist(state: DestinationState): Promise<void> {
    if (this.failPersists > 0) {
      this.failPersists--;
      throw new Error('simulated crash: the process died before the state was written');
    }
    this.saved.push(structuredClone(state));
  }

  get last(): DestinationState | undefined {
    return this.saved[this.saved.length - 1];
  }
}

/** A YoutubeApi talking to the emulator with its OAuth client, as production wires one. */
export function emulatorApi(
  emu: YoutubeEmulator,
  deps: { refreshToken: string; logger: Logger; ledger: QuotaLedger; retry: ConstructorParameters<typeof YoutubeApi>[0]['retry'] },
): YoutubeApi {
  return new YoutubeApi({
    apiRoot: emu.rootUrl,
    tokenUrl: emu.tokenUrl,
    credentials: { ...EMULATOR_CLIENT, refreshToken: deps.refreshToken, source: 'environment' },
    clock: systemClock,
    logger: deps.logger,
    ledger: deps.ledger,
    retry: deps.retry,
  });
}

export interface DestinationRig {
  destination: YoutubeDestination;
  refreshToken: string;
  api: YoutubeApi;
  ledger: QuotaLedger;
  db: SqliteDatabase;
  logger: Logger;
  close(): void;
}

export function destinationFor(emu: YoutubeEmulator, options: { refreshToken?: string; pollMs?: number; streamInactiveAttempts?: number; maxWaitMs?: number } = {}): DestinationRig {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-yt-'));
  const db = openDatabase(dir);
  const logger = createLogger('silent');
  const ledger = new QuotaLedger({ db, clock: systemClock, dailyQuota: 10_000 });
  const refreshToken = options.refreshToken ?? emu.oauth.issueRefreshToken();
  const api = emulatorApi(emu, { refreshToken, logger, ledger, retry: { attempts: 4, baseDelayMs: 40, maxDelayMs: 200 } });
  const destination = new YoutubeDestination({ name: 'youtube', api, language: 'tr', clock: systemClock, logger, pollMs: options.pollMs ?? 200,
    // 25 tries 400 ms apart: room for ffmpeg to start on a busy machine.
    streamInactiveAttempts: options.streamInactiveAttempts ?? 25,
    ...(options.maxWaitMs ? { maxWaitMs: options.maxWaitMs } : {}) });
  return {
    destination,
    refreshToken,
    api,
    ledger,
    db,
    logger,
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The environment that points onair's YouTube client at the emulator (API root, token URL) with
 * the emulator's OAuth client and a fresh refresh token it issued — what `onair auth youtube`
 * would leave in a real deployment's environment.
 */
export function emulatorEnv(emu: YoutubeEmulator): Record<string, string> {
  return {
    ONAIR_YOUTUBE_API_ROOT: emu.rootUrl,
    ONAIR_YOUTUBE_TOKEN_URL: emu.tokenUrl,
    ONAIR_YOUTUBE_CLIENT_ID: EMULATOR_CLIENT.clientId,
    ONAIR_YOUTUBE_CLIENT_SECRET: EMULATOR_CLIENT.clientSecret,
    ONAIR_YOUTUBE_REFRESH_TOKEN: emu.oauth.issueRefreshToken(),
  };
}
