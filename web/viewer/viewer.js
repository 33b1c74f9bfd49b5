// @ts-check
// The viewer page: every live programme and what is next, the player, reminders
// (subscriptions and browser notifications), the chat. The player and the chat follow the
// programme the viewer chose (or, until they choose, the first that goes live — or the one
// named by a /watch/<programmeId> link) and never jump on their own: another programme going
// live is offered with a button. Everything a viewer or the server sends is put on the page
// with textContent or as an attribute value: nothing is ever parsed as HTML.
import { applyStatic, duration, initialLang, localized, localTime, rememberLang, t, timeRange } from '../shared/i18n.js';
import { messageNickAndText } from '../shared/chat-message.js';
import { $ } from '../shared/dom.js';
import { Player } from './player.js';

/** @typedef {import('../../src/realtime/events.js').ServerToClientEvents} ServerToClientEvents */
/** @typedef {import('../../src/realtime/events.js').ClientToServerEvents} ClientToServerEvents */
/** @typedef {import('../../src/realtime/events.js').ProgrammeInfo} ProgrammeInfo */
/** @typedef {import('../../src/realtime/events.js').ChatMessagePayload} ChatMessage */
/** @typedef {import('../../src/realtime/events.js').ChatRoomState} ChatRoomState */
/** @typedef {import('../../src/realtime/events.js').WatchLink} WatchLink */
/** @typedef {import('socket.io-client').Socket<ServerToClientEvents, ClientToServerEvents>} ViewerSocket */
/** @typedef {import('../shared/i18n.js').Lang} Lang */
/** @typedef {'local' | 'youtube'} Source */

/** How often the page looks whether a chat opened or closed (that happens without an event). */
const CHAT_CHECK_MS = 30_000;

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

/** The programme a /watch/<programmeId> link names, if the page was opened through one. */
const linked = /^\/watch\/([a-z0-9-]+)\/?$/.exec(location.pathname)?.[1] ?? null;

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
  /**
   * The broadcast the viewer watches (or watched: it stays chosen after it ends, so the page
   * can say so instead of jumping to another). Null until something is chosen.
   * @type {ProgrammeInfo | null}
   */
  selected: null,
  /** @type {Source} */
  source: load('onair.source') === 'youtube' ? 'youtube' : 'local',
  /** A programme that went live while another was watched, offered with a button. @type {ProgrammeInfo | null} */
  offer: null,
  /** @type {string | null} */
  chatRoom: null,
  /** The programme whose chat is joined; kept after it ends until its chat closes. @type {ProgrammeInfo | null} */
  chatProgramme: null,
  /** @type {ChatRoomState | null} */
  chatState: null,
};

/** @type {ViewerSocket} */
const socket = window.io({ auth: (cb) => cb({ viewer: load(VIEWER_KEY) ?? undefined }) });
socket.on('viewer:identity', ({ token }) => save(VIEWER_KEY, token));
const AUDIO_ONLY_KEY = 'onair.audioOnly';
const player = new Player($('player-area'), () => renderPlayerControls(), { audioOnly: load(AUDIO_ONLY_KEY) === 'on' });

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
// Choosing what plays
// -------------------------------------------------------------------------------------

/** @param {ProgrammeInfo} p */
function title(p) {
  return localized(p.title, state.lang);
}

/** @param {string} occurrenceId */
function liveOne(occurrenceId) {
  return state.live.find((p) => p.occurrenceId === occurrenceId);
}

/**
 * Chooses for the viewer only while nothing is chosen or the chosen broadcast is over: the
 * linked programme when it is live; else (no link) the first live programme, listed ones
 * before unlisted. Never replaces a live choice.
 */
function pickIfNothingChosen() {
  if (state.selected && liveOne(state.selected.occurrenceId)) return;
  if (linked) {
    const p = state.live.find((l) => l.programmeId === linked);
    if (p) state.selected = p;
    return;
  }
  if (state.selected) return;
  const first = state.live.find((l) => l.listed) ?? state.live[0];
  if (first) state.selected = first;
}

/** @param {ProgrammeInfo} p chosen by the viewer */
function choose(p) {
  state.selected = p;
  if (state.offer?.occurrenceId === p.occurrenceId) state.offer = null;
  update();
  $('player-h').scrollIntoView({ block: 'start' });
}

