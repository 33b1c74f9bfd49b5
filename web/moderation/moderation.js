// @ts-check
// The moderator console: log in (an account, or the ONAIR_MODERATOR_TOKEN), watch every
// message of a broadcast (ours and YouTube's, marked by origin), delete / time out / ban /
// pin, set slow mode, close the chat, keep the ban list (unban), read the audit log, export
// the transcript. Turkish and English. Message text is only ever set with textContent.

import { say } from '../shared/action-status.js';
import { $ } from '../shared/dom.js';
import { initialLang, localized, rememberLang, translator } from '../shared/i18n.js';
import { wireStaffLogin } from '../shared/staff-login.js';
import { messageNickAndText } from '../shared/chat-message.js';
import { STRINGS } from './strings.js';

/** @typedef {import('../../src/realtime/events.js').ModerationServerToClientEvents} ServerEvents */
/** @typedef {import('../../src/realtime/events.js').ModerationClientToServerEvents} ClientEvents */
/** @typedef {import('../../src/realtime/events.js').ChatMessagePayload} ChatMessage */
/** @typedef {import('../../src/realtime/events.js').ChatRoomSummary} RoomSummary */
/** @typedef {import('../../src/realtime/events.js').AuditEntryPayload} AuditEntry */
/** @typedef {import('../../src/realtime/events.js').SanctionPayload} Sanction */
/** @typedef {import('../../src/realtime/events.js').ModerationAction} ModerationAction */
/** @typedef {import('../../src/realtime/events.js').YoutubeChatStatus} YoutubeChatStatus */
/** @typedef {import('socket.io-client').Socket<ServerEvents, ClientEvents>} ModSocket */
/** @typedef {import('../shared/i18n.js').Lang} Lang */
/** @typedef {keyof typeof STRINGS['en']} Key */

const { t: tr, applyStatic } = translator(STRINGS);
let lang = initialLang();
/** @param {Key} key @param {Record<string, string | number>} [vars] */
const t = (key, vars) => tr(lang, key, vars);

/** @type {ModSocket | null} */
let socket = null;
/** The moderator token when logged in with it (kept in memory only, never stored). */
/** @type {string | null} */
let token = null;
/** @type {Map<string, RoomSummary>} */
const rooms = new Map();
/** @type {string | null} */
let current = null;
/** @type {Sanction[]} */
let sanctions = [];
/** @type {AuditEntry[]} */
let auditEntries = [];

/**
 * A time in the moderator's own zone, with the zone named (transcripts are UTC; these are not).
 * @param {string} iso
 */
function time(iso) {
  return new Intl.DateTimeFormat(lang === 'tr' ? 'tr-TR' : 'en-GB', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(iso));
}

/** @param {string | null} occurrenceId */
function broadcastName(occurrenceId) {
  if (!occurrenceId) return t('everywhere');
  const r = rooms.get(occurrenceId);
  if (!r || !r.title) return occurrenceId;
  return `${localized(r.title, lang)}${r.start ? ` (${time(r.start)})` : ''}`;
}

// -------------------------------------------------------------------------------------
// Language
// -------------------------------------------------------------------------------------

/** @param {Lang} next */
function setLang(next) {
  lang = next;
  rememberLang(next);
  document.documentElement.lang = next;
  document.title = t('page.title');
  applyStatic(document, next);
  $('lang-tr').setAttribute('aria-pressed', String(next === 'tr'));
  $('lang-en').setAttribute('aria-pressed', String(next === 'en'));
  $('times-note').textContent = t('times.note', { zone: Intl.DateTimeFormat().resolvedOptions().timeZone });
  renderRoomList();
  selectRoom();
  renderBans();
  renderAudit();
}
$('lang-tr').addEventListener('click', () => setLang('tr'));
$('lang-en').addEventListener('click', () => setLang('en'));

// -------------------------------------------------------------------------------------
// Login
// -------------------------------------------------------------------------------------

function showLogin() {
  $('login-panel').hidden = false;
  $('console').hidden = true;
  $('logout').hidden = true;
  $('who').textContent = '';
  token = null;
  socket?.disconnect();
  socket = null;
}

/** @param {string} name */
function showConsole(name) {
  $('login-panel').hidden = true;
  $('console').hidden = false;
  $('logout').hidden = false;
  $('who').textContent = name;
  connect();
}

wireStaffLogin({ onLogin: showConsole, onLogout: showLogin });

// The README's promise: the moderator token opens the console too. The socket presents it
// in its handshake; the transcript export sends it as a Bearer token.
$('token-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = /** @type {HTMLInputElement} */ ($('login-token'));
  token = input.value;
  input.value = '';
  $('login-status').textContent = '';
  showConsole(t('who.token'));
});

