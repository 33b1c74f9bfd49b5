// Nicknames that pass for staff: "Moderatör", "mоd1" with a Cyrillic о, "ＡＤＭＩＮ", "m0d".
// Compared on a skeleton — NFKC, accents dropped, Turkish-aware lower case, then Unicode's
// confusables table (TR39, through the unhomoglyph package) — so look-alike letters from
// other scripts, fullwidth forms and digit-for-letter swaps all fold to the same string.
import unhomoglyph from 'unhomoglyph';

/** Words that anywhere in a nickname make it look official (compared on skeletons). */
const RESERVED_ANYWHERE = ['moderator', 'moderatör', 'yönetici', 'yönetim', 'görevli', 'yetkili', 'administrator'];
/** Short words that do so as a whole word, perhaps with digits: "mod", "Mod_1", "admin2". */
const RESERVED_WORDS = ['mod', 'admin', 'onair', 'staff', 'sistem', 'system', 'destek', 'support'];

/** The form look-alikes share: "Mоd1" and "mod1" give the same skeleton. */
export function skeleton(text: string): string {
  const folded = text
    .normalize('NFKC')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/İ/g, 'i')
    .toLocaleLowerCase('tr');
  return unhomoglyph(folded).toLowerCase();
}

const anywhere = RESERVED_ANYWHERE.map((w) => skeleton(w).replace(/[^a-z]/g, ''));
const words = RESERVED_WORDS.map(skeleton);
/** What digits turn into (0 → o, 1 → l): allowed after a reserved word, as digits are. */
const digitLike = new Set(Array.from('0123456789', (d) => skeleton(d)));

/** True when the nickname reads as a moderator's or the station's own. */
export function looksLikeStaff(nickname: string): boolean {
  const s = skeleton(nickname);
  const compact = s.replace(/[^a-z]/g, '');
  if (anywhere.some((w) => compact.includes(w))) return true;
  return s
    .split(/[^a-z]+/)
    .some((token) => words.some((w) => token.startsWith(w) && Array.from(token.slice(w.length)).every((c) => digitLike.has(c))));
}
