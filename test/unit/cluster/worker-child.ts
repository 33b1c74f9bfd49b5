// A worker node in its own process (so a test can SIGKILL or SIGSTOP it): the real
// ClusterNode, lease and fenced Redis store, the real BroadcastEngine and ProgrammeFeed, with
// the engine's destination and encoder ports as the hand-written fakes of
// test/unit/scheduler/fakes.ts. Prints one JSON line per thing the test waits on.
// argv: redisUrl prefix leaseTtlMs occurrenceJson
import { ClusterNode } from '../../../src/cluster/cluster-node.js';
import { ProgrammeFeed } from '../../../src/realtime/index.js';
import type { Occurrence } from '../../../src/schedule/types.js';
import { BroadcastEngine } from '../../../src/scheduler/engine.js';
import { DEFAULT_TIMING } from '../../../src/scheduler/engine-deps.js';
import { systemClock } from '../../../src/shared/clock.js';
import { createLogger } from '../../../src/shared/logger.js';
import { fakeDestination, fakeEncoders, fakeSchedule } from '../scheduler/fakes.js';

const [url, prefix, ttl, occJson] = process.argv.slice(2);
if (!url || !prefix || !ttl || !occJson) throw new Error('usage: worker-child <redisUrl> <prefix> <ttlMs> <occurrenceJson>');
const raw = JSON.parse(occJson) as Occurrence;
const occ: Occurrence = { ...raw, start: new Date(raw.start), end: new Date(raw.end) };
const say = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);

const logger = createLogger(process.env['WORKER_LOG'] ?? 'silent');
const node = new ClusterNode({ redisUrl: url, role: 'worker', clock: systemClock, logger, prefix, leaseTtlMs: Number(ttl) });
await node.connect();
const schedule = fakeSchedule([occ]);
const destination = fakeDestination('local');
const encoders = fakeEncoders();

node.lease!.on('acquired', (token) => say({ event: 'acquired', token }));
node.lease!.on('lost', (reason) => say({ event: 'lost', reason }));

node.runLeader(async (term) => {
  const engine = new BroadcastEngine({
    schedule,
    store: term.store,
    destinations: () => destination,
    encoders,
    clock: systemClock,
    timing: DEFAULT_TIMING,
    logger,
    replanEvery: 0,
    housekeepingEvery: 0,
  });
  engine.on('transition', (record, from) => say({ event: 'transition', id: record.occurrenceId, from: from ?? null, to: record.state }));
  const feed = new ProgrammeFeed({
    engineEvents: engine,
    schedule,
    clock: systemClock,
    chatOpensBeforeMs: 15 * 60_000,
    chatClosesAfterMs: 15 * 60_000,
    initialRecords: await term.store.listUnfinished(),
    output: {
      toAll: (event: string, payload: unknown) => void term.io.emit(event, payload),
      toRooms: (rooms: string[], event: string, payload: unknown) => void term.io.to(rooms).emit(event, payload),
    },
  });
  feed.start();
  await engine.start();
  await engine.settled();
  say({ event: 'engine-started', token: term.fencingToken });
  return {
    on: engine.on.bind(engine),
    startNow: (id: string) => engine.startNow(id),
    extend: (id: string, ms: number) => engine.extend(id, ms),
    endNow: (id: string) => engine.endNow(id),
    show: (id: string, phase: 'slate' | 'programme') => engine.show(id, phase),
    async stop() {
      feed.stop();
      await engine.stop();
      say({ event: 'engine-stopped', encodersRunning: encoders.created.filter((e) => !e.stopped).length });
    },
  };
});

// Report what this process did to the destination (a second prepare/goLive would be a duplicate broadcast).
setInterval(() => {
  say({
    event: 'calls',
    prepare: destination.count('prepare'),
    goLive: destination.count('goLive'),
    encoders: encoders.created.length,
    running: encoders.created.filter((e) => !e.stopped).length,
  });
}, 250).unref();

process.on('SIGTERM', () => {
  node
    .stop()
    .then(() => {
      say({ event: 'stopped' });
      process.exit(0);
    })
    .catch(() => process.exit(1));
});
setInterval(() => {}, 1 << 30);
