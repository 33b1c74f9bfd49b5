// `onair web`: one web node of a cluster (HTTP + Socket.IO; run as many as you like behind
// a load balancer). Needs ONAIR_REDIS_URL. The scheduler and ffmpeg run in `onair worker`.
import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { startClusterNode } from '../main-cluster.js';
import { stopOnSignals } from './stop-on-signals.js';

export function registerWeb(program: Command): void {
  program
    .command('web')
    .description('Start a web node of a cluster: pages, API and Socket.IO (needs ONAIR_REDIS_URL; scales horizontally).')
    .action(async () => {
      stopOnSignals(await startClusterNode(loadConfig(), { role: 'web' }));
    });
}
