// BENCH_CPU_PROF=<folder>: a bench process profiles its CPU (V8's sampling profiler, as
// `node --cpu-prof` does) between profileStart() and profileStop(), and writes the profile
// there as <name>.cpuprofile (open it in Chrome DevTools or speedscope). Without the
// variable both do nothing. For the measured part of a bench only, not its setup.
import fs from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector/promises';

let session: Session | undefined;

export async function profileStart(): Promise<void> {
  if (!process.env['BENCH_CPU_PROF'] || session) return;
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // 100 µs between samples (the default is 1 ms): a broadcast round lasts tens of ms.
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}

export async function profileStop(name: string): Promise<void> {
  const dir = process.env['BENCH_CPU_PROF'];
  if (!dir || !session) return;
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  session = undefined;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
}
