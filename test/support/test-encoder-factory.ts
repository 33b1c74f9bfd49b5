// The encoder factory the media and destination tests use: real ffmpeg, a small picture
// (320x180 at 25 fps, cheap on a 2-core machine), the wall clock, a silent logger unless
// a test wants to read the log. `options` and `deps` override per test.
import path from 'node:path';
import { createEncoderFactory, type EncoderDeps, type EncoderOptions } from '../../src/media/index.js';
import { systemClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { binaries } from './ffmpeg-tools.js';

export const SMALL_FORMAT = { width: 320, height: 180, fps: 25 };

/** A factory whose pidfiles and scratch files go under `<dir>/run`. */
export function testEncoderFactory(
  dir: string,
  options: Partial<EncoderOptions> = {},
  deps: Partial<Pick<EncoderDeps, 'logger' | 'fontFile' | 'switchCost'>> = {},
): ReturnType<typeof createEncoderFactory> {
  return createEncoderFactory({
    ...binaries(),
    runDir: path.join(dir, 'run'),
    clock: systemClock,
    logger: createLogger('silent'),
    ...deps,
    options: { defaultFormat: SMALL_FORMAT, ...options },
  });
}
