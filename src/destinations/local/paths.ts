// Where the local destination keeps things under the data folder. One place, so the
// HTTP routes and the destination agree.
import path from 'node:path';

/** A file-system and URL-safe folder name for an occurrence id ("a@2026-12-05T11:00" -> "a_2026-12-05T11-00"). */
export function occurrenceFolder(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]+/g, (m) => (m.includes('@') ? '_' : '-')).slice(0, 120);
}

export function hlsRoot(dataDir: string): string {
  return path.join(dataDir, 'hls');
}

export function archiveRoot(dataDir: string): string {
  return path.join(dataDir, 'archive');
}

/** MPEG-TS parts the encoder records while the programme runs (IngestTarget.record). */
export function partsDir(dataDir: string, folder: string): string {
  return path.join(archiveRoot(dataDir), '.parts', folder);
}
