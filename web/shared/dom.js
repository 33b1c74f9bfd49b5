// @ts-check
// DOM helpers every page uses.

/**
 * The element with this id; a missing one is a page bug, so it throws at once rather than
 * failing later on null.
 * @template {HTMLElement} T @param {string} id @returns {T}
 */
export function $(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return /** @type {T} */ (el);
}
