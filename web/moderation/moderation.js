// @ts-check
// The moderator console: log in, watch every message of a broadcast (ours and YouTube's,
// marked by origin), delete / time out / ban / pin, set slow mode, close the chat, read the
// audit log, export the transcript. Message text is only ever set with textContent.

import { say } from '../shared/action-status.js';
import { $ } from '../shared/dom.js';
import { wireStaffLogin } from '../shared/staff-login.js';
import { messageNickAndText } from '../shared/chat-message.js';

/** @typedef {import('../../src/realtime/events.js').ModerationServerToClientEvents} ServerEvents */
/** @typedef {import('../../src/realtime/events.js').ModerationClientToServerEvents} ClientEvents */
/** @typedef {import('../../src/realtime/events.js').ChatMessagePayload} ChatMessage */
/** @typedef {import('../../src/realtime/events.js').ChatRoomSummary} RoomSummary */
/** @typedef {import('../../src/realtime/events.js').AuditEntryPayload} AuditEntry */
/** @typedef {import('../../src/realtime/events.js').ModerationAction} ModerationAction */
/** @typedef {import('../../src/realtime/events.js').YoutubeChatStatus} YoutubeChatStatus */
/** @typedef {import('socket.io-client').Socket<ServerEvents, ClientEvents>} ModSocket */

/** @type {ModSocket | null} */
let socket = null;
/** @type {Map<string, RoomSummary>} */
const rooms = new Map();
/** @type {string | null} */
let current = null;

/** @param {string} iso */
function time(iso) {
  return new Date(iso).toLocaleString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', day: 'numeric', month: 'short' });
}

