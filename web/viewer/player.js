// @ts-check
// The viewer page's player: one live stream at a time, from one watch link. Local HLS plays
// through hls.js wherever it runs, natively where it cannot (iOS without MSE); YouTube through
// its privacy-enhanced embed. Both start muted, because browsers only autoplay muted media,
// and the page shows its own unmute button so nobody has to find the player's.
// Local HLS is a master playlist of renditions: hls.js picks among the pictures by bandwidth.
// In audio-only mode (viewers on mobile data, listeners who need no picture) the player plays
// the master's audio-only rendition itself: hls.js leaves audio-only variants out of its
// levels when the master also has pictures, so it is loaded as a playlist of its own.

/** @typedef {import('../../src/realtime/events.js').WatchLink} WatchLink */

/** How long to wait before asking for a playlist again after a network error. */
const RETRY_MS = 1500;
/**
 * A live picture that played and then has not moved for this long is stalled: the player
 * reloads the stream, which starts again near the live edge.
 */
const STALL_MS = 8000;
/**
 * A first frame that has not come after this long is stalled too (a stream joined at its very
 * start can hang on the slate-to-programme discontinuity). Longer than STALL_MS: a busy server
 * can take a while to deliver the first segments, and reloading starts over.
 */
const FIRST_FRAME_MS = 12_000;
const YOUTUBE_ORIGIN = 'https://www.youtube-nocookie.com';

/**
 * The audio-only rendition of a master playlist: the first variant whose CODECS name no
 * video codec and which has no RESOLUTION.
 * @param {string} text the master playlist @param {string} base its URL @returns {string | null} absolute URL
 */
export function audioOnlyVariant(text, base) {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith('#EXT-X-STREAM-INF:') || /RESOLUTION=/.test(line)) continue;
    const codecs = /CODECS="([^"]*)"/.exec(line)?.[1];
    if (!codecs || !codecs.split(',').every((c) => /^mp4a\./.test(c.trim()))) continue;
    const uri = lines.slice(i + 1).find((l) => l && !l.startsWith('#'));
    if (uri) return new URL(uri, new URL(base, location.href)).href;
  }
  return null;
}

/** @param {string} url @returns {string | null} the embed URL of a YouTube watch URL */
export function youtubeEmbed(url) {
  try {
    const u = new URL(url);
    const id = u.hostname === 'youtu.be' ? u.pathname.slice(1) : u.searchParams.get('v');
    if (!id || !/^[A-Za-z0-9_-]{6,20}$/.test(id)) return null;
    const params = new URLSearchParams({ autoplay: '1', mute: '1', playsinline: '1', enablejsapi: '1', origin: location.origin });
    return `${YOUTUBE_ORIGIN}/embed/${id}?${params}`;
  } catch {
    return null;
  }
}

export class Player {
  /** @type {HTMLElement} */
  #area;
  /** @type {WatchLink | null} */
  #link = null;
  /** @type {HTMLVideoElement | null} */
  #video = null;
  /** @type {HTMLIFrameElement | null} */
  #frame = null;
  /** @type {import('hls.js').default | null} */
  #hls = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #retry;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  #watchdog;
  #muted = true;
  /** @type {() => void} */
  #onMuteChange;
  /** The viewer asked for sound only. */
  #audioOnly = false;
  /** What plays: 'audio' once the audio-only rendition is loaded, 'picture' otherwise. @type {'picture' | 'audio'} */
  #rendition = 'picture';

  /**
   * @param {HTMLElement} area where the <video> or <iframe> goes
   * @param {() => void} onChange called when the sound or the rendition changes
   * @param {{ audioOnly?: boolean }} [options]
   */
  constructor(area, onChange, options = {}) {
    this.#area = area;
    this.#onMuteChange = onChange;
    this.#audioOnly = options.audioOnly === true;
  }

  /** Whether the viewer asked for sound only (it applies to local streams). */
  get audioOnly() {
    return this.#audioOnly;
  }

  /** 'audio' when the audio-only rendition plays (a local stream that has one), else 'picture'. */
  get rendition() {
    return this.#rendition;
  }

