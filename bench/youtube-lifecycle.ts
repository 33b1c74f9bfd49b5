// Figures for the YouTube destination against the emulator (real ffmpeg, real RTMP):
// API calls and quota units per broadcast, and start accuracy — how long after the
// scheduled second the live transition is accepted and the event reads `live`.
// Run: npm run bench:youtube [-- N]   (N broadcasts, default 3)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { YoutubeEmulator, EMULATOR_CLIENT } from '../src/emulator/youtube/index.js';
import { QuotaLedger, YoutubeApi, YoutubeDestination } from '../src/destinations/youtube/index.js';
import type { DestinationContext, DestinationState } from '../src/scheduler/ports.js';
import { systemClock } from '../src/shared/clock.js';
import { createLogger } from '../src/shared/logger.js';
import { openDatabase } from '../src/store/sqlite/database.js';
import { makeOccurrence } from '../test/support/youtube-fixtures.js';
import { startPush } from '../test/support/youtube-push.js';

const n = Number(process.argv[2] ?? 3);
const settleMs = 1000;
const emu = new YoutubeEmulator({ settleMs });
await emu.start();
const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-bench-yt-'));
const db = openDatabase(dir);
const logger = createLogger('silent');
const ledger = new QuotaLedger({ db, clock: systemClock, dailyQuota: 10_000 });
const api = new YoutubeApi({
  apiRoot: emu.rootUrl,
  tokenUrl: emu.tokenUrl,
  credentials: { ...EMULATOR_CLIENT, refreshToken: emu.oauth.issueRefreshToken(), source: 'environment' },
  clock: systemClock,
  logger,
  ledger,
});
const destination = new YoutubeDestination({ name: 'youtube', api, language: 'tr', clock: systemClock, logger });
const ctx: DestinationContext = { persist: async () => {}, signal: new AbortController().signal, now: () => new Date() };

const rows: Array<{ calls: number; units: number; acceptedMs: number; liveMs: number }> = [];
for (let i = 0; i < n; i++) {
  const before = { calls: emu.calls.length, units: emu.quotaUsed() };
  const start = new Date(Math.ceil((Date.now() + 8000) / 1000) * 1000);
  const occ = makeOccurrence({ start, end: new Date(start.getTime() + 5000) });
  let state: DestinationState = { name: 'youtube', kind: 'youtube', status: 'pending', remote: {} };
  state = await destination.prepare(occ, state, ctx);
  const push = startPush(state.ingest!.url);
  state = await destination.awaitIngest(occ, state, ctx);
  await new Promise((r) => setTimeout(r, start.getTime() - Date.now()));
  state = await destination.goLive(occ, state, ctx);
  const transition = emu.calls.find((c, k) => k >= before.calls && c.method === 'liveBroadcasts.transition' && c.status === 200);
  const liveAt = Date.parse(emu.broadcast(state.remote.broadcastId!)!.snippet!.actualStartTime!);
  await new Promise((r) => setTimeout(r, Math.max(0, occ.end.getTime() - Date.now())));
  state = await destination.end(occ, state, ctx);
  await push.stop();
  rows.push({
    calls: emu.calls.length - before.calls,
    units: emu.quotaUsed() - before.units,
    acceptedMs: Date.parse(transition!.at) - start.getTime(),
    liveMs: liveAt - start.getTime(),
  });
}
const avg = (k: keyof (typeof rows)[number]): string => (rows.reduce((s, r) => s + r[k], 0) / rows.length).toFixed(0);
const max = (k: keyof (typeof rows)[number]): number => Math.max(...rows.map((r) => r[k]));
console.log(`YouTube destination vs emulator, ${n} broadcast(s), emulator liveStarting lasts ${settleMs} ms`);
for (const [i, r] of rows.entries()) {
  console.log(`  #${i + 1}: ${r.calls} calls, ${r.units} units; transition accepted ${r.acceptedMs} ms after the scheduled second, live ${r.liveMs} ms after`);
}
console.log(`  per broadcast: ${avg('calls')} calls, ${avg('units')} units (avg); transition accepted max ${max('acceptedMs')} ms, live max ${max('liveMs')} ms after schedule`);
console.log(`  ledger today: ${ledger.usage().units} units in ${ledger.usage().calls} calls (emulator charged ${emu.quotaUsed()})`);
db.close();
rmSync(dir, { recursive: true, force: true });
await emu.stop();