// -------------------------------------------------------------------------------------
// Socket
// -------------------------------------------------------------------------------------

function connect() {
  socket?.disconnect();
  /** @type {ModSocket} */
  const s = window.io('/moderation', { reconnectionAttempts: 5, ...(token ? { auth: { token } } : {}) });
  socket = s;
  s.on('connect', () => loadAll());
  s.on('connect_error', (err) => {
    if (err.message !== 'unauthorized') return;
    const withToken = token !== null;
    showLogin();
    if (withToken) {
      $('login-status').textContent = t('login.token.wrong');
      $('login-status').classList.add('error');
    }
  });
  s.on('session:expired', () => {
    $('login-status').textContent = t('session.ended');
    showLogin();
  });
  s.on('chat:messages', (messages) => {
    for (const m of messages) if (m.occurrenceId === current) appendMessage(m);
  });
  s.on('chat:deleted', ({ messageIds }) => {
    for (const id of messageIds) $('messages').querySelector(`li[data-id="${CSS.escape(id)}"]`)?.remove();
  });
  s.on('chat:state', (st) => {
    const r = rooms.get(st.occurrenceId);
    if (!r) return loadRooms(); // a room that opened since the list was read
    r.state = st;
    if (st.occurrenceId === current) renderRoom();
  });
  s.on('audit:entry', (e) => {
    auditEntries.unshift(e);
    auditEntries.length = Math.min(auditEntries.length, 200);
    renderAudit();
  });
  s.on('sanctions:changed', (list) => {
    sanctions = list;
    renderBans();
  });
  s.on('youtube:status', (y) => {
    const r = rooms.get(y.occurrenceId);
    if (r) r.youtube = y;
    if (y.occurrenceId === current) renderRoom();
  });
}

function loadAll() {
  loadRooms();
  socket?.emit('mod:audit', { limit: 100 }, (ack) => {
    if (!ack.ok) return;
    auditEntries = ack.entries;
    renderAudit();
  });
  socket?.emit('mod:sanctions', (ack) => {
    if (!ack.ok) return;
    sanctions = ack.sanctions;
    renderBans();
  });
}

function loadRooms() {
  socket?.emit('mod:rooms', (ack) => {
    if (!ack.ok) return say(ack.error.message, true);
    rooms.clear();
    for (const r of ack.rooms) rooms.set(r.state.occurrenceId, r);
    const open = ack.rooms.find((r) => r.state.open);
    const before = current;
    current = current && rooms.has(current) ? current : (open ?? ack.rooms[0])?.state.occurrenceId ?? null;
    renderRoomList();
    if (current !== before || $('messages').childElementCount === 0) selectRoom();
    else renderRoom();
    renderAudit();
    renderBans();
  });
}

/** Two rooms of one title differ by their time and destinations. */
function renderRoomList() {
  const select = /** @type {HTMLSelectElement} */ ($('room'));
  select.replaceChildren();
  for (const r of rooms.values()) {
    const opt = document.createElement('option');
    opt.value = r.state.occurrenceId;
    const title = r.title ? localized(r.title, lang) : r.state.occurrenceId;
    const when = r.start ? ` — ${time(r.start)}` : '';
    const where = r.destinations.length ? ` · ${r.destinations.join(', ')}` : '';
    opt.textContent = `${title}${when}${where}${r.state.open ? ` — ${t('room.open')}` : ''}`;
    select.append(opt);
  }
  if (current) select.value = current;
}

function selectRoom() {
  $('messages').replaceChildren();
  renderRoom();
  if (!current) return;
  const id = current;
  const base = `/api/chat/${encodeURIComponent(id)}/transcript`;
  /** @type {HTMLAnchorElement} */ ($('export-json')).href = `${base}.json`;
  /** @type {HTMLAnchorElement} */ ($('export-csv')).href = `${base}.csv`;
  socket?.emit('mod:history', { occurrenceId: id }, (ack) => {
    if (!ack.ok || id !== current) return;
    for (const m of ack.messages) appendMessage(m);
  });
}

/** @param {YoutubeChatStatus | null} y */
function youtubeText(y) {
  if (!y) return t('youtube.none');
  return (
    t('youtube.status', {
      state: t(y.polling ? 'youtube.polling' : 'youtube.stopped'),
      interval: (y.pollingIntervalMs / 1000).toFixed(1),
      spent: y.unitsSpent,
      polls: y.polls,
      perHour: y.unitsPerHour,
      quota: y.dailyQuota,
      share: Math.round((y.unitsPerHour / y.dailyQuota) * 100),
    }) + (y.lastError ? t('youtube.error', { error: y.lastError }) : '')
  );
}

