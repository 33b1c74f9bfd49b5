// Reads back the local HLS playlist an output wrote, so a restarted output can continue
// its numbering (tee.ts explains why the playlist is not appended to).
import { readFile } from 'node:fs/promises';

/** The media sequence number the next segment of `playlist` gets (0 when there is none yet). */
export async function nextMediaSequence(playlist: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(playlist, 'utf8');
  } catch {
    return 0;
  }
  const first = Number(/^#EXT-X-MEDIA-SEQUENCE:(\d+)/m.exec(text)?.[1] ?? 0);
  const segments = text.split('\n').filter((l) => l.trim() && !l.startsWith('#')).length;
  return first + segments;
}
