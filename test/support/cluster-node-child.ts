// One cluster node (`onair worker` / `web` / `run` with Redis) in a process of its own, as the
// CLI starts it (loadConfig from the environment, startClusterNode, stopOnSignals) but on a
// test clock, so a test can start a programme on a chosen second and SIGTERM or SIGKILL the
// node. A line `hurry <ISO 8601> <speed>` on stdin runs the test clock that much faster until
// that instant, then at wall speed again (a test hurries through a programme's quiet
// seconds). argv: <role> <clock start, ISO 8601>
import { createInterface } from 'node:readline';
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
createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, until, speed] = line.trim().split(/\s+/);
  if (command !== 'hurry' || !until || clock.now() >= new Date(until)) return;
  clock.setSpeed(Number(speed));
  clock.at(new Date(until), () => clock.setSpeed(1));
});
stopOnSignals(await startClusterNode(loadConfig(), { role: role as NodeRole, clock }));
