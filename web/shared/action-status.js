// @ts-check
// How the staff pages (moderator console, control room) report the outcome of an action:
// in the visible #action-status line and, for screen readers, in the #announcer live region.
import { $ } from './dom.js';

/** @param {string} text @param {boolean} [error] */
export function say(text, error = false) {
  const el = $('action-status');
  el.textContent = text;
  el.classList.toggle('error', error);
  $('announcer').textContent = text;
}
