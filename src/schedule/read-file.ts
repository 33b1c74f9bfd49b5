// Reads one schedule file without trusting what it is: only a regular file is read (a FIFO
// would block for ever, a device such as /dev/zero never ends), never more than a size
// limit, and a symbolic link is followed only when it stays inside the schedules folder —
// a link pointing elsewhere is refused without reading it, so its contents never reach a
// message or /api/status.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { MAX_FILE_BYTES } from './limits.js';
import { bothLanguages as say } from './messages.js';
import type { Localized } from './types.js';

/** Why a file was not read; `message` (English) and `text` are written for the staff member who saved it. */
export class UnreadableFileError extends Error {
  override name = 'UnreadableFileError';
  constructor(
    readonly text: Localized,
    /** 'missing' when the file is gone (a deletion, not a problem). */
    readonly reason: 'missing' | 'refused',
  ) {
    super(text.en);
  }
}

export interface ReadOptions {
  /** The folder a symbolic link must resolve inside (the schedules folder); none = any. */
  root?: string;
  /** @defaultValue MAX_FILE_BYTES */
  maxBytes?: number;
}

function kindOf(st: { isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean; isDirectory(): boolean }): Localized {
  if (st.isFIFO()) return say('kindFifo');
  if (st.isCharacterDevice() || st.isBlockDevice()) return say('kindDevice');
  if (st.isSocket()) return say('kindSocket');
  if (st.isDirectory()) return say('kindFolder');
  return say('kindOther');
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
        throw new UnreadableFileError(say('fileLinkOutside'), 'refused');
      target = real;
    }
  } catch (err) {
    if (err instanceof UnreadableFileError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UnreadableFileError(say('fileGone'), 'missing');
    throw new UnreadableFileError(say('fileUnreadable', { code: (err as NodeJS.ErrnoException).code ?? 'error' }), 'refused');
  }
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer would otherwise wait for ever.
    fd = openSync(target, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UnreadableFileError(say('fileGone'), 'missing');
    if (code === 'ELOOP') throw new UnreadableFileError(say('fileLinkChanged'), 'refused');
    throw new UnreadableFileError(say('fileUnreadablePermissions', { code: code ?? 'error' }), 'refused');
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile())
      throw new UnreadableFileError(say('fileNotRegular', { kind: kindOf(st) }), 'refused');
    if (st.size > maxBytes)
      throw new UnreadableFileError(say('fileTooLargeSize', { size: kb(st.size), max: kb(maxBytes) }), 'refused');
    // Read at most one byte past the limit: a file growing while it is read is caught too.
    const buf = Buffer.allocUnsafe(maxBytes + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > maxBytes)
        throw new UnreadableFileError(say('fileTooLarge', { max: kb(maxBytes) }), 'refused');
    }
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function kb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
