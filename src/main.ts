// Entry of the server that `npm start` / `onair run` starts: onair as configured, built by
// the one composition (src/compose/onair.ts) — embedded, or a cluster node doing both jobs
// when ONAIR_REDIS_URL is set. Journey tests start it here with a test clock and small
// encoder settings, so they run the code users run.
import type { Config } from './config/index.js';
import { composeOnair, type ComposeOptions, type Onair } from './compose/onair.js';

export type { Onair } from './compose/onair.js';

/** What a caller may vary; the role is always `all` here (web and worker: main-cluster.ts). */
export type StartOptions = Omit<ComposeOptions, 'role'>;

export function startOnair(config: Readonly<Config>, options: StartOptions = {}): Promise<Onair> {
  return composeOnair(config, { ...options, role: 'all' });
}
