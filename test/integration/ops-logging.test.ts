// Secrets never reach a log line: the real pino logger piped into a buffer, fed the objects
// onair really logs (the loaded config with its secrets from the environment, Redis URLs,
// request headers, nested token fields), and the lines it wrote searched for the secrets.
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { loadConfig } from '../../src/config/index.js';
import { maskRedisUrl } from '../../src/cluster/redis.js';
import { createLogger, maskUrl } from '../../src/shared/logger.js';

function bufferLogger(): { logger: ReturnType<typeof createLogger>; text: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  const logger = createLogger('trace', sink);
  return { logger, text: () => chunks.join('') };
}

describe('operations: no secret in a log line', () => {
  const REFRESH = '1//0refresh-SECRET-abc123';
  const MODERATOR = 'mod-SECRET-token-777';
  const STREAM_KEY = 'live_SECRETKEY_999';
  const REDIS_PASSWORD = 'redis-SECRET-pw';

  it('redacts the secrets of the loaded config and nested token fields, and masks URLs', () => {
    const config = loadConfig({
      env: {
        ONAIR_YOUTUBE_REFRESH_TOKEN: REFRESH,
        ONAIR_YOUTUBE_CLIENT_SECRET: 'client-SECRET',
        ONAIR_MODERATOR_TOKEN: MODERATOR,
        ONAIR_REDIS_URL: `redis://onair:${REDIS_PASSWORD}@127.0.0.1:6379/0`,
      },
    });
    expect(config.secrets.youtubeRefreshToken).to.equal(REFRESH);
    const { logger, text } = bufferLogger();
    const child = logger.child({ programme: 'story-hour', occurrence: 'story-hour@2026-12-05T11:00' });
    child.info({ config }, 'config loaded');
    child.info({ secrets: config.secrets }, 'secrets object');
    child.info({ auth: { refreshToken: REFRESH, token: MODERATOR } }, 'nested');
    child.info({ req: { headers: { authorization: `Bearer ${MODERATOR}`, cookie: `onair_session=${MODERATOR}` } } }, 'request');
    child.info({ ingest: maskUrl(`rtmp://a.rtmp.youtube.com/live2/${STREAM_KEY}`) }, 'ffmpeg output');
    child.info({ redis: maskRedisUrl(config.cluster.redisUrl) }, 'cluster mode');
    child.warn({ streamKey: STREAM_KEY, access_token: 'ya29.SECRET' }, 'flat keys');

    const out = text();
    for (const secret of [REFRESH, MODERATOR, STREAM_KEY, REDIS_PASSWORD, 'client-SECRET', 'ya29.SECRET']) {
      expect(out, secret).not.to.include(secret);
    }
    // The lines are still useful: programme and occurrence on each, and what was redacted says so.
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).to.have.length(7);
    for (const l of lines) expect(l).to.include({ programme: 'story-hour', occurrence: 'story-hour@2026-12-05T11:00' });
    expect(out).to.include('[redacted]');
    expect(out).to.include('rtmp://a.rtmp.youtube.com/live2/****');
    expect(out).to.include('redis://onair:****@127.0.0.1:6379/0');
  });
});
