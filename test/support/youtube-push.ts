// Test helper: a real ffmpeg pushing lavfi testsrc2 + sine as FLV to an RTMP URL (the
// emulator's ingest), small and slow enough to be cheap on a 2-core machine. Every push
// is stopped by the test that starts it; stop() waits for the process to be gone.
import { spawn, type ChildProcess } from 'node:child_process';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';

export interface Push {
  readonly process: ChildProcess;
  /** Resolves with the exit code when ffmpeg has exited. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function ffmpegPath(): string {
  return process.env.ONAIR_FFMPEG_PATH || ffmpegInstaller.path;
}

export function startPush(url: string, options: { seconds?: number } = {}): Push {
  const args = [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-re',
    '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=15',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
    ...(options.seconds ? ['-t', String(options.seconds)] : []),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-g', '30', '-b:v', '300k',
    '-c:a', 'aac', '-b:a', '64k', '-ar', '44100',
    '-f', 'flv', url,
  ];
  const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
