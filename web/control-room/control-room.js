// @ts-check
// The staff control room: polls /api/control-room every two seconds and draws the day's
// timeline (SVG bars in the programme zone's local time, coloured by state), each running
// stream's health as sparklines, the YouTube quota against the projection, schedule errors
// with file:line:col and the staff audit log. Schedule problems also come live over the
// staff socket ("/moderation", `schedule:status`): a broken save shows the moment it has
// settled, and while the socket is up it is what the panel shows. Actions call /api/broadcasts/:id/<action>
// after a confirmation dialog; the server audits each one. Text is set with textContent only.

import { say } from '../shared/action-status.js';
import { $ } from '../shared/dom.js';
import { wireStaffLogin } from '../shared/staff-login.js';

/** @typedef {import('../../src/realtime/events.js').ModerationServerToClientEvents} ServerEvents */
/** @typedef {import('../../src/realtime/events.js').ModerationClientToServerEvents} ClientEvents */
/** @typedef {import('../../src/realtime/events.js').ScheduleStatusPayload} ScheduleStatus */
/** @typedef {import('socket.io-client').Socket<ServerEvents, ClientEvents>} StaffSocket */
/**
 * @typedef {{ message: string; code?: string }} DestinationProblem
 * @typedef {{ at: string; event: 'failed' | 'recovered'; code: string; message: string }} DestinationEvent
 * @typedef {{ name: string; kind: string; status: string; watchUrl?: string; error?: DestinationProblem; warning?: DestinationProblem; history?: DestinationEvent[] }} DestinationView
 * @typedef {{ occurrenceId: string; programmeId: string; title: { tr: string; en: string }; state: string;
 *   scheduledStart: string; scheduledEnd: string; liveAt?: string; endedAt?: string; reason?: string;
 *   destinations: DestinationView[] }} Broadcast
 * @typedef {{ at: string; phase: string; fps: number; bitrateKbps: number; bitrateMeasured?: boolean; droppedFrames: number; restarts: number; mode?: 'copy' | 'encode'; modeReason?: string }} HealthSample
 * @typedef {{ day: string; usedUnits: number; projectedUnits: number; dailyQuota: number }} Quota
 * @typedef {{ file: string; line: number; col: number; message: string; text: string; note: { tr: string; en: string } }} ScheduleError
 * @typedef {{ id: number; at: string; staff: string; action: string; occurrenceId: string; status: number; detail: string }} AuditEntry
 * @typedef {{ now: string; timezone: string; day: { date: string; start: string; end: string }; staff: string | null;
 *   broadcasts: Broadcast[]; health: Record<string, HealthSample[]>; quota: Quota | null;
 *   scheduleErrors: ScheduleError[]; audit: AuditEntry[] }} ControlRoomState
 */

const SVG = 'http://www.w3.org/2000/svg';
const POLL_MS = 2000;
const FINAL = new Set(['complete', 'failed', 'missed', 'cancelled']);

/** @param {string} tag @param {Record<string, string | number>} attrs */
function svg(tag, attrs = {}) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** @param {string} tag @param {string} [text] @param {string} [className] */
function h(tag, text, className) {
  const el = document.createElement(tag);
  if (text !== undefined) el.textContent = text;
  if (className) el.className = className;
  return el;
}

/** @type {ControlRoomState | null} */
let state = null;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer;
let busy = false;
/** @type {StaffSocket | undefined} */
let socket;
/** The latest `schedule:status` while the staff socket is up; null: the poll's list is shown. @type {ScheduleStatus | null} */
let liveStatus = null;

/** @param {string} iso @param {string} zone */
function hhmm(iso, zone) {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/**
 * A reason with its instants in the day's zone: the engine writes UTC ("ended early by staff
 * at 2026-12-05T09:10:00.000Z"), staff read local time.
 * @param {string} reason @param {string} zone
 */
function localReason(reason, zone) {
  return reason.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z/g, (iso) => {
    const time = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(iso));
    return `${time} (${zone})`;
  });
}

/** @param {Broadcast} b */
function title(b) {
  return b.title.tr || b.title.en || b.programmeId;
}

// -------------------------------------------------------------------------------------
// Loading and login
// -------------------------------------------------------------------------------------

