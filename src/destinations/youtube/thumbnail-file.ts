// The programme's YouTube thumbnail, read at upload time. The schedule checked the path when it
// loaded, but the file can be swapped later for a link out of the media folder, a FIFO or a
// device, or grow past what YouTube takes: so the real path is resolved again right before the
// read (src/shared/media-path.ts, as the media sources are), the file opened is the one checked
// (fstat on the open handle), and only a JPEG or PNG of at most 2 MB is read.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { SourcePosition } from '../../schedule/types.js';
import { checkMediaFile } from '../../shared/media-path.js';

/** YouTube's limit for thumbnails.set (its documentation: 2 MB, image/jpeg or image/png). */
export const THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024;

export type ThumbnailRead =
  | { ok: true; image: Buffer; mimeType: 'image/jpeg' | 'image/png' }
  | { ok: false; message: string };

function mimeOf(head: Buffer): 'image/jpeg' | 'image/png' | undefined {
  if (head.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return 'image/jpeg';
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return undefined;
}

/**
 * Reads the thumbnail `file` (absolute, as the schedule resolved it) if it is still a JPEG or
 * PNG of at most 2 MB inside `mediaRoot`; otherwise says why and what to do, naming the image
 * relative to the media folder and the schedule line that names it (`at`).
 */
export async function readThumbnail(file: string, mediaRoot: string | undefined, at: SourcePosition | undefined): Promise<ThumbnailRead> {
  const where = at ? ` (youtube.thumbnail in ${at.file}:${at.line}:${at.col})` : ' (youtube.thumbnail)';
  const refuse = (what: string, fix: string): ThumbnailRead => ({
    ok: false,
    message: `The thumbnail ${what}${where}, so the YouTube event goes on without it. ${fix}`,
  });
  const name = mediaRoot ? `"${path.relative(mediaRoot, file)}"` : `"${path.basename(file)}"`;
  const fix = 'Put a JPEG or PNG image of at most 2 MB itself (not a link) in the media folder, or correct youtube.thumbnail in the schedule file.';
  const checked = await checkMediaFile(file, mediaRoot);
  if (!checked.ok) return refuse(checked.reason, fix);
  // Swapped again since the check: O_NOFOLLOW refuses a link, O_NONBLOCK keeps a FIFO from
  // hanging the open (fstat below then refuses it).
  const handle = await open(checked.real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined);
  if (!handle) return refuse(`${name} in the media folder cannot be read`, fix);
  try {
    const st = await handle.stat();
    if (!st.isFile()) return refuse(`${name} in the media folder is not a regular file`, fix);
    if (st.size > THUMBNAIL_MAX_BYTES) {
      return refuse(`${name} is ${(st.size / 1024 / 1024).toFixed(1)} MB, more than the 2 MB YouTube takes`, 'Save it smaller (e.g. 1280×720 JPEG), or correct youtube.thumbnail in the schedule file.');
    }
    const image = await handle.readFile();
    const mimeType = mimeOf(image);
    if (!mimeType) return refuse(`${name} is not a JPEG or PNG image`, fix);
    return { ok: true, image, mimeType };
  } finally {
    await handle.close();
  }
}
