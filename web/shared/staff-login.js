// @ts-check
// The staff login shared by the moderator console and the control room: the form
// (#login-form, #login-name, #login-password, #login-status) posts to
// /api/moderation/login and says why a login failed; #logout ends the session.
import { $ } from './dom.js';

/**
 * @param {{ onLogin: (moderator: string) => void | Promise<void>, onLogout: () => void }} handlers
 *   onLogin runs with the moderator's name once the server accepted the login; onLogout
 *   once the session is ended.
 */
export function wireStaffLogin(handlers) {
  $('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const name = /** @type {HTMLInputElement} */ ($('login-name')).value;
    const password = /** @type {HTMLInputElement} */ ($('login-password')).value;
    const res = await fetch('/api/moderation/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, password }),
    });
    const body = /** @type {{ moderator?: string; message?: string }} */ (await res.json().catch(() => ({})));
    if (!res.ok || !body.moderator) {
      $('login-status').textContent = body.message ?? 'Login failed.';
      $('login-status').classList.add('error');
      return;
    }
    /** @type {HTMLInputElement} */ ($('login-password')).value = '';
    $('login-status').textContent = '';
    await handlers.onLogin(body.moderator);
  });

  $('logout').addEventListener('click', async () => {
    await fetch('/api/moderation/logout', { method: 'POST' });
    handlers.onLogout();
  });
}
