// `onair worker`: the node that runs the scheduler and ffmpeg while it holds the leader lease
// in Redis (start two for a warm standby: the second takes over within the lease's ttl).
// Needs ONAIR_REDIS_URL. It serves /healthz, /readyz and /metrics on PORT, nothing else.
import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { startClusterNode } from '../main-cluster.js';
import { stopOnSignals } from './stop-on-signals.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('Start a worker of a cluster: schedules, broadcast engine and ffmpeg while it leads (needs ONAIR_REDIS_URL).')
    .action(async () => {
      stopOnSignals(await startClusterNode(loadConfig(), { role: 'worker' }));
    });
}
