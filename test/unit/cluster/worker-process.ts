// A worker-child.ts process seen from a test: its `{ event: … }` JSON lines, waits on them,
// and kill(), through the one LoggedProcess.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LoggedProcess } from '../../support/logged-process.js';

export type WorkerLine = { event: string; [k: string]: unknown };
export type WorkerProcess = LoggedProcess<WorkerLine>;

export function startWorkerChild(redisUrl: string, prefix: string, leaseTtlMs: number, occJson: string): WorkerProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./worker-child.ts', import.meta.url)), redisUrl, prefix, String(leaseTtlMs), occJson],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new LoggedProcess<WorkerLine>(child);
}
