// Reads one schedule file without trusting what it is: only a regular file is read (a FIFO
// would block for ever, a device such as /dev/zero never ends), never more than a size
// limit, and a symbolic link is followed only when it stays inside the schedules folder —
// a link pointing elsewhere is refused without reading it, so its contents never reach a
// message or /api/status.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { MAX_FILE_BYTES } from './limits.js';

/** Why a file was not read; `message` is written for the staff member who saved it. */
export class UnreadableFileError extends Error {
  override name = 'UnreadableFileError';
  constructor(
    message: string,
    /** 'missing' when the file is gone (a deletion, not a problem). */
    readonly reason: 'missing' | 'refused',
  ) {
    super(message);
  }
}

export interface ReadOptions {
  /** The folder a symbolic link must resolve inside (the schedules folder); none = any. */
  root?: string;
  /** @defaultValue MAX_FILE_BYTES */
  maxBytes?: number;
}

function kindOf(st: { isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean; isDirectory(): boolean }): string {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a folder';
  return 'not a regular file';
}

function inside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The text of `file` (UTF-8), or an UnreadableFileError saying why not. Never blocks on a
 * FIFO: the file is opened non-blocking and checked through its descriptor (so a file
 * swapped between the check and the read is still checked).
 */
export function readScheduleFile(file: string, options: ReadOptions = {}): string {
  const maxBytes = options.maxBytes ?? MAX_FILE_BYTES;
  let target = file;
  try {
    const link = lstatSync(file);
    if (link.isSymbolicLink()) {
      const real = realpathSync(file);
      const root = options.root ? realpathSync(options.root) : undefined;
      if (root && !inside(root, real))
        throw new UnreadableFileError('this is a link to a file outside the schedules folder; it is not read. Copy the file into the schedules folder instead', 'refused');
      target = real;
    }
  } catch (err) {
    if (err instanceof UnreadableFileError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UnreadableFileError('the file is gone', 'missing');
    throw new UnreadableFileError(`cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`, 'refused');
  }
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer would otherwise wait for ever.
    fd = openSync(target, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UnreadableFileError('the file is gone', 'missing');
    if (code === 'ELOOP') throw new UnreadableFileError('this link changed while it was read; save the file again', 'refused');
    throw new UnreadableFileError(`cannot read the file (${code ?? 'error'}); check its permissions`, 'refused');
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile())
      throw new UnreadableFileError(`this is ${kindOf(st)}, not a schedule file; only regular files are read — remove it from the schedules folder`, 'refused');
    if (st.size > maxBytes)
      throw new UnreadableFileError(
        `the file is ${kb(st.size)}, larger than the ${kb(maxBytes)} a schedule file may be; split it into several files`,
        'refused',
      );
    // Read at most one byte past the limit: a file growing while it is read is caught too.
    const buf = Buffer.allocUnsafe(maxBytes + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > maxBytes)
        throw new UnreadableFileError(`the file is larger than the ${kb(maxBytes)} a schedule file may be; split it into several files`, 'refused');
    }
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function kb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
