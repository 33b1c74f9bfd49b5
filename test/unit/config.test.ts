import { expect } from 'chai';
import { loadConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/shared/errors.js';

describe('configuration', () => {
  it('loads the embedded default with documented defaults', () => {
    const c = loadConfig({ env: {} });
    expect(c.server.port).to.equal(3000);
    expect(c.engine.prepareLead).to.equal(10 * 60_000);
    expect(c.destinations).to.have.keys('local', 'demo', 'youtube');
    expect(Object.isFrozen(c.engine)).to.equal(true);
  });

  it('lets the environment place things', () => {
    const c = loadConfig({
      env: { PORT: '0', ONAIR_SCHEDULES_DIR: '/tmp/s', ONAIR_MEDIA_DIR: '/tmp/m', ONAIR_DATA_DIR: '/tmp/d' },
    });
    expect(c.server.port).to.equal(0);
    expect(c.dirs).to.deep.equal({ schedules: '/tmp/s', media: '/tmp/m', data: '/tmp/d' });
  });

  it('names the bad key and the variable that set it', () => {
    expect(() => loadConfig({ env: { PORT: 'eighty' } }))
      .to.throw(ConfigError, /server\.port/)
      .and.to.match(/PORT/);
  });

  it('says what a duration should look like', () => {
    expect(() => loadConfig({ env: {}, overrides: { 'engine.prepareLead': 'soon' } })).to.throw(
      /engine\.prepareLead: "soon" is not a duration; write e\.g\. 90s/,
    );
  });

  it('gives local destinations the documented ladder and names a bad one', () => {
    const c = loadConfig({ env: {} });
    expect(c.destinations.local).to.deep.include({ type: 'local', ladder: [720, 360] });
    // The demo's test pattern gets no lower renditions; a local destination that names none gets the default.
    expect(c.destinations.demo).to.deep.include({ ladder: [] });
    const plain = loadConfig({ env: {}, overrides: { 'destinations.branch': { type: 'local' } } });
    expect(plain.destinations.branch).to.deep.include({ ladder: [720, 360] });
    expect(() => loadConfig({ env: {}, overrides: { 'destinations.local.ladder': [720, 4000] } })).to.throw(/destinations\.local\.ladder\.1.*at most 2160/);
  });

  it('gives test patterns, cameras and the slate a 720p30 picture unless engine.picture says otherwise, and names a bad one', () => {
    expect(loadConfig({ env: {} }).engine.picture).to.deep.equal({ width: 1280, height: 720, fps: 30 });
    expect(loadConfig({ env: {}, overrides: { 'engine.picture': { width: 854, height: 480, fps: 25 } } }).engine.picture).to.deep.equal({ width: 854, height: 480, fps: 25 });
    expect(() => loadConfig({ env: {}, overrides: { 'engine.picture': { width: 853, height: 480, fps: 25 } } })).to.throw(/engine\.picture\.width.*even/);
  });

  it('gives YouTube the 720p30 profile, resolves a named or explicit one for RTMP, and names a bad one', () => {
    const c = loadConfig({ env: {} });
    expect(c.destinations.youtube).to.deep.equal({ type: 'youtube', profile: { width: 1280, height: 720, fps: 30, videoKbps: 3000 } });
    const relay = (profile: unknown) => loadConfig({ env: {}, overrides: { 'destinations.relay': { type: 'rtmp', url: 'rtmp://media.example.org/live', profile } } });
    expect(relay('phone').destinations.relay).to.deep.include({ profile: { width: 640, height: 360, fps: 30, videoKbps: 800 } });
    expect(relay({ width: 854, height: 480, fps: 25, videoKbps: 1200 }).destinations.relay).to.deep.include({ profile: { width: 854, height: 480, fps: 25, videoKbps: 1200 } });
    expect(loadConfig({ env: {}, overrides: { 'destinations.relay': { type: 'rtmp', url: 'rtmp://h/live' } } }).destinations.relay).to.not.have.property('profile');
    expect(() => relay('4k')).to.throw(/destinations\.relay\.profile: "4k" is not a profile; use one of 720p30, 1080p30, phone/);
    expect(() => relay({ width: 853, height: 480, fps: 30, videoKbps: 1200 })).to.throw(/destinations\.relay\.profile\.width: must be even/);
  });

  it('rejects an unknown setting by name', () => {
    expect(() => loadConfig({ env: {}, overrides: { 'engine.prepareLeed': '5m' } })).to.throw(/prepareLeed/);
  });

  it('takes secrets from the environment only', () => {
    const c = loadConfig({ env: { ONAIR_YOUTUBE_REFRESH_TOKEN: 'rt', ONAIR_MODERATOR_TOKEN: 'mt' } });
    expect(c.secrets.youtubeRefreshToken).to.equal('rt');
    expect(c.secrets.moderatorToken).to.equal('mt');
  });
});