async function load() {
  clearTimeout(timer);
  try {
    const res = await fetch('/api/control-room', { cache: 'no-store' });
    if (res.status === 401) {
      showLogin();
      return;
    }
    if (!res.ok) throw new Error(`the server answered ${res.status}`);
    state = /** @type {ControlRoomState} */ (await res.json());
    showRoom();
    listen();
    render(state);
  } catch (err) {
    say(`Could not refresh: ${err instanceof Error ? err.message : String(err)}. Retrying.`, true);
  }
  timer = setTimeout(load, POLL_MS);
}

function showLogin() {
  $('login-panel').hidden = false;
  $('room').hidden = true;
  $('logout').hidden = true;
  $('who').textContent = '';
}

function showRoom() {
  $('login-panel').hidden = true;
  $('room').hidden = false;
  $('logout').hidden = false;
}

wireStaffLogin({
  onLogin: () => load(),
  onLogout: () => {
    clearTimeout(timer);
    socket?.disconnect();
    socket = undefined;
    liveStatus = null;
    showLogin();
  },
});

/** Opens the staff socket (with the session cookie the page already has) once logged in. */
function listen() {
  if (socket || typeof window.io !== 'function') return;
  const s = window.io('/moderation', { reconnectionAttempts: 5 });
  socket = s;
  s.on('schedule:status', (st) => {
    liveStatus = st;
    renderLiveErrors(st);
  });
  // Until it is back, the poll's list is shown again.
  s.on('disconnect', () => {
    liveStatus = null;
  });
  s.io.on('reconnect_failed', () => {
    if (socket === s) socket = undefined;
  });
}

// -------------------------------------------------------------------------------------
// Rendering
// -------------------------------------------------------------------------------------

/** @param {ControlRoomState} s */
function render(s) {
  $('who').textContent = s.staff ?? '';
  $('clock').textContent = `${hhmm(s.now, s.timezone)} (${s.timezone})`;
  $('day').textContent = s.day.date;
  renderTimeline(s);
  renderBroadcasts(s);
  renderHealth(s);
  renderQuota(s.quota);
  if (liveStatus) renderLiveErrors(liveStatus);
  else renderErrors(s.scheduleErrors);
  renderAudit(s);
}

/** @param {ControlRoomState} s */
function renderTimeline(s) {
  const W = 960;
  const LEFT = 8;
  const RIGHT = 8;
  const LANE = 34;
  const dayStart = Date.parse(s.day.start);
  const dayMs = Date.parse(s.day.end) - dayStart;
  /** @param {number} t */
  const x = (t) => LEFT + ((Math.min(Math.max(t, dayStart), dayStart + dayMs) - dayStart) / dayMs) * (W - LEFT - RIGHT);
  // Overlapping broadcasts go to separate lanes (first lane that is free).
  /** @type {number[]} */
  const laneEnds = [];
  const placed = s.broadcasts.map((b) => {
    const start = Date.parse(b.scheduledStart);
    const end = Date.parse(b.scheduledEnd);
    let lane = laneEnds.findIndex((e) => e <= start);
    if (lane < 0) lane = laneEnds.push(0) - 1;
    laneEnds[lane] = end;
    return { b, start, end, lane };
  });
  const lanes = Math.max(1, laneEnds.length);
  const H = 24 + lanes * LANE + 8;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'timeline', role: 'img', 'aria-labelledby': 'timeline-title' });
  const t = svg('title', { id: 'timeline-title' });
  t.textContent = `Timeline of ${s.day.date}: ${s.broadcasts.length} broadcasts. The table below lists them.`;
  root.append(t);
  for (let hour = 0; hour <= 24; hour += 2) {
    const g = svg('g', { class: 'hour' });
    const hx = LEFT + (hour / 24) * (W - LEFT - RIGHT);
    g.append(svg('line', { x1: hx, x2: hx, y1: 16, y2: H }));
    // The last tick's label ends at its line, so 24:00 is not cut off at the right edge.
    const label = svg('text', hour === 24 ? { x: hx - 2, y: 12, 'text-anchor': 'end' } : { x: hx + 2, y: 12 });
    label.textContent = `${String(hour).padStart(2, '0')}:00`;
    g.append(label);
    root.append(g);
  }
  for (const [i, { b, start, end, lane }] of placed.entries()) {
    const g = svg('g', { class: 'bar', 'data-occurrence': b.occurrenceId, 'data-state': b.state });
    const x0 = x(start);
    const width = Math.max(3, x(end) - x0);
    const y = 20 + lane * LANE;
    g.append(svg('rect', { x: x0, y, width, height: LANE - 6, rx: 4, class: `state-${b.state}` }));
    const tip = svg('title');
    tip.textContent = `${title(b)} — ${b.state}, ${hhmm(b.scheduledStart, s.timezone)}–${hhmm(b.scheduledEnd, s.timezone)}`;
    g.append(tip);
    // A bar too short for its title (every workshop: an hour is 40 px) gets it beside the
    // bar, in the room up to the next bar of the same lane.
    const inside = width > 60;
    const nextInLane = placed.slice(i + 1).find((p) => p.lane === lane);
    const room = inside ? width - 8 : (nextInLane ? x(nextInLane.start) : W - RIGHT) - (x0 + width) - 6;
    const chars = Math.floor(room / 7);
    if (chars >= 3) {
      const label = svg('text', { x: inside ? x0 + 4 : x0 + width + 3, y: y + 18, class: inside ? '' : 'outside' });
      const name = title(b);
      label.textContent = name.length > chars ? `${name.slice(0, chars - 1)}…` : name;
      g.append(label);
    }
    root.append(g);
  }
  const now = Date.parse(s.now);
  if (now >= dayStart && now <= dayStart + dayMs) root.append(svg('line', { class: 'now', x1: x(now), x2: x(now), y1: 16, y2: H }));
  $('timeline-wrap').replaceChildren(root);
}

