// The local transport between a broadcast's decoders and its output (the shape of
// professional playout such as ffplayout): a named pipe that the long-lived output
// ffmpeg reads and that each short-lived decoder (slate, programme) writes in turn.
// onair itself holds the pipe open for the whole broadcast, so the output never sees the
// end of its input when a decoder stops, crashes or is replaced: the destinations keep
// one connection and one timeline while the sources change behind it.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Makes a FIFO at `file` (replacing whatever is there), readable and writable by onair only. */
export async function makeFifo(file: string): Promise<void> {
  await rm(file, { force: true });
  // Node has no mkfifo(); coreutils' does it (POSIX, present wherever ffmpeg runs).
  await run('mkfifo', ['-m', '600', file]);
}

export class PlayoutPipe {
  #handle: FileHandle | undefined;

  constructor(readonly path: string) {}

  /** Creates the FIFO and holds it open (read-write: Linux opens that without waiting for a peer). */
  async open(): Promise<void> {
    await makeFifo(this.path);
    this.#handle = await open(this.path, constants.O_RDWR);
  }

  /** Releases and removes the FIFO (after the processes using it are gone). */
  async close(): Promise<void> {
    const h = this.#handle;
    this.#handle = undefined;
    await h?.close();
    await rm(this.path, { force: true });
  }
}
