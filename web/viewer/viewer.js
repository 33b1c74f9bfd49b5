// @ts-check
// The viewer page: what is live and next, the player, reminders (subscriptions and browser
// notifications), the chat. Everything a viewer or the server sends is put on the page with
// textContent or as an attribute value: nothing is ever parsed as HTML.
import { applyStatic, initialLang, localized, localTime, rememberLang, t } from '../shared/i18n.js';
import { messageNickAndText } from '../shared/chat-message.js';
import { $ } from '../shared/dom.js';

/** @typedef {import('../../src/realtime/events.js').ServerToClientEvents} ServerToClientEvents */
/** @typedef {import('../../src/realtime/events.js').ClientToServerEvents} ClientToServerEvents */
/** @typedef {import('../../src/realtime/events.js').ProgrammeInfo} ProgrammeInfo */
/** @typedef {import('../../src/realtime/events.js').ChatMessagePayload} ChatMessage */
/** @typedef {import('../../src/realtime/events.js').ChatRoomState} ChatRoomState */
/** @typedef {import('../../src/realtime/events.js').WatchLink} WatchLink */
/** @typedef {import('socket.io-client').Socket<ServerToClientEvents, ClientToServerEvents>} ViewerSocket */
/** @typedef {import('../shared/i18n.js').Lang} Lang */

/** @param {string} key @returns {string | null} */
function load(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
/** @param {string} key @param {string} value */
function save(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* private mode */
  }
}

// The chat identity is issued and signed by the server (`viewer:identity`); the page only
// keeps it and presents it on every (re)connection, so time-outs and bans hold on this browser.
const VIEWER_KEY = 'onair.viewer';

const state = {
  /** @type {Lang} */
  lang: initialLang(),
  /** @type {ProgrammeInfo[]} */
  live: [],
  /** @type {ProgrammeInfo[]} */
  next: [],
  /** @type {Set<string>} */
  subscriptions: new Set(/** @type {string[]} */ (JSON.parse(load('onair.subs') ?? '[]'))),
  notify: load('onair.notify') === 'on',
  nickname: load('onair.nick') ?? '',
  /** @type {string | null} */
  chatRoom: null,
  /** The programme whose chat is joined; kept after it ends until its chat closes. */
  /** @type {ProgrammeInfo | null} */
  chatProgramme: null,
  /** @type {ChatRoomState | null} */
  chatState: null,
  /** @type {string | null} */
  playing: null,
};

/** @type {ViewerSocket} */
const socket = window.io({ auth: (cb) => cb({ viewer: load(VIEWER_KEY) ?? undefined }) });
socket.on('viewer:identity', ({ token }) => save(VIEWER_KEY, token));

// -------------------------------------------------------------------------------------
// Announcements (aria-live) and browser notifications
// -------------------------------------------------------------------------------------

/** @param {string} text @param {boolean} [urgent] */
function announce(text, urgent = false) {
  const region = $(urgent ? 'alert' : 'announcer');
  // Clearing first makes screen readers read a repeated message again.
  region.textContent = '';
  setTimeout(() => {
    region.textContent = text;
  }, 50);
}

