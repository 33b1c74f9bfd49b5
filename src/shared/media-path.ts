// The media folder's boundary, checked when a file is about to be read. The schedule checks
// every media path when it loads (src/schedule/normalize.ts), but a file can be swapped for a
// link pointing elsewhere, or removed, long after: so the probe and every decoder spawn ask
// again here, and ffmpeg is given the real path this check resolved — never the link — so
// what was checked is what is read.
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export type MediaFileCheck =
  | { ok: true; real: string }
  | { ok: false; code: 'media-missing' | 'media-outside'; reason: string };

function inside(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * Where `file` really is, if it is a readable regular file under `root` (links resolved on
 * both sides). Without a root (an encoder built outside a deployment: tests' fixtures) only
 * existence is checked.
 */
export async function checkMediaFile(file: string, root: string | undefined): Promise<MediaFileCheck> {
  // Named as the schedule writes it (relative to the media folder): the message reaches
  // /api/broadcasts, which need not publish where the server keeps its files.
  const name = root !== undefined && inside(path.resolve(file), path.resolve(root)) ? `"${path.relative(root, file)}" in the media folder` : file;
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    return { ok: false, code: 'media-missing', reason: `${name} does not exist or cannot be read` };
  }
  if (root !== undefined) {
    let realRoot: string;
    try {
      realRoot = await realpath(root);
    } catch {
      return { ok: false, code: 'media-missing', reason: `the media folder does not exist, so ${name} cannot be read` };
    }
    if (!inside(real, realRoot)) {
      return { ok: false, code: 'media-outside', reason: `${name} is now a link to a file outside that folder, and onair reads nothing outside it` };
    }
  }
  try {
    if (!(await stat(real)).isFile()) return { ok: false, code: 'media-missing', reason: `${name} is not a regular file` };
    await access(real, constants.R_OK);
  } catch {
    return { ok: false, code: 'media-missing', reason: `${name} does not exist or cannot be read` };
  }
  return { ok: true, real };
}

/** The real paths of `files`, or the first one's failure. */
export async function checkMediaFiles(files: readonly string[], root: string | undefined): Promise<{ ok: true; real: string[] } | Extract<MediaFileCheck, { ok: false }>> {
  const real: string[] = [];
  for (const f of files) {
    const c = await checkMediaFile(f, root);
    if (!c.ok) return c;
    real.push(c.real);
  }
  return { ok: true, real };
}
