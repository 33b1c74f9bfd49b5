// Text hygiene for chat: what is stripped from nicknames and messages, and the folded
// form banned-word matching works on. Pure functions, no state.

/** Bidi embeddings/overrides/isolates and marks: they can flip how a line reads (RLO tricks). */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
/** Invisible characters used to hide words from filters or to fake empty names. */
const INVISIBLE = /[\u00AD\u034F\u115F\u1160\u17B4\u17B5\u180E\u200B\u2060-\u2064\u3164\uFEFF\uFFA0]/g;
/** Joiners: needed inside emoji sequences and some scripts, so kept in messages only. */
const JOINERS = /[\u200C\u200D]/g;
/** Lone surrogates (half an emoji, from a broken client): stored as "a\uFFFDb" otherwise. */
const LONE_SURROGATES = /\p{Cs}/gu;
/** Tag characters outside a flag sequence (🏴 + tags): invisible, used to smuggle text. */
const STRAY_TAGS = /(?<!\u{1F3F4}[\u{E0020}-\u{E007E}]*)[\u{E0000}-\u{E007F}]/gu;
/**
 * What a nickname may not contain besides the above: every format character (tags,
 * invisible operators, variation selectors...), private-use and unassigned code points, and
 * characters that draw as blank space (Braille blank U+2800, Hangul fillers, the musical
 * symbol null note...). Without them a nickname could look empty or be told apart from
 * another only by invisible bits.
 */
const NICKNAME_INVISIBLE = /[\p{Cf}\p{Co}\p{Cn}\u2800\u3164\u115F\u1160\uFFA0\uFFFC\u180B-\u180D\uFE00-\uFE0F\u{E0100}-\u{E01EF}\u{1D159}]/gu;
/** C0/C1 control characters except tab and newline. */
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
/** Combining marks piled up beyond this many in a row are "zalgo" text. */
const ZALGO = /(\p{M}{3})\p{M}+/gu;

/**
 * A message made safe to show as text: no bidi overrides, no invisible characters, no
 * control characters, no zalgo stacks, at most two blank lines in a row. Not HTML escaping:
 * pages never parse chat as HTML in the first place.
 */
export function neutraliseMessage(text: string): string {
  return text
    .replace(LONE_SURROGATES, '')
    .normalize('NFC')
    .replace(STRAY_TAGS, '')
    .replace(BIDI, '')
    .replace(INVISIBLE, '')
    .replace(CONTROLS, '')
    .replace(ZALGO, '$1')
    .replace(/\r\n?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Longest nickname, in characters. */
export const NICKNAME_MAX = 24;

/**
 * A nickname made safe, or undefined when nothing usable is left: all invisible, joiner,
 * bidi and control characters removed, whitespace collapsed, length capped.
 */
export function sanitiseNickname(raw: string): string | undefined {
  const cleaned = raw
    .replace(LONE_SURROGATES, '')
    .normalize('NFKC')
    .replace(BIDI, '')
    .replace(INVISIBLE, '')
    .replace(NICKNAME_INVISIBLE, '')
    .replace(JOINERS, '')
    .replace(CONTROLS, '')
    .replace(/\p{M}+/gu, (m) => m.slice(0, 2))
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(cleaned).slice(0, NICKNAME_MAX).join('').trim();
  return Array.from(chars).length >= 2 ? chars : undefined;
}

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's', '!': 'i' };

/**
 * The form banned-word matching compares: lower case in both Turkish and English senses
 * (İ→i, I→ı and i), accents kept apart (ş≠s is a different word in Turkish, so we fold
 * both ways), leetspeak undone, letters repeated 3+ times squeezed to one.
 * Returns the words of the text in this form.
 */
export function foldWords(text: string): string[] {
  // NFKC first: fullwidth and other compatibility forms ("ｓｉｋ") fold to what they show.
  const lowered = neutraliseMessage(text)
    .normalize('NFKC')
    .replace(JOINERS, '')
    .replace(/İ/g, 'i')
    .replace(/I/g, 'ı')
    .toLocaleLowerCase('tr');
  const unleet = lowered.replace(/[013457@$!]/g, (c) => LEET[c] ?? c);
  const words = unleet.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
  return words.map((w) => w.replace(/(\p{L})\1{2,}/gu, '$1'));
}

const ASCII = /^[\u0000-\u007F]*$/;

/** Turkish letters folded to their ASCII look-alikes, so "siktir" also catches "şiktir". */
export function asciiFold(word: string): string {
  // Every replacement below acts on letters and marks outside ASCII.
  if (ASCII.test(word)) return word;
  return word
    .replace(/ı/g, 'i')
    .replace(/ş/g, 's')
    .replace(/ğ/g, 'g')
    .replace(/ç/g, 'c')
    .replace(/ö/g, 'o')
    .replace(/ü/g, 'u')
    .normalize('NFD')
    .replace(/\p{M}/gu, '');
}

const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
/** EMOJI, to step through a text's every match. */
const EMOJI_ALL = new RegExp(EMOJI.source, 'gu');
/**
 * One segmenter for every message: building one (an ICU object) per call cost more than
 * the rest of the chat filters together (bench:fanout's chat profile).
 */
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Emoji (pictographic grapheme clusters) in a text: a family or a flag counts once.
 * @param atMost a caller that only compares the count with `atMost` gets the number of
 * pictographic code points instead when that is no more than `atMost` (every emoji holds at
 * least one, so the count is no more either), without splitting the text into graphemes:
 * the segmenter cost a message with one emoji about 25 µs. @defaultValue exact count
 */
export function countEmoji(text: string, atMost = -1): number {
  // Most messages have none: no need to split them into graphemes.
  if (!EMOJI.test(text)) return 0;
  if (atMost >= 0) {
    let points = 0;
    EMOJI_ALL.lastIndex = 0;
    while (EMOJI_ALL.test(text)) if (++points > atMost) break;
    EMOJI_ALL.lastIndex = 0;
    if (points <= atMost) return points;
  }
  let n = 0;
  for (const { segment } of GRAPHEMES.segment(text)) {
    if (EMOJI.test(segment)) n++;
  }
  return n;
}