/** @param {string} text */
function notify(text) {
  if (!state.notify || !('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    new Notification('Onair', { body: text, lang: state.lang, tag: text });
  } catch {
    /* some phones only allow notifications from a service worker */
  }
}

// -------------------------------------------------------------------------------------
// Rendering
// -------------------------------------------------------------------------------------

/** @param {ProgrammeInfo} p */
function title(p) {
  return localized(p.title, state.lang);
}

function renderAll() {
  document.documentElement.lang = state.lang;
  document.title = t(state.lang, 'site.title');
  applyStatic(document, state.lang);
  $('lang-tr').setAttribute('aria-pressed', String(state.lang === 'tr'));
  $('lang-en').setAttribute('aria-pressed', String(state.lang === 'en'));
  $('notify').textContent = t(state.lang, state.notify ? 'notify.on' : 'notify.enable');
  $('notify').setAttribute('aria-pressed', String(state.notify));
  renderBanner();
  renderProgrammes();
  renderChatHeader();
}

function renderBanner() {
  const live = state.live[0];
  $('live-banner').hidden = !live;
  $('live-title').textContent = live ? title(live) : '';
  $('player-none').hidden = Boolean(state.playing);
}

function renderProgrammes() {
  const list = $('programmes');
  list.replaceChildren();
  const all = [...state.live, ...state.next];
  $('programmes-empty').hidden = all.length > 0;
  for (const p of all) {
    const li = document.createElement('li');
    li.dataset['occurrence'] = p.occurrenceId;
    const h = document.createElement('h3');
    h.textContent = title(p);
    if (p.status !== 'upcoming') {
      const badge = document.createElement('span');
      badge.className = `badge ${p.status}`;
      badge.textContent = t(state.lang, p.status === 'live' ? 'status.live' : p.status === 'cancelled' ? 'status.cancelled' : 'status.ended');
      h.append(' ', badge);
    }
    const meta = document.createElement('p');
    meta.className = 'meta';
    const time = document.createElement('time');
    time.dateTime = p.start;
    time.textContent = localTime(p.start, state.lang);
    meta.append(time);
    const desc = document.createElement('p');
    desc.textContent = localized(p.description, state.lang);
    const actions = document.createElement('div');
    actions.className = 'actions';
    const sub = document.createElement('button');
    sub.type = 'button';
    sub.className = 'secondary';
    const on = state.subscriptions.has(p.programmeId);
    sub.setAttribute('aria-pressed', String(on));
    sub.textContent = t(state.lang, on ? 'subscribed' : 'subscribe');
    sub.setAttribute('aria-label', t(state.lang, 'subscribe.label', { title: title(p) }));
    sub.dataset['subscribe'] = p.occurrenceId;
    sub.addEventListener('click', () => toggleSubscription(p.programmeId, p.occurrenceId));
    const cal = document.createElement('a');
    cal.className = 'button secondary';
    cal.href = `/calendar/${encodeURIComponent(p.programmeId)}.ics`;
    cal.textContent = 'ICS';
    cal.setAttribute('aria-label', t(state.lang, 'calendar.one', { title: title(p) }));
    actions.append(sub, cal);
    if (p.status === 'live') {
      const watch = document.createElement('button');
      watch.type = 'button';
      watch.textContent = t(state.lang, 'live.watch');
      watch.addEventListener('click', () => play(p));
      actions.append(watch);
    }
    li.append(h, meta, desc, actions);
    list.append(li);
  }
}

// -------------------------------------------------------------------------------------
// Player: YouTube embed, or hls.js for the local HLS destination
// -------------------------------------------------------------------------------------

/** @param {string} url @returns {string | null} */
function youtubeEmbed(url) {
  try {
    const u = new URL(url);
    const id = u.hostname === 'youtu.be' ? u.pathname.slice(1) : u.searchParams.get('v');
    return id && /^[A-Za-z0-9_-]{6,20}$/.test(id) ? `https://www.youtube-nocookie.com/embed/${id}?autoplay=1` : null;
  } catch {
    return null;
  }
}

/** @param {ProgrammeInfo} p */
function play(p) {
  const area = $('player-area');
  const none = $('player-none');
  area.replaceChildren(none);
  const yt = p.watch.find((w) => w.kind === 'youtube');
  const local = p.watch.find((w) => w.kind === 'local' && w.url.startsWith('/'));
  const embed = yt ? youtubeEmbed(yt.url) : null;
  if (embed) {
    const frame = document.createElement('iframe');
    frame.className = 'player';
    frame.src = embed;
    frame.title = t(state.lang, 'player.youtube', { title: title(p) });
    frame.allow = 'autoplay; encrypted-media; picture-in-picture; fullscreen';
    frame.referrerPolicy = 'strict-origin-when-cross-origin';
    area.append(frame);
  } else if (local) {
    const video = document.createElement('video');
    video.className = 'player';
    video.controls = true;
    video.playsInline = true;
    video.setAttribute('aria-label', title(p));
    const Hls = window.Hls;
    if (Hls && Hls.isSupported()) {
      const hls = new Hls();
      hls.loadSource(local.url);
      hls.attachMedia(video);
    } else {
      video.src = local.url;
    }
    area.append(video);
  } else {
    return;
  }
  state.playing = p.occurrenceId;
  none.hidden = true;
}

// -------------------------------------------------------------------------------------
// Subscriptions
// -------------------------------------------------------------------------------------

/** @param {string} programmeId @param {string} occurrenceId */
function toggleSubscription(programmeId, occurrenceId) {
  const on = !state.subscriptions.has(programmeId);
  if (on) state.subscriptions.add(programmeId);
  else state.subscriptions.delete(programmeId);
  save('onair.subs', JSON.stringify([...state.subscriptions]));
  socket.emit(on ? 'subscribe' : 'unsubscribe', { programmes: [programmeId] }, () => {});
  renderProgrammes();
  // The list was rebuilt: put keyboard focus back on the same button.
  /** @type {HTMLElement | null} */ (document.querySelector(`button[data-subscribe="${CSS.escape(occurrenceId)}"]`))?.focus();
}

// -------------------------------------------------------------------------------------
// Chat
// -------------------------------------------------------------------------------------

/**
 * The broadcast whose chat is shown: the live one; else the one just ended, until its chat
 * closes; else the next whose chat has opened.
 */
function chatTarget() {
  const now = Date.now();
  const live = state.live.find((p) => p.chat.enabled);
  if (live) return live;
  const current = state.chatProgramme;
  if (current && now < Date.parse(current.chat.closesAt)) return current;
  return state.next.find((p) => p.chat.enabled && Date.parse(p.chat.opensAt) <= now && now < Date.parse(p.chat.closesAt)) ?? null;
}

function renderChatHeader() {
  const target = chatTarget();
  $('chat-room').textContent = target ? t(state.lang, 'chat.for', { title: title(target) }) : t(state.lang, 'chat.none');
  const joined = Boolean(state.chatRoom);
  $('join-form').hidden = joined || !target;
  $('send-form').hidden = !joined;
  renderChatState();
}

function renderChatState() {
  const s = state.chatState;
  const pinned = s?.pinned ?? null;
  $('chat-pinned').hidden = !pinned;
  $('chat-pinned-nick').textContent = pinned ? pinned.nickname : '';
  $('chat-pinned-text').textContent = pinned ? pinned.text : '';
  /** @type {HTMLButtonElement} */ ($('send-form').querySelector('button')).disabled = Boolean(s && !s.open);
  if (s && !s.open) status(t(state.lang, 'chat.closed'));
  else if (s && s.slowModeMs > 0) status(t(state.lang, 'chat.slow', { seconds: Math.round(s.slowModeMs / 1000) }));
}

/** @param {string} text @param {boolean} [error] */
function status(text, error = false) {
  const el = $('chat-status');
  el.textContent = text;
  el.classList.toggle('error', error);
}

/** @param {ChatMessage} m */
function appendMessage(m) {
  const log = $('chat-log');
  if (log.querySelector(`li[data-id="${CSS.escape(m.id)}"]`)) return;
  const li = document.createElement('li');
  li.dataset['id'] = m.id;
  li.dataset['author'] = m.authorId;
  const [nick, text] = messageNickAndText(m);
  li.append(nick, text);
  const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
  log.append(li);
  while (log.children.length > 200) log.firstElementChild?.remove();
  if (atBottom) log.scrollTop = log.scrollHeight;
}

/** @param {string} nickname */
function joinChat(nickname) {
  const target = chatTarget();
  if (!target) return;
  socket.emit('chat:join', { occurrenceId: target.occurrenceId, nickname }, (ack) => {
    if (!ack.ok) {
      status(errorText(ack.error.code, ack.error.message), true);
      return;
    }
    state.chatRoom = target.occurrenceId;
    state.chatProgramme = target;
    state.chatState = ack.state;
    $('chat-log').replaceChildren();
    for (const m of ack.history) appendMessage(m);
    status('');
    renderChatHeader();
  });
}

function switchChatIfNeeded() {
  const target = chatTarget();
  const want = target?.occurrenceId ?? null;
  if (state.chatRoom && state.chatRoom !== want) {
    socket.emit('chat:leave', { occurrenceId: state.chatRoom }, () => {});
    state.chatRoom = null;
    state.chatProgramme = null;
    state.chatState = null;
    $('chat-log').replaceChildren();
  }
  if (!state.chatRoom && want && state.nickname) joinChat(state.nickname);
  renderChatHeader();
}

/** @param {string} code @param {string} fallback */
function errorText(code, fallback) {
  const key = /** @type {import('../shared/i18n.js').Key} */ (`error.${code}`);
  const text = t(state.lang, key);
  return text === key ? fallback || t(state.lang, 'error.generic') : text;
}

// -------------------------------------------------------------------------------------
// Server events
// -------------------------------------------------------------------------------------

socket.on('connect', () => {
  if (socket.recovered) return;
  if (state.subscriptions.size > 0) socket.emit('subscribe', { programmes: [...state.subscriptions] }, () => {});
  state.chatRoom = null;
});
socket.on('disconnect', () => announce(t(state.lang, 'connection.lost')));
// This node is stopping; Socket.IO reconnects by itself (to another node) and recovers.
socket.on('server:shutdown', (notice) => announce(localized(notice.message, state.lang)));
socket.on('schedule', (snap) => {
  state.live = snap.live;
  state.next = snap.next;
  const live = state.live[0];
  if (live && !state.playing) play(live);
  // A chat opens before air without any event: look again now and then.
setInterval(switchChatIfNeeded, 30_000);

renderAll();
  switchChatIfNeeded();
});
socket.on('programme:live', ({ programme }) => {
  state.live = [programme, ...state.live.filter((p) => p.occurrenceId !== programme.occurrenceId)];
  state.next = state.next.filter((p) => p.occurrenceId !== programme.occurrenceId);
  const text = t(state.lang, 'announce.live', { title: title(programme) });
  announce(text, true);
  notify(text);
  if (!state.playing) play(programme);
  // A chat opens before air without any event: look again now and then.
setInterval(switchChatIfNeeded, 30_000);

renderAll();
  switchChatIfNeeded();
});
socket.on('programme:reminder', ({ programme, offsetMs }) => {
  const text = t(state.lang, 'announce.reminder', { title: title(programme), minutes: Math.round(offsetMs / 60_000) });
  announce(text);
  notify(text);
});
socket.on('programme:ended', (e) => {
  state.live = state.live.filter((p) => p.occurrenceId !== e.occurrenceId);
  if (state.playing === e.occurrenceId) {
    state.playing = null;
    $('player-area').replaceChildren($('player-none'));
  }
  announce(t(state.lang, 'announce.ended', { title: localized(e.title, state.lang) }));
  // A chat opens before air without any event: look again now and then.
setInterval(switchChatIfNeeded, 30_000);

renderAll();
});
socket.on('programme:cancelled', (e) => {
  state.next = state.next.filter((p) => p.occurrenceId !== e.occurrenceId);
  announce(t(state.lang, 'announce.cancelled', { title: localized(e.title, state.lang) }));
  // A chat opens before air without any event: look again now and then.
setInterval(switchChatIfNeeded, 30_000);

renderAll();
});
socket.on('programme:changed', ({ programme }) => {
  state.next = state.next.map((p) => (p.occurrenceId === programme.occurrenceId ? programme : p));
  announce(t(state.lang, 'announce.changed', { title: title(programme), time: localTime(programme.start, state.lang) }));
  // A chat opens before air without any event: look again now and then.
setInterval(switchChatIfNeeded, 30_000);

renderAll();
});
socket.on('chat:messages', (messages) => {
  for (const m of messages) if (m.occurrenceId === state.chatRoom) appendMessage(m);
});
socket.on('chat:deleted', ({ messageIds }) => {
  for (const id of messageIds) $('chat-log').querySelector(`li[data-id="${CSS.escape(id)}"]`)?.remove();
});
socket.on('chat:state', (s) => {
  if (s.occurrenceId !== state.chatRoom) return;
  state.chatState = s;
  // The real end moves the closing time; keep the chat shown until then.
  if (state.chatProgramme) state.chatProgramme = { ...state.chatProgramme, chat: { ...state.chatProgramme.chat, closesAt: s.closesAt } };
  renderChatState();
});
socket.on('chat:sanction', (s) => {
  const until = s.until ? new Date(s.until).toLocaleTimeString(state.lang === 'tr' ? 'tr-TR' : 'en-GB', { hour: '2-digit', minute: '2-digit' }) : '';
  const text = s.kind === 'ban' ? t(state.lang, 'chat.ban') : t(state.lang, 'chat.timeout', { until });
  status(text, true);
  announce(text);
  if (s.kind === 'ban' && (s.occurrenceId === null || s.occurrenceId === state.chatRoom)) {
    state.chatRoom = null;
    renderChatHeader();
  }
});
socket.on('chat:sanction-lifted', () => {
  const text = t(state.lang, 'chat.lifted');
  status(text);
  announce(text);
  switchChatIfNeeded();
});

// -------------------------------------------------------------------------------------
// Controls
// -------------------------------------------------------------------------------------

/** @param {Lang} lang */
function setLang(lang) {
  state.lang = lang;
  rememberLang(lang);
  // A chat opens before air without any event: look again now and then.
setInterval(switchChatIfNeeded, 30_000);

renderAll();
}
$('lang-tr').addEventListener('click', () => setLang('tr'));
$('lang-en').addEventListener('click', () => setLang('en'));
$('notify').addEventListener('click', async () => {
  if (state.notify) {
    state.notify = false;
  } else if ('Notification' in window) {
    const permission = await Notification.requestPermission();
    state.notify = permission === 'granted';
    if (!state.notify) announce(t(state.lang, 'notify.denied'));
  }
  save('onair.notify', state.notify ? 'on' : 'off');
  // A chat opens before air without any event: look again now and then.
setInterval(switchChatIfNeeded, 30_000);

renderAll();
});
$('live-watch').addEventListener('click', () => {
  const live = state.live[0];
  if (live) play(live);
  $('player-area').querySelector('iframe, video')?.scrollIntoView({ behavior: 'smooth' });
});
/** @type {HTMLInputElement} */ ($('nickname')).value = state.nickname;
$('join-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const nickname = /** @type {HTMLInputElement} */ ($('nickname')).value;
  state.nickname = nickname;
  save('onair.nick', nickname);
  joinChat(nickname);
});
$('send-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = /** @type {HTMLInputElement} */ ($('message'));
  const room = state.chatRoom;
  if (!room) return;
  socket.emit('chat:send', { occurrenceId: room, text: input.value }, (ack) => {
    if (ack.ok) {
      input.value = '';
      status('');
      appendMessage(ack.message);
    } else {
      status(errorText(ack.error.code, ack.error.message), true);
    }
  });
});

// A chat opens before air without any event: look again now and then.
setInterval(switchChatIfNeeded, 30_000);

renderAll();
