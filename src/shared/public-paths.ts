// What staff and viewers may read of where the server keeps its files: nothing absolute.
// Messages that reach a broadcast record (lastError, reason, a destination's error) are
// passed through this once, as the engine takes them in, so /api/broadcasts, the control
// room, the realtime feed and a web node's copy never publish the host's layout. A path in
// the media folder reads `media folder/clip.mp4`, one in the data folder `data folder/hls/…`.
import { realpathSync } from 'node:fs';
import path from 'node:path';

export interface NamedFolder {
  /** The folder as configured (relative or absolute). */
  dir: string;
  /** What a reader sees instead, e.g. "media folder". */
  name: string;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A function that rewrites every absolute spelling of `folders` (as configured, resolved, and
 * through links) in a text to the folder's name. Longer spellings are replaced first, so a
 * folder inside another is named for itself.
 */
export function folderNamer(folders: readonly NamedFolder[]): (text: string) => string {
  const spellings: Array<{ abs: string; name: string }> = [];
  for (const f of folders) {
    const abs = path.resolve(f.dir);
    spellings.push({ abs, name: f.name });
    try {
      const real = realpathSync(abs);
      if (real !== abs) spellings.push({ abs: real, name: f.name });
    } catch {
      // Not there (yet): its resolved spelling is the one a message can hold.
    }
  }
  spellings.sort((a, b) => b.abs.length - a.abs.length);
  if (spellings.length === 0) return (text) => text;
  // The folder itself, or anything under it; not a longer name that merely starts the same.
  const pattern = new RegExp(spellings.map((s) => `${escape(s.abs)}(?![\\w.-])`).join('|'), 'g');
  const names = new Map(spellings.map((s) => [s.abs, s.name]));
  return (text) => text.replace(pattern, (m) => names.get(m) ?? m);
}