  /** Sound only, or the picture back; a playing local stream reloads in the chosen rendition. @param {boolean} on */
  setAudioOnly(on) {
    if (on === this.#audioOnly) return;
    this.#audioOnly = on;
    const video = this.#video;
    const link = this.#link;
    if (!video || !link) return;
    clearTimeout(this.#retry);
    this.#hls?.destroy();
    this.#hls = null;
    this.#attach(video, link.url);
  }

  /** The link playing now, if any. */
  get link() {
    return this.#link;
  }

  get muted() {
    return this.#muted;
  }

  /**
   * Plays `link` (a no-op if it already does).
   * @param {WatchLink} link @param {string} label the programme's title, for screen readers
   * @returns {boolean} false when the link cannot be played here
   */
  play(link, label) {
    if (this.#link && this.#link.url === link.url) return true;
    if (link.kind === 'youtube') {
      const embed = youtubeEmbed(link.url);
      if (!embed) return false;
      this.stop();
      const frame = document.createElement('iframe');
      frame.className = 'player';
      frame.src = embed;
      frame.title = label;
      frame.allow = 'autoplay; encrypted-media; picture-in-picture; fullscreen';
      frame.referrerPolicy = 'strict-origin-when-cross-origin';
      this.#frame = frame;
      this.#area.append(frame);
    } else if (link.url.startsWith('/')) {
      this.stop();
      const video = document.createElement('video');
      video.className = 'player';
      video.controls = true;
      video.playsInline = true;
      video.muted = true;
      video.autoplay = true;
      video.setAttribute('aria-label', label);
      video.addEventListener('pause', () => {
        // Paused by the viewer (not by a stall, which keeps `paused` false): leave it paused.
        video.autoplay = false;
      });
      video.addEventListener('play', () => {
        video.autoplay = true;
      });
      video.addEventListener('volumechange', () => {
        this.#muted = video.muted;
        this.#onMuteChange();
      });
      this.#video = video;
      this.#area.append(video);
      this.#rendition = 'picture';
      this.#attach(video, link.url);
      this.#watch(video, link.url);
    } else {
      return false;
    }
    this.#link = link;
    this.#muted = true;
    this.#onMuteChange();
    return true;
  }

  /**
   * Reloads a live stream whose picture stopped (the encoder restarted at the switch from
   * the slate, a segment came late on a busy server), unless the viewer paused it.
   * @param {HTMLVideoElement} video @param {string} url
   */
  #watch(video, url) {
    let last = -1;
    let since = Date.now();
    // Browsers pause a muted video scrolled out of view; that is not a stall.
    let visible = true;
    new IntersectionObserver((entries) => {
      visible = entries.some((e) => e.isIntersecting);
    }).observe(video);
    this.#watchdog = setInterval(() => {
      if ((video.paused && !video.autoplay) || !visible) {
        since = Date.now();
        return;
      }
      if (video.currentTime !== last) {
        last = video.currentTime;
        since = Date.now();
        return;
      }
      if (Date.now() - since < (video.currentTime === 0 ? FIRST_FRAME_MS : STALL_MS)) return;
      since = Date.now();
      this.#hls?.destroy();
      this.#hls = null;
      this.#attach(video, url);
    }, 1000);
  }

  /**
   * Plays `url` (a master playlist), or in audio-only mode its audio-only rendition when it
   * has one. @param {HTMLVideoElement} video @param {string} url
   */
  #attach(video, url) {
    if (!this.#audioOnly) {
      this.#setRendition(video, 'picture');
      this.#load(video, url);
      return;
    }
    const wanted = this.#audioOnly;
    fetch(url, { cache: 'no-store' })
      .then((res) => (res.ok ? res.text() : ''))
      .catch(() => '')
      .then((text) => {
        // Stopped, switched or toggled meanwhile: that call attaches what is wanted now.
        if (this.#video !== video || this.#audioOnly !== wanted || this.#hls) return;
        const audio = text ? audioOnlyVariant(text, url) : null;
        this.#setRendition(video, audio ? 'audio' : 'picture');
        this.#load(video, audio ?? url);
      });
  }

  /** @param {HTMLVideoElement} video @param {'picture' | 'audio'} rendition */
  #setRendition(video, rendition) {
    video.classList.toggle('audio-only', rendition === 'audio');
    if (this.#rendition === rendition) return;
    this.#rendition = rendition;
    this.#onMuteChange();
  }

  /** @param {HTMLVideoElement} video @param {string} url a master or media playlist */
  #load(video, url) {
    const Hls = window.Hls;
    // hls.js wherever it runs (Media Source Extensions): it copes with a live stream joined
    // at its very start. Chromium 156 also answers "maybe" for HLS, but its own player
    // hung there; only where hls.js cannot run (iOS without MSE) does the browser play it.
    if (!Hls || !Hls.isSupported()) {
      video.src = url;
      video.play().catch(() => {});
      return;
    }
    const hls = new Hls({ liveSyncDurationCount: 3 });
    this.#hls = hls;
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      video.play().catch(() => {});
    });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal || this.#hls !== hls) return;
      // A live stream's first segments may lag its announcement by a moment: ask again.
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
      else if (data.type === Hls.ErrorTypes.NETWORK_ERROR && /^manifest/.test(data.details)) this.#retry = setTimeout(() => hls.loadSource(url), RETRY_MS);
      else this.#retry = setTimeout(() => hls.startLoad(), RETRY_MS);
    });
    hls.loadSource(url);
    hls.attachMedia(video);
  }

  /** Turns the sound on or off; for YouTube through its embed's message API. */
  // (A viewer's pause turns autoplay off, so the watchdog leaves a paused picture alone.)
  toggleMute() {
    const muted = !this.#muted;
    if (this.#video) {
      this.#video.muted = muted;
      if (!muted) this.#video.play().catch(() => {});
    } else if (this.#frame?.contentWindow) {
      this.#frame.contentWindow.postMessage(JSON.stringify({ event: 'command', func: muted ? 'mute' : 'unMute', args: [] }), YOUTUBE_ORIGIN);
      this.#muted = muted;
      this.#onMuteChange();
    }
  }

  /** Stops and removes the player, releasing the stream. */
  stop() {
    clearTimeout(this.#retry);
    clearInterval(this.#watchdog);
    this.#hls?.destroy();
    this.#hls = null;
    if (this.#video) {
      this.#video.pause();
      this.#video.removeAttribute('src');
      this.#video.load();
      this.#video.remove();
      this.#video = null;
    }
    this.#frame?.remove();
    this.#frame = null;
    this.#link = null;
  }
}
