// Chat filters: each a pure `allow(message)` returning a verdict. The chat service runs
// them in order after the stateful checks (window, sanctions, rate, slow mode).
import { BANNED_WORDS_EN, BANNED_WORDS_TR } from './banned-words.js';
import { asciiFold, countEmoji, foldWords } from './text.js';

export type FilterVerdict = { allowed: true } | { allowed: false; code: string; message: string };

export interface ChatFilter {
  readonly name: string;
  allow(text: string): FilterVerdict;
}

const ALLOWED: FilterVerdict = { allowed: true };

export function emptyFilter(): ChatFilter {
  return {
    name: 'empty',
    allow: (text) => (text.trim() === '' ? { allowed: false, code: 'empty', message: 'Write a message first.' } : ALLOWED),
  };
}

export function lengthFilter(maxLength: number): ChatFilter {
  return {
    name: 'length',
    allow: (text) =>
      Array.from(text).length > maxLength
        ? { allowed: false, code: 'too-long', message: `Messages are at most ${maxLength} characters.` }
        : ALLOWED,
  };
}

// Schemes, www., and host-like words with a dot before 2+ letters ("evil.com/x", "bit.ly").
const LINK =
  /(?:\b[a-z][a-z0-9+.-]*:\/\/|\bjavascript:|\bdata:|\bvbscript:|\bwww\.|\b[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.(?:[a-z]{2,24})(?:[/:?#]|\b))/iu;

// "evil . com" / "evil(dot)com": only before common top-level domains, so that an ordinary
// sentence end ("e.g. this", "Bitti. Sonra") is not taken for a link.
const SPACED_DOT = /\s*(?:[.。]|\(dot\)|\[dot\]|\snokta\s|\sdot\s)\s*(?=(?:com|net|org|info|io|ly|me|co|tr|gg|tv|xyz|app|dev|link|site|online|ru|de|uk)\b)/giu;

export function linkFilter(): ChatFilter {
  return {
    name: 'links',
    // NFKC first: "ｅｖｉｌ．ｃｏｍ" (fullwidth) is read as evil.com.
    allow: (text) =>
      LINK.test(text.normalize('NFKC').replace(/[\u200B-\u200D\u2060\uFEFF]/g, '').replace(SPACED_DOT, '.'))
        ? { allowed: false, code: 'link', message: 'Links are not allowed in this chat.' }
        : ALLOWED,
  };
}

/**
 * Builds the banned-word filter from the built-in lists plus `extra` from config.
 * An extra word ending in "*" matches as a prefix ("salak*"), otherwise whole words only.
 */
export function bannedWordsFilter(extra: readonly string[] = []): ChatFilter {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const add = (raw: string, prefix: boolean): void => {
    for (const folded of foldWords(raw)) {
      for (const w of new Set([folded, asciiFold(folded)])) {
        exact.add(w);
        if (prefix && Array.from(w).length >= 4) prefixes.push(w);
      }
    }
  };
  for (const w of BANNED_WORDS_TR) add(w, true);
  for (const w of BANNED_WORDS_EN) add(w, false);
  for (const w of extra) add(w.replace(/\*$/, ''), w.endsWith('*'));
  const banned = (w: string): boolean => exact.has(w) || prefixes.some((p) => w.startsWith(p));
  return {
    name: 'banned-words',
    allow(text) {
      for (const word of foldWords(text)) {
        // A word of ASCII letters folds to itself: one look-up, not two.
        const folded = asciiFold(word);
        if (banned(word) || (folded !== word && banned(folded))) {
          return { allowed: false, code: 'banned-word', message: 'Please keep the chat friendly: that word is not allowed.' };
        }
      }
      return ALLOWED;
    },
  };
}

/**
 * At most this many emoji in one message: 300 of them made one message 391 px tall and
 * pushed the whole chat off a phone's screen.
 */
export const MAX_EMOJI = 24;

export function emojiFilter(max = MAX_EMOJI): ChatFilter {
  return {
    name: 'emoji',
    allow: (text) =>
      countEmoji(text, max) > max ? { allowed: false, code: 'too-many-emoji', message: `At most ${max} emoji in one message.` } : ALLOWED,
  };
}

export interface FilterOptions {
  maxLength: number;
  allowLinks: boolean;
  bannedWords: readonly string[];
}

/** The filters in force for a chat configuration, in the order they run. */
export function buildFilters(options: FilterOptions): ChatFilter[] {
  const filters = [emptyFilter(), lengthFilter(options.maxLength), emojiFilter()];
  if (!options.allowLinks) filters.push(linkFilter());
  filters.push(bannedWordsFilter(options.bannedWords));
  return filters;
}

/** Runs the filters in order; the first refusal wins. */
export function runFilters(filters: readonly ChatFilter[], text: string): FilterVerdict {
  for (const f of filters) {
    const verdict = f.allow(text);
    if (!verdict.allowed) return verdict;
  }
  return ALLOWED;
}