/** @param {WatchLink[]} watch @returns {WatchLink | undefined} the link to play, by the viewer's source */
function pickLink(watch) {
  const local = watch.find((w) => w.kind === 'local' && w.url.startsWith('/'));
  const youtube = watch.find((w) => w.kind === 'youtube');
  if (state.source === 'youtube') return youtube ?? local;
  return local ?? youtube;
}

/** Starts, switches or stops the player to match the choice. */
function syncPlayer() {
  const sel = state.selected;
  const live = sel ? liveOne(sel.occurrenceId) : undefined;
  const link = live ? pickLink(live.watch) : undefined;
  if (live && link) {
    if (!player.play(link, t(state.lang, link.kind === 'youtube' ? 'player.youtube' : 'player.video', { title: title(live) }))) player.stop();
  } else {
    player.stop();
  }
}

// -------------------------------------------------------------------------------------
// Rendering
// -------------------------------------------------------------------------------------

/** Everything after any change: the choice, the player, the chat, the lists. */
function update() {
  pickIfNothingChosen();
  if (state.offer && (!liveOne(state.offer.occurrenceId) || state.offer.occurrenceId === state.selected?.occurrenceId)) state.offer = null;
  syncPlayer();
  renderAll();
  switchChatIfNeeded();
}

function renderAll() {
  document.documentElement.lang = state.lang;
  document.title = state.selected && liveOne(state.selected.occurrenceId) ? `${title(state.selected)} — Onair` : t(state.lang, 'site.title');
  applyStatic(document, state.lang);
  $('lang-tr').setAttribute('aria-pressed', String(state.lang === 'tr'));
  $('lang-en').setAttribute('aria-pressed', String(state.lang === 'en'));
  $('notify').textContent = t(state.lang, state.notify ? 'notify.on' : 'notify.enable');
  $('notify').setAttribute('aria-pressed', String(state.notify));
  renderLive();
  renderOffer();
  renderPlayer();
  renderProgrammes();
  renderChatHeader();
}

function renderLive() {
  $('live-now').hidden = state.live.length === 0;
  const list = $('live-list');
  list.replaceChildren();
  for (const p of state.live) {
    const li = document.createElement('li');
    li.dataset['occurrence'] = p.occurrenceId;
    const name = document.createElement('span');
    name.className = 'live-title';
    name.textContent = title(p);
    const watching = state.selected?.occurrenceId === p.occurrenceId;
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = t(state.lang, watching ? 'live.watching' : 'live.watch');
    button.setAttribute('aria-pressed', String(watching));
    button.setAttribute('aria-label', t(state.lang, 'live.watch.label', { title: title(p) }));
    button.addEventListener('click', () => choose(p));
    const time = document.createElement('time');
    time.className = 'live-time';
    time.dateTime = p.start;
    // The real start (staff may have started it early) and the end as it now stands.
    time.textContent = timeRange(p.start, p.end, state.lang);
    li.append(name, ' ', time, ' ', button);
    list.append(li);
  }
}

function renderOffer() {
  const offer = state.offer;
  $('switch-offer').hidden = !offer;
  if (!offer) return;
  $('switch-text').textContent = t(state.lang, 'announce.live', { title: title(offer) });
  $('switch-button').textContent = t(state.lang, 'switch.to', { title: title(offer) });
}

function renderPlayer() {
  const sel = state.selected;
  const live = sel ? liveOne(sel.occurrenceId) : undefined;
  $('player-programme').textContent = sel ? `: ${title(sel)}` : '';
  let message = '';
  if (!sel) message = t(state.lang, linked ? 'player.waiting' : 'player.none');
  else if (!live) message = t(state.lang, 'player.ended', { title: title(sel) });
  else if (!player.link) message = t(state.lang, 'player.starting');
  $('player-message').textContent = message;
  renderPlayerControls();
}

function renderPlayerControls() {
  const unmute = $('unmute');
  unmute.hidden = !player.link;
  unmute.textContent = t(state.lang, player.muted ? 'player.unmute' : 'player.mute');
  const live = state.selected ? liveOne(state.selected.occurrenceId) : undefined;
  const both = Boolean(live && live.watch.some((w) => w.kind === 'local') && live.watch.some((w) => w.kind === 'youtube'));
  $('source-choice').hidden = !both;
  $('source-local').setAttribute('aria-pressed', String(player.link?.kind === 'local'));
  $('source-youtube').setAttribute('aria-pressed', String(player.link?.kind === 'youtube'));
  // Sound only is a rendition of local streams (YouTube's embed has none).
  const local = player.link?.kind === 'local';
  const audioOnly = $('audio-only');
  audioOnly.hidden = !local;
  audioOnly.setAttribute('aria-pressed', String(player.audioOnly));
  const mode = local && player.audioOnly && player.rendition === 'audio' ? t(state.lang, 'player.audioOnly.on') : '';
  if ($('player-mode').textContent !== mode) $('player-mode').textContent = mode;
}

