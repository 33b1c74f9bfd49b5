// @ts-check
// The viewer page's player: one live stream at a time, from one watch link. Local HLS plays
// natively where the browser can (Safari, iOS) and through hls.js elsewhere; YouTube through
// its privacy-enhanced embed. Both start muted, because browsers only autoplay muted media,
// and the page shows its own unmute button so nobody has to find the player's.

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

  /** @param {HTMLElement} area where the <video> or <iframe> goes @param {() => void} onMuteChange */
  constructor(area, onMuteChange) {
    this.#area = area;
    this.#onMuteChange = onMuteChange;
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

  /** @param {HTMLVideoElement} video @param {string} url */
  #attach(video, url) {
    const Hls = window.Hls;
    // Safari (and iOS, which has no MSE for hls.js) plays HLS itself.
    if (video.canPlayType('application/vnd.apple.mpegurl') || !Hls || !Hls.isSupported()) {
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