function showLogin() {
  $('login-panel').hidden = false;
  $('console').hidden = true;
  $('logout').hidden = true;
  $('who').textContent = '';
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

// -------------------------------------------------------------------------------------
// Login
// -------------------------------------------------------------------------------------

wireStaffLogin({ onLogin: showConsole, onLogout: showLogin });

// -------------------------------------------------------------------------------------
// Socket
// -------------------------------------------------------------------------------------

function connect() {
  socket?.disconnect();
  /** @type {ModSocket} */
  const s = window.io('/moderation', { reconnectionAttempts: 5 });
  socket = s;
  s.on('connect', () => loadRooms());
  s.on('connect_error', (err) => {
    if (err.message === 'unauthorized') showLogin();
  });
  s.on('session:expired', () => {
    $('login-status').textContent = 'Your session has ended; log in again.';
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
    if (r) r.state = st;
    if (st.occurrenceId === current) renderRoom();
  });
  s.on('audit:entry', (e) => prependAudit(e));
  s.on('youtube:status', (y) => {
    const r = rooms.get(y.occurrenceId);
    if (r) r.youtube = y;
    if (y.occurrenceId === current) renderRoom();
  });
}

function loadRooms() {
  socket?.emit('mod:rooms', (ack) => {
    if (!ack.ok) return say(ack.error.message, true);
    rooms.clear();
    const select = /** @type {HTMLSelectElement} */ ($('room'));
    select.replaceChildren();
    for (const r of ack.rooms) {
      rooms.set(r.state.occurrenceId, r);
      const opt = document.createElement('option');
      opt.value = r.state.occurrenceId;
      opt.textContent = `${r.title ? r.title.tr || r.title.en : r.state.occurrenceId}${r.state.open ? ' — open' : ''}`;
      select.append(opt);
    }
    const open = ack.rooms.find((r) => r.state.open);
    current = current && rooms.has(current) ? current : (open ?? ack.rooms[0])?.state.occurrenceId ?? null;
    if (current) select.value = current;
    selectRoom();
  });
  socket?.emit('mod:audit', { limit: 100 }, (ack) => {
    if (!ack.ok) return;
    $('audit').replaceChildren();
    for (const e of [...ack.entries].reverse()) prependAudit(e);
  });
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
  if (!y) return 'YouTube chat: not connected for this broadcast.';
  const share = Math.round((y.unitsPerHour / y.dailyQuota) * 100);
  return (
    `YouTube chat: ${y.polling ? 'polling' : 'stopped'} every ${(y.pollingIntervalMs / 1000).toFixed(1)} s` +
    ` (the interval YouTube asks for). Spent ${y.unitsSpent} units in ${y.polls} polls; this chat costs about` +
    ` ${y.unitsPerHour} units an hour, ${share}% of the ${y.dailyQuota}-unit daily quota.` +
    (y.lastError ? ` Last error: ${y.lastError}.` : '')
  );
}

function renderRoom() {
  const r = current ? rooms.get(current) : undefined;
  if (!r) {
    $('room-state').textContent = 'No chat rooms right now.';
    return;
  }
  const st = r.state;
  $('room-state').textContent =
    `${st.open ? 'Open' : 'Closed'}${st.closedByModerator ? ' (closed by a moderator)' : ''}; ` +
    `opens ${time(st.opensAt)}, closes ${time(st.closesAt)}; slow mode ${st.slowModeMs ? `${st.slowModeMs / 1000} s` : 'off'}.`;
  /** @type {HTMLSelectElement} */ ($('slow')).value = String(st.slowModeMs / 1000);
  $('pinned').hidden = !st.pinned;
  $('pinned-nick').textContent = st.pinned?.nickname ?? '';
  $('pinned-text').textContent = st.pinned?.text ?? '';
  $('youtube').textContent = youtubeText(r.youtube);
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
  const minutes = document.createElement('select');
  minutes.setAttribute('aria-label', `Timeout length for ${m.nickname}`);
  for (const n of [1, 5, 10, 30, 60]) {
    const o = document.createElement('option');
    o.value = String(n);
    o.textContent = `${n} min`;
    minutes.append(o);
  }
  minutes.value = '5';
  actions.append(
    button('Delete', `Delete message from ${who}`, () => act({ action: 'delete', messageId: m.id }, 'Message deleted.')),
    minutes,
    button('Timeout', `Time out ${m.nickname}`, () =>
      act({ action: 'timeout', messageId: m.id, minutes: Number(minutes.value) }, `${m.nickname} timed out for ${minutes.value} min.`),
    ),
    button('Ban', `Ban ${m.nickname}`, () => {
      if (confirm(`Ban ${m.nickname} from the chat?`)) act({ action: 'ban', messageId: m.id, scope: 'all', minutes: null }, `${m.nickname} banned.`);
    }),
  );
  if (m.origin === 'onair' && current) {
    const room = current;
    actions.append(button('Pin', `Pin message from ${who}`, () => act({ action: 'pin', occurrenceId: room, messageId: m.id }, 'Message pinned.')));
  }
  li.append(badge, ' ', nick, text, when, actions);
  list.append(li);
  list.scrollTop = list.scrollHeight;
}

/** @param {AuditEntry} e */
function prependAudit(e) {
  const tr = document.createElement('tr');
  for (const value of [time(e.at), e.moderator, e.action, e.target ? `${e.target}${e.origin === 'youtube' ? ' (YouTube)' : ''}` : '', e.detail]) {
    const td = document.createElement('td');
    td.textContent = value;
    tr.append(td);
  }
  $('audit').prepend(tr);
}

$('room').addEventListener('change', () => {
  current = /** @type {HTMLSelectElement} */ ($('room')).value || null;
  selectRoom();
});
$('refresh').addEventListener('click', () => loadRooms());
$('slow-apply').addEventListener('click', () => {
  if (!current) return;
  const seconds = Number(/** @type {HTMLSelectElement} */ ($('slow')).value);
  act({ action: 'slow', occurrenceId: current, seconds }, seconds ? `Slow mode ${seconds} s.` : 'Slow mode off.');
});
$('close-chat').addEventListener('click', () => current && act({ action: 'close', occurrenceId: current }, 'Chat closed.'));
$('open-chat').addEventListener('click', () => current && act({ action: 'open', occurrenceId: current }, 'Chat reopened.'));
$('unpin').addEventListener('click', () => current && act({ action: 'pin', occurrenceId: current, messageId: null }, 'Unpinned.'));

// Already logged in (cookie still valid)?
fetch('/api/moderation/me').then(async (res) => {
  if (res.ok) {
    const body = /** @type {{ moderator: string }} */ (await res.json());
    showConsole(body.moderator);
  } else {
    showLogin();
  }
});
