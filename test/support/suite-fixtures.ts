// Mocha global fixtures (loaded by .mocharc.json's `require`): print the suite's wall time
// and the load average at the end (the suite must stay well under 10 minutes on the shared
// 2-core machine, and a slow run means little without the load), and name anything still
// holding the event loop open once every test file is done: without `exit: true` such a
// handle keeps mocha from exiting, and this says which one to close.
import os from 'node:os';

let started = 0;

export function mochaGlobalSetup(): void {
  started = Date.now();
}

export function mochaGlobalTeardown(): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  process.stdout.write(`\nsuite wall time: ${seconds} s (load average ${load}, ${os.cpus().length} cores)\n`);
  // Reported on the next turn, after mocha's own handles (the reporter's output) are gone.
  setImmediate(() => {
    const open = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'Immediate');
    if (open.length) process.stdout.write(`still open after the suite: ${open.join(', ')}\n`);
  }).unref();
}