function renderRoom() {
  const r = current ? rooms.get(current) : undefined;
  if (!r) {
    $('room-state').textContent = t('room.none');
    return;
  }
  const st = r.state;
  $('room-state').textContent = t('room.state', {
    open: t(st.open ? 'room.isOpen' : 'room.isClosed'),
    byMod: st.closedByModerator ? t('room.byMod') : '',
    opens: time(st.opensAt),
    closes: time(st.closesAt),
    slow: st.slowModeMs ? `${st.slowModeMs / 1000} s` : t('off'),
  });
  /** @type {HTMLSelectElement} */ ($('slow')).value = String(st.slowModeMs / 1000);
  $('pinned').hidden = !st.pinned;
  $('pinned-nick').textContent = st.pinned?.nickname ?? '';
  $('pinned-text').textContent = st.pinned?.text ?? '';
  $('youtube').textContent = youtubeText(r.youtube);
}

// Exports carry the session cookie by themselves; with the token, fetch and save the file.
for (const id of ['export-json', 'export-csv']) {
  $(id).addEventListener('click', async (ev) => {
    if (!token) return;
    ev.preventDefault();
    const link = /** @type {HTMLAnchorElement} */ (ev.currentTarget);
    const res = await fetch(link.href, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) return say(`${res.status} ${res.statusText}`, true);
    const a = document.createElement('a');
    a.href = URL.createObjectURL(await res.blob());
    a.download = link.href.split('/').slice(-2).join('-');
    a.click();
    URL.revokeObjectURL(a.href);
  });
}

// -------------------------------------------------------------------------------------
// Messages and actions
// -------------------------------------------------------------------------------------

/** @param {ModerationAction} action @param {string} done */
function act(action, done) {
  socket?.emit('mod:action', action, (ack) => {
    if (ack.ok) say(done);
    else say(ack.error.message, true);
  });
}

/**
 * @param {string} label
 * @param {string} aria
 * @param {() => void} onClick
 */
function button(label, aria, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'secondary';
  b.textContent = label;
  b.setAttribute('aria-label', aria);
  b.addEventListener('click', onClick);
  return b;
}

/**
 * @param {string} label
 * @param {Array<[string, string]>} options value, text
 * @param {string} value
 */
function select(label, options, value) {
  const s = document.createElement('select');
  s.setAttribute('aria-label', label);
  for (const [v, text] of options) {
    const o = document.createElement('option');
    o.value = v;
    o.textContent = text;
    s.append(o);
  }
  s.value = value;
  return s;
}

/**
 * The ban form of one message: where (this chat / every chat), how long (or until lifted),
 * and — only as an explicit extra choice, always timed — the author's address.
 * @param {ChatMessage} m
 * @param {HTMLElement} li
 */
function openBanForm(m, li) {
  if (li.querySelector('.ban-form')) return;
  const form = document.createElement('form');
  form.className = 'ban-form row';
  const scope = select(t('ban.scope'), [['room', t('ban.scope.room')], ['all', t('ban.scope.all')]], 'room');
  scope.name = 'scope';
  const minutes = select(
    t('ban.duration'),
    [['60', t('hours', { n: 1 })], ['1440', t('days', { n: 1 })], ['10080', t('days', { n: 7 })], ['', t('ban.until')]],
    '',
  );
  minutes.name = 'minutes';
  const addressLabel = document.createElement('label');
  const address = document.createElement('input');
  address.type = 'checkbox';
  address.name = 'address';
  addressLabel.append(address, ` ${t('ban.address')}`);
  const addressMinutes = select(t('ban.address.duration'), [['10', t('min', { n: 10 })], ['60', t('hours', { n: 1 })], ['1440', t('days', { n: 1 })]], '10');
  addressMinutes.name = 'address-minutes';
  addressMinutes.hidden = true;
  address.addEventListener('change', () => (addressMinutes.hidden = !address.checked));
  const submit = document.createElement('button');
  submit.type = 'submit';
  submit.textContent = t('ban.confirm', { nick: m.nickname });
  const cancel = button(t('ban.cancel'), t('ban.cancel'), () => form.remove());
  form.append(scope, minutes, addressLabel, addressMinutes, submit, cancel);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    /** @type {ModerationAction} */
    const action = {
      action: 'ban',
      messageId: m.id,
      scope: scope.value === 'all' ? 'all' : 'room',
      minutes: minutes.value === '' ? null : Number(minutes.value),
      ...(address.checked ? { addressMinutes: Number(addressMinutes.value) } : {}),
    };
    act(action, t('done.banned', { nick: m.nickname }));
    form.remove();
  });
  li.append(form);
  scope.focus();
}

