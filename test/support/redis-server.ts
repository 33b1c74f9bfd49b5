// A private redis-server for tests that kill and restart Redis (the shared one on 6379 is
// never touched): a free port, an append-only file in the test's own folder, fsync on every
// write, so what was written before a SIGKILL is there after the restart. With
// `appendOnly: false` nothing is persisted: a restart comes back empty.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** The one free-port helper, under the name these tests import it by. */
export { freePort } from './free-port.js';

export async function startRedisServer(port: number, dir: string, options: { appendOnly?: boolean } = {}): Promise<ChildProcess> {
  const persistence = options.appendOnly === false ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', 'always'];
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...persistence],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
  });
  return child;
}

export async function killRedisServer(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill(signal);
    await once(child, 'exit');
  }
  // Its output pipes would otherwise stay open (stderr is never read) and hold the test process.
  child.stdout?.destroy();
  child.stderr?.destroy();
}
