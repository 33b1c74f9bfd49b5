// `onair emulator youtube`: the YouTube API emulator on its own, for trying onair (or
// `onair auth youtube`) by hand. Prints the environment to point onair at it.
import type { Command } from 'commander';
import { EMULATOR_CLIENT, YoutubeEmulator } from '../emulator/youtube/index.js';

export function registerEmulator(program: Command): void {
  const emulator = program.command('emulator').description('Run an emulator of an outside service, for tests and rehearsals.');
  emulator
    .command('youtube')
    .description('Run the YouTube Live Streaming API emulator (HTTP API, OAuth token endpoint and an RTMP ingest on 127.0.0.1).')
    .option('--port <port>', 'HTTP port (0 = any free port)', '0')
    .option('--rtmp-port <port>', 'RTMP ingest port (0 = any free port)', '0')
    .option('--settle <ms>', 'how long liveStarting/testStarting last', '2000')
    .action(async (opts: { port: string; rtmpPort: string; settle: string }) => {
      const emu = new YoutubeEmulator({ settleMs: Number(opts.settle) });
      await emu.start({ httpPort: Number(opts.port), rtmpPort: Number(opts.rtmpPort) });
      const refreshToken = emu.oauth.issueRefreshToken();
      const lines = [
        `YouTube emulator on ${emu.rootUrl} (RTMP ingest ${emu.ingestionAddress})`,
        'Point onair at it (these are the emulator\'s own dummy credentials):',
        `  export ONAIR_YOUTUBE_API_ROOT=${emu.rootUrl}`,
        `  export ONAIR_YOUTUBE_TOKEN_URL=${emu.tokenUrl}`,
        `  export ONAIR_YOUTUBE_CLIENT_ID=${EMULATOR_CLIENT.clientId}`,
        `  export ONAIR_YOUTUBE_CLIENT_SECRET=${EMULATOR_CLIENT.clientSecret}`,
        `  export ONAIR_YOUTUBE_REFRESH_TOKEN=${refreshToken}`,
        `Consent page for \`onair auth youtube --auth-url ${emu.authUrl}\`.`,
        `State: GET ${emu.rootUrl}emulator/state   Faults: POST ${emu.rootUrl}emulator/faults {"type":"backendError"|"rateLimit"|"latency"|"quotaExhausted"|"revokeTokens"|"liveStreamingDisabled"|"dropStream", ...}`,
        'Ctrl-C stops it.',
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await emu.stop();
    });
}