/**
 * @param {Broadcast} b @param {string | undefined} phase what its encoder shows now ('slate' or 'programme')
 * @param {number} now the server's time (ms)
 * @returns {Array<{ action: string; label: string; confirm: string; body?: object }>}
 */
function actionsFor(b, phase, now) {
  const name = title(b);
  /** @type {Array<{ action: string; label: string; confirm: string; body?: object }>} */
  const list = [];
  if (['scheduled', 'preparing', 'ready'].includes(b.state)) list.push({ action: 'start', label: 'Start now', confirm: `Start “${name}” now, before its time?` });
  // A failed broadcast (a full disk, a source that gave up) may go on air again until its end.
  if (b.state === 'failed' && Date.parse(b.scheduledEnd) > now) list.push({ action: 'start', label: 'Start again', confirm: `Start “${name}” again? Its destinations are prepared anew.` });
  if (!FINAL.has(b.state) && b.state !== 'ending') list.push({ action: 'extend', label: 'Extend 15 min', confirm: `Extend “${name}” by 15 minutes?`, body: { minutes: 15 } });
  if (b.state === 'live') {
    // Only the switch that changes something: to the slate while the programme shows, back after.
    if (phase === 'slate') list.push({ action: 'programme', label: 'Back to programme', confirm: `Switch “${name}” back to the programme?` });
    else list.push({ action: 'slate', label: 'Switch to slate', confirm: `Show the slate instead of “${name}”? Viewers see the waiting card.` });
    list.push({ action: 'end', label: 'End now', confirm: `End “${name}” now? This cannot be undone.` });
  }
  return list;
}

/** @param {ControlRoomState} s */
function renderBroadcasts(s) {
  const rows = s.broadcasts.map((b) => {
    const tr = h('tr');
    tr.dataset.occurrence = b.occurrenceId;
    tr.append(h('td', `${hhmm(b.scheduledStart, s.timezone)}–${hhmm(b.scheduledEnd, s.timezone)}`));
    const name = h('td');
    name.append(h('bdi', title(b)));
    if (b.reason) name.append(h('div', localReason(b.reason, s.timezone), 'meta broadcast-reason'));
    // A destination that failed or went on without something (a receiver that never answered,
    // a thumbnail refused) while the broadcast itself goes on: said here, by name, with its fix.
    // One that failed and came back (its receiver takes the stream again) says so, with why it was down.
    for (const d of b.destinations) {
      const problem = d.error ?? d.warning;
      const last = d.history?.at(-1);
      const downBefore = last?.event === 'recovered' ? [...(d.history ?? [])].reverse().find((e) => e.event === 'failed') : undefined;
      if (d.status !== 'failed' && !problem && !downBefore) continue;
      const text = problem
        ? `${d.name}: ${d.status} — ${problem.message}`
        : downBefore && last
          ? `${d.name}: ${d.status} — receiving again since ${hhmm(last.at, s.timezone)}; it had failed at ${hhmm(downBefore.at, s.timezone)}: ${downBefore.message}`
          : `${d.name}: ${d.status}`;
      const line = h('div', text, d.status === 'failed' || d.error ? 'meta destination-problem error' : 'meta destination-problem');
      line.dataset.destination = d.name;
      name.append(line);
    }
    tr.append(name);
    const st = h('td');
    st.append(h('span', b.state, `badge state-text-${b.state}`));
    tr.append(st);
    const cell = h('td');
    const actions = h('div', undefined, 'actions');
    const samples = s.health[b.occurrenceId];
    for (const a of actionsFor(b, samples?.[samples.length - 1]?.phase, Date.parse(s.now))) {
      const btn = /** @type {HTMLButtonElement} */ (h('button', a.label, a.action === 'end' ? '' : 'secondary'));
      btn.type = 'button';
      btn.dataset.action = a.action;
      btn.setAttribute('aria-label', `${a.label}: ${title(b)}`);
      btn.addEventListener('click', () => void act(b, a));
      actions.append(btn);
    }
    cell.append(actions);
    tr.append(cell);
    return tr;
  });
  $('broadcasts').replaceChildren(...rows);
  if (rows.length === 0) {
    const tr = h('tr');
    const td = h('td', 'Nothing is scheduled today.');
    td.setAttribute('colspan', '4');
    tr.append(td);
    $('broadcasts').append(tr);
  }
}

