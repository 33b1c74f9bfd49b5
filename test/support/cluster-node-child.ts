// One cluster node (`onair worker` / `web` / `run` with Redis) in a process of its own, as the
// CLI starts it (loadConfig from the environment, startClusterNode, stopOnSignals) but on a
// test clock, so a test can start a programme on a chosen second and SIGTERM or SIGKILL the
// node. argv: <role> <clock start, ISO 8601>
import { ScaledClock } from '../../src/cli/scaled-clock.js';
import { stopOnSignals } from '../../src/cli/stop-on-signals.js';
import { loadConfig } from '../../src/config/index.js';
import type { NodeRole } from '../../src/cluster/index.js';
import { startClusterNode } from '../../src/main-cluster.js';

const [role, start] = process.argv.slice(2);
if ((role !== 'web' && role !== 'worker' && role !== 'all') || !start) {
  throw new Error('usage: cluster-node-child <web|worker|all> <clock start ISO>');
}
const clock = new ScaledClock(new Date(start), 1);
stopOnSignals(await startClusterNode(loadConfig(), { role: role as NodeRole, clock }));
