// Pure: recognises the ffmpeg log lines the supervisor acts on. ffmpeg runs with
// `-loglevel warning`, so these are rare; everything else only goes to the debug log.
import type { IngestTarget } from '../scheduler/ports.js';
import { maskUrl } from '../shared/logger.js';

export type StderrFinding =
  | { kind: 'output-failed'; target: IngestTarget; detail: string }
  | { kind: 'disk-full'; detail: string };

const DISK_FULL = /No space left on device|ENOSPC/i;

/**
 * What one stderr line says. `targets` are this run's outputs: a fifo slave names its
 * URL when (re)opening it fails, e.g. `[fifo @ 0x..] Error opening rtmp://h/app/key: Connection refused`.
 */
export function classifyStderr(line: string, targets: readonly IngestTarget[]): StderrFinding | undefined {
  if (DISK_FULL.test(line)) return { kind: 'disk-full', detail: line };
  if (/^\[(fifo|tee) @/.test(line) || /Error (opening|writing)/.test(line)) {
    const target = targets.find((t) => line.includes(t.url));
    if (target) {
      const detail = line.slice(line.indexOf(target.url) + target.url.length).replace(/^[:\s]+/, '') || 'failed';
      return { kind: 'output-failed', target, detail };
    }
  }
  return undefined;
}

/**
 * Masks the stream key of every rtmp(s) URL anywhere in a line (shared maskUrl only
 * handles a string that is a URL), and user:password in any URL; ffmpeg names its input
 * and output URLs in error lines.
 */
export function maskUrlsIn(text: string): string {
  return text
    .replace(/rtmps?:\/\/[^\s'"|\]]+/gi, (url) => maskUrl(url.replace(/:$/, '')) + (url.endsWith(':') ? ':' : ''))
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1****@'); // camera passwords (rtsp://user:pass@)
}