/** @param {number[]} values */
function sparkline(values) {
  const W = 240;
  const H = 36;
  const max = Math.max(1, ...values);
  const el = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'spark', 'aria-hidden': 'true', preserveAspectRatio: 'none' });
  const step = values.length > 1 ? W / (values.length - 1) : W;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(H - 2 - (v / max) * (H - 4)).toFixed(1)}`).join(' ');
  el.append(svg('polyline', { points }));
  return el;
}

/** @param {ControlRoomState} s */
function renderHealth(s) {
  const cards = Object.entries(s.health).map(([id, samples]) => {
    const last = samples[samples.length - 1];
    const b = s.broadcasts.find((x) => x.occurrenceId === id);
    const card = h('article', undefined, 'health-card');
    card.dataset.occurrence = id;
    card.append(h('h3', b ? title(b) : id));
    if (!last) return card;
    const dl = h('dl');
    /** @param {string} term @param {string} value @param {string} key */
    const row = (term, value, key) => {
      dl.append(h('dt', term));
      const dd = h('dd', value);
      dd.dataset.metric = key;
      dl.append(dd);
    };
    row('Showing', last.phase, 'phase');
    const measured = last.bitrateMeasured !== false;
    row('Bitrate', `${Math.round(last.bitrateKbps)} kbit/s ${measured ? 'measured' : 'nominal (not measured)'}`, 'bitrate');
    row('Frames/s', last.fps.toFixed(1), 'fps');
    row('Dropped frames', String(last.droppedFrames), 'dropped');
    row('Restarts', String(last.restarts), 'restarts');
    // Copied (nothing encoded) or encoded, and why: what this broadcast costs the machine.
    if (last.mode) row('Sent', `${last.mode === 'copy' ? 'copied as it is' : 'encoded'}: ${last.modeReason ?? ''}`, 'mode');
    card.append(dl);
    // A flat line at the configured rate would look like a healthy measurement: draw only
    // what was measured (on the local HLS output: ffmpeg reports N/A through its tee).
    const measuredSamples = samples.filter((x) => x.bitrateMeasured !== false);
    if (measuredSamples.length > 1) {
      card.append(h('div', 'Output bitrate (measured), last two minutes', 'meta'));
      card.append(sparkline(measuredSamples.map((x) => x.bitrateKbps)));
    } else {
      card.append(h('div', 'Output bitrate: not measured for this stream (it is measured on the local destination, and this one has none); the figure above is the configured rate.', 'meta'));
    }
    card.append(h('div', 'Frames per second', 'meta'));
    card.append(sparkline(samples.map((x) => x.fps)));
    return card;
  });
  $('health').replaceChildren(...cards);
  $('health-empty').hidden = cards.length > 0;
}

/** @param {Quota | null} q */
function renderQuota(q) {
  const box = $('quota');
  if (!q) {
    box.replaceChildren(h('p', 'YouTube is not configured on this server.', 'meta'));
    return;
  }
  const pct = (/** @type {number} */ v) => `${Math.min(100, (v / q.dailyQuota) * 100).toFixed(1)}%`;
  const meter = h('div', undefined, 'meter');
  meter.setAttribute('role', 'meter');
  meter.setAttribute('aria-valuemin', '0');
  meter.setAttribute('aria-valuemax', String(q.dailyQuota));
  meter.setAttribute('aria-valuenow', String(q.usedUnits));
  meter.setAttribute('aria-label', 'YouTube quota used today');
  const used = h('div', undefined, 'used');
  used.style.width = pct(q.usedUnits);
  const projected = h('div', undefined, 'projected');
  projected.style.left = pct(q.projectedUnits);
  meter.append(used, projected);
  const text = h('p', `${q.usedUnits} of ${q.dailyQuota} units used today (${q.day}, Pacific); the schedule projects ${q.projectedUnits} in all.`);
  text.id = 'quota-text';
  const warn = q.projectedUnits > q.dailyQuota ? h('p', 'The projection is over the daily quota: YouTube may refuse calls late in the day.', 'status error') : null;
  box.replaceChildren(meter, text, ...(warn ? [warn] : []));
}

/** @param {ScheduleError[]} errors */
function renderErrors(errors) {
  const lang = document.documentElement.lang === 'tr' ? 'tr' : 'en';
  const noted = new Set();
  $('errors').replaceChildren(
    ...errors.map((e) => {
      const li = h('li');
      li.append(h('code', e.text));
      // Once per file: what stays on the air while the file on disk is broken.
      if (e.note && !noted.has(e.file)) {
        noted.add(e.file);
        li.append(h('p', e.note[lang], 'meta error-note'));
      }
      return li;
    }),
  );
  $('errors-none').hidden = errors.length > 0;
}

/**
 * The problems the staff socket sent: each file's first problems (errors first), what stays
 * on the air meanwhile, and how many more there are.
 * @param {ScheduleStatus} st
 */
function renderLiveErrors(st) {
  const lang = document.documentElement.lang === 'tr' ? 'tr' : 'en';
  /** @type {HTMLElement[]} */
  const items = [];
  for (const f of st.files) {
    f.problems.forEach((p, i) => {
      const li = h('li');
      li.append(h('code', p.text[lang]));
      if (i === 0 && f.note) li.append(h('p', f.note[lang], 'meta error-note'));
      items.push(li);
    });
    if (f.moreProblems > 0) items.push(h('li', `… ${f.moreProblems} more in ${f.file} (onair validate lists them all)`, 'meta'));
  }
  if (st.moreFiles > 0) items.push(h('li', `… and ${st.moreFiles} more files with problems (onair validate lists them all)`, 'meta'));
  $('errors').replaceChildren(...items);
  $('errors-none').hidden = !st.ok;
}

/** @param {ControlRoomState} s */
function renderAudit(s) {
  $('audit').replaceChildren(
    ...s.audit.map((e) => {
      const tr = h('tr');
      const b = s.broadcasts.find((x) => x.occurrenceId === e.occurrenceId);
      tr.append(h('td', hhmm(e.at, s.timezone)), h('td', e.staff), h('td', e.action), h('td', b ? title(b) : e.occurrenceId));
      tr.append(h('td', e.status < 400 ? `done ${e.detail}`.trim() : e.detail));
      return tr;
    }),
  );
}

// -------------------------------------------------------------------------------------
// Actions
// -------------------------------------------------------------------------------------

/** @param {string} text @returns {Promise<boolean>} */
function confirmAction(text) {
  const dialog = /** @type {HTMLDialogElement} */ ($('confirm'));
  $('confirm-text').textContent = text;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), { once: true }));
}

/** @param {Broadcast} b @param {{ action: string; label: string; confirm: string; body?: object }} a */
async function act(b, a) {
  if (busy) return;
  if (!(await confirmAction(a.confirm))) {
    say('Cancelled; nothing was changed.');
    return;
  }
  busy = true;
  try {
    const res = await fetch(`/api/broadcasts/${encodeURIComponent(b.occurrenceId)}/${a.action}`, {
      method: 'POST',
      headers: a.body ? { 'content-type': 'application/json' } : {},
      body: a.body ? JSON.stringify(a.body) : undefined,
    });
    const body = /** @type {{ state?: string; message?: string }} */ (await res.json().catch(() => ({})));
    if (!res.ok) say(`${a.label} refused: ${body.message ?? res.status}`, true);
    else say(`${a.label}: done. “${title(b)}” is now ${body.state ?? 'updated'}.`);
  } catch (err) {
    say(`${a.label} failed: ${err instanceof Error ? err.message : String(err)}`, true);
  } finally {
    busy = false;
    await load();
  }
}

void load();