/** @param {ChatMessage} m */
function appendMessage(m) {
  const list = $('messages');
  if (list.querySelector(`li[data-id="${CSS.escape(m.id)}"]`)) return;
  const li = document.createElement('li');
  li.dataset['id'] = m.id;
  li.dataset['origin'] = m.origin;
  const badge = document.createElement('span');
  badge.className = `badge ${m.origin}`;
  badge.textContent = m.origin === 'youtube' ? 'YouTube' : 'onair';
  const [nick, text] = messageNickAndText(m);
  const when = document.createElement('time');
  when.dateTime = m.at;
  when.className = 'meta';
  when.textContent = ` ${time(m.at)}`;
  const actions = document.createElement('div');
  actions.className = 'msg-actions';
  const who = `${m.nickname}: ${m.text.slice(0, 40)}`;
  const minutes = select(t('timeout.length', { nick: m.nickname }), [1, 5, 10, 30, 60].map((n) => [String(n), t('min', { n })]), '5');
  actions.append(
    button(t('delete'), t('delete.label', { who }), () => act({ action: 'delete', messageId: m.id }, t('done.deleted'))),
    minutes,
    button(t('timeout'), t('timeout.label', { nick: m.nickname }), () =>
      act({ action: 'timeout', messageId: m.id, minutes: Number(minutes.value) }, t('done.timeout', { nick: m.nickname, n: minutes.value })),
    ),
    button(t('ban'), t('ban.label', { nick: m.nickname }), () => openBanForm(m, li)),
  );
  if (m.origin === 'onair' && current) {
    const room = current;
    actions.append(button(t('pin'), t('pin.label', { who }), () => act({ action: 'pin', occurrenceId: room, messageId: m.id }, t('done.pinned'))));
  }
  li.append(badge, ' ', nick, text, when, actions);
  list.append(li);
  list.scrollTop = list.scrollHeight;
}

function renderBans() {
  const body = $('bans');
  body.replaceChildren();
  $('bans-empty').hidden = sanctions.length > 0;
  $('bans-table').hidden = sanctions.length === 0;
  for (const s of sanctions) {
    const tr = document.createElement('tr');
    tr.dataset['id'] = s.id;
    const nick = s.nickname ?? '?';
    const what = `${t(s.kind === 'ban' ? 'kind.ban' : 'kind.timeout')}${s.target === 'address' ? ` (${t('target.address')})` : ''}`;
    for (const value of [`${nick}${s.origin === 'youtube' ? ' (YouTube)' : ''}`, what, broadcastName(s.occurrenceId), s.until ? time(s.until) : t('ban.until'), s.moderator]) {
      const td = document.createElement('td');
      td.textContent = value;
      tr.append(td);
    }
    const td = document.createElement('td');
    td.append(button(t('bans.unban'), t('bans.unban.label', { nick }), () => act({ action: 'unban', sanctionId: s.id }, t('done.unbanned', { nick }))));
    tr.append(td);
    body.append(tr);
  }
}

function renderAudit() {
  const body = $('audit');
  body.replaceChildren();
  for (const e of auditEntries) {
    const tr = document.createElement('tr');
    const author = e.target ? `${e.target}${e.origin === 'youtube' ? ' (YouTube)' : ''}` : '';
    for (const value of [time(e.at), e.moderator, e.action, e.occurrenceId ? broadcastName(e.occurrenceId) : '', author, e.detail]) {
      const td = document.createElement('td');
      td.textContent = value;
      tr.append(td);
    }
    body.append(tr);
  }
}

$('room').addEventListener('change', () => {
  current = /** @type {HTMLSelectElement} */ ($('room')).value || null;
  selectRoom();
});
$('refresh').addEventListener('click', () => loadRooms());
$('slow-apply').addEventListener('click', () => {
  if (!current) return;
  const seconds = Number(/** @type {HTMLSelectElement} */ ($('slow')).value);
  act({ action: 'slow', occurrenceId: current, seconds }, seconds ? t('done.slow', { n: seconds }) : t('done.slowOff'));
});
$('close-chat').addEventListener('click', () => current && act({ action: 'close', occurrenceId: current }, t('done.closed')));
$('open-chat').addEventListener('click', () => current && act({ action: 'open', occurrenceId: current }, t('done.opened')));
$('unpin').addEventListener('click', () => current && act({ action: 'pin', occurrenceId: current, messageId: null }, t('done.unpinned')));

setLang(lang);

// Already logged in (cookie still valid)?
fetch('/api/moderation/me').then(async (res) => {
  if (res.ok) {
    const body = /** @type {{ moderator: string }} */ (await res.json());
    showConsole(body.moderator);
  } else {
    showLogin();
  }
});
