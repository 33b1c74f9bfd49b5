// @ts-check
// How the viewer page and the moderator console show who wrote a chat message and what:
// the nickname isolated in <bdi> and the text with dir="auto", so a right-to-left name or
// message does not scramble the line, both set with textContent only (never as HTML).

/**
 * @param {{ nickname: string; text: string }} m
 * @returns {[HTMLElement, HTMLElement]} the nickname and the text, in that order
 */
export function messageNickAndText(m) {
  const nick = document.createElement('bdi');
  nick.className = 'nick';
  nick.textContent = m.nickname;
  const text = document.createElement('span');
  text.className = 'text';
  text.dir = 'auto';
  text.textContent = m.text;
  return [nick, text];
}