/** @param {ProgrammeInfo} p @returns {HTMLElement} when it is on: times, time zone, duration */
function when(p) {
  const meta = document.createElement('p');
  meta.className = 'meta';
  const time = document.createElement('time');
  time.dateTime = p.start;
  time.textContent = timeRange(p.start, p.end, state.lang);
  meta.append(time, ` · ${duration(Date.parse(p.end) - Date.parse(p.start), state.lang)}`);
  return meta;
}

function renderProgrammes() {
  const list = $('programmes');
  list.replaceChildren();
  $('programmes-empty').hidden = state.next.length > 0;
  for (const p of state.next) {
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
    const link = document.createElement('a');
    link.className = 'button secondary';
    link.href = `/watch/${encodeURIComponent(p.programmeId)}`;
    link.textContent = t(state.lang, 'link');
    link.setAttribute('aria-label', t(state.lang, 'link.label', { title: title(p) }));
    actions.append(sub, cal, link);
    li.append(h, when(p), desc, actions);
    list.append(li);
  }
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
 * The broadcast whose chat is shown: the chosen one, while its chat is open (so from before
 * air until a while after the end); with nothing chosen, the next whose chat has opened (the
 * linked programme's, on a /watch/ page).
 */
function chatTarget() {
  const now = Date.now();
  /** @param {ProgrammeInfo} p */
  const open = (p) => p.chat.enabled && Date.parse(p.chat.opensAt) <= now && now < Date.parse(p.chat.closesAt);
  const sel = state.selected;
  if (sel) {
    const current = liveOne(sel.occurrenceId) ?? (state.chatProgramme?.occurrenceId === sel.occurrenceId ? state.chatProgramme : sel);
    return current.chat.enabled && (liveOne(sel.occurrenceId) || open(current)) ? current : null;
  }
  return state.next.find((p) => open(p) && (!linked || p.programmeId === linked)) ?? null;
}

function renderChatHeader() {
  const target = chatTarget();
  $('chat-room').textContent = target ? t(state.lang, 'chat.for', { title: title(target) }) : t(state.lang, 'chat.none');
  const joined = Boolean(state.chatRoom);
  $('join-form').hidden = joined || !target;
  $('send-form').hidden = !joined;
  renderChatState();
}

/** The room's mode line says what holds now: it is cleared when slow mode ends or the chat reopens. */
function renderChatState() {
  const s = state.chatRoom ? state.chatState : null;
  const pinned = s?.pinned ?? null;
  $('chat-pinned').hidden = !pinned;
  $('chat-pinned-nick').textContent = pinned ? pinned.nickname : '';
  $('chat-pinned-text').textContent = pinned ? pinned.text : '';
  /** @type {HTMLButtonElement} */ ($('send-form').querySelector('button')).disabled = Boolean(s && !s.open);
  let mode = '';
  if (s && !s.open) mode = t(state.lang, 'chat.closed');
  else if (s && s.slowModeMs > 0) mode = t(state.lang, 'chat.slow', { seconds: Math.round(s.slowModeMs / 1000) });
  $('chat-mode').textContent = mode;
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
  const scroller = $('chat-scroll');
  if (log.querySelector(`li[data-id="${CSS.escape(m.id)}"]`)) return;
  const li = document.createElement('li');
  li.dataset['id'] = m.id;
  li.dataset['author'] = m.authorId;
  const [nick, text] = messageNickAndText(m);
  li.append(nick, text);
  const atBottom = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 8;
  log.append(li);
  while (log.children.length > 200) log.firstElementChild?.remove();
  if (atBottom) scroller.scrollTop = scroller.scrollHeight;
}

/** The room a join was sent for and not yet answered: one join at a time. @type {string | null} */
let joining = null;

/** @param {string} nickname */
function joinChat(nickname) {
  const target = chatTarget();
  if (!target || joining === target.occurrenceId) return;
  joining = target.occurrenceId;
  socket.emit('chat:join', { occurrenceId: target.occurrenceId, nickname }, (ack) => {
    joining = null;
    if (!ack.ok) {
      status(errorText(ack.error.code, ack.error.message), true);
      return;
    }
    // The choice may have moved on while the join was on its way.
    if (chatTarget()?.occurrenceId !== target.occurrenceId) {
      socket.emit('chat:leave', { occurrenceId: target.occurrenceId }, () => {});
      switchChatIfNeeded();
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
    status('');
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
  if (state.selected) state.selected = liveOne(state.selected.occurrenceId) ?? state.selected;
  update();
});
socket.on('programme:live', ({ programme }) => {
  state.live = [...state.live.filter((p) => p.occurrenceId !== programme.occurrenceId), programme];
  state.next = state.next.filter((p) => p.occurrenceId !== programme.occurrenceId);
  const text = t(state.lang, 'announce.live', { title: title(programme) });
  announce(text, true);
  notify(text);
  const watching = state.selected && liveOne(state.selected.occurrenceId) && state.selected.occurrenceId !== programme.occurrenceId;
  if (watching) state.offer = programme;
  update();
});
socket.on('programme:watch', ({ occurrenceId, watch }) => {
  state.live = state.live.map((p) => (p.occurrenceId === occurrenceId ? { ...p, watch } : p));
  update();
});
socket.on('programme:reminder', ({ programme, offsetMs }) => {
  const text = t(state.lang, 'announce.reminder', { title: title(programme), minutes: Math.round(offsetMs / 60_000) });
  announce(text);
  notify(text);
});
socket.on('programme:ended', (e) => {
  state.live = state.live.filter((p) => p.occurrenceId !== e.occurrenceId);
  const text = t(state.lang, 'announce.ended', { title: localized(e.title, state.lang) });
  announce(text, state.selected?.occurrenceId === e.occurrenceId);
  update();
});
socket.on('programme:cancelled', (e) => {
  state.next = state.next.filter((p) => p.occurrenceId !== e.occurrenceId);
  announce(t(state.lang, 'announce.cancelled', { title: localized(e.title, state.lang) }));
  update();
});
socket.on('programme:changed', ({ programme, change }) => {
  // A live programme's end moved (staff extended it): the live list shows the new times.
  if (programme.status === 'live') {
    if (!liveOne(programme.occurrenceId)) return;
    state.live = state.live.map((p) => (p.occurrenceId === programme.occurrenceId ? { ...programme, watch: p.watch } : p));
    announce(t(state.lang, 'announce.ends', { title: title(programme), time: localTime(programme.end, state.lang) }));
    update();
    return;
  }
  const known = state.next.some((p) => p.occurrenceId === programme.occurrenceId);
  state.next = known
    ? state.next.map((p) => (p.occurrenceId === programme.occurrenceId ? programme : p))
    : [...state.next, programme].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const vars = { title: title(programme), time: localTime(programme.start, state.lang) };
  announce(t(state.lang, change === 'added' ? 'announce.added' : change === 'time' ? 'announce.changed' : 'announce.updated', vars));
  update();
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
  renderAll();
});
$('unmute').addEventListener('click', () => player.toggleMute());
$('audio-only').addEventListener('click', () => {
  const on = !player.audioOnly;
  save(AUDIO_ONLY_KEY, on ? 'on' : 'off');
  player.setAudioOnly(on);
  renderPlayerControls();
  if (!on) announce(t(state.lang, 'player.audioOnly.off'));
});
/** @param {Source} source */
function setSource(source) {
  state.source = source;
  save('onair.source', source);
  update();
}
$('source-local').addEventListener('click', () => setSource('local'));
$('source-youtube').addEventListener('click', () => setSource('youtube'));
$('switch-button').addEventListener('click', () => {
  if (state.offer) choose(state.offer);
});
$('switch-dismiss').addEventListener('click', () => {
  state.offer = null;
  renderOffer();
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
  const text = input.value;
  socket.emit('chat:send', { occurrenceId: room, text }, (ack) => {
    if (ack.ok) {
      // Only what was sent is cleared: a next message typed while this one was on its way stays.
      if (input.value === text) input.value = '';
      status('');
      appendMessage(ack.message);
    } else {
      status(errorText(ack.error.code, ack.error.message), true);
    }
  });
});

// A chat opens before air and closes after the end without any event: look now and then.
// One timer for the page's whole life (handlers call switchChatIfNeeded directly).
setInterval(switchChatIfNeeded, CHAT_CHECK_MS);
renderAll();
