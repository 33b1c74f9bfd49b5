// Weekday and month names staff may write, in Turkish and English, full or short, in any
// case ("Cumartesi", "cmt", "Saturday", "Ağustos", "agu"): each maps to the one short
// English name the format stores (sat, aug), so a Turkish librarian writes her own words.
import type { Weekday } from './types.js';

const WEEKDAYS: Record<Weekday, string[]> = {
  mon: ['monday', 'pazartesi', 'pzt', 'pts'],
  tue: ['tuesday', 'tues', 'salı', 'sali', 'sal'],
  wed: ['wednesday', 'çarşamba', 'carsamba', 'çar', 'car', 'çrş', 'crs'],
  thu: ['thursday', 'thur', 'thurs', 'perşembe', 'persembe', 'per', 'prş', 'prs'],
  fri: ['friday', 'cuma', 'cum'],
  sat: ['saturday', 'cumartesi', 'cmt', 'cts', 'cumart'],
  sun: ['sunday', 'pazar', 'paz', 'pz'],
};

const MONTHS: Record<string, string[]> = {
  jan: ['january', 'ocak', 'oca'],
  feb: ['february', 'şubat', 'subat', 'şub', 'sub'],
  mar: ['march', 'mart'],
  apr: ['april', 'nisan', 'nis'],
  may: ['mayıs', 'mayis'],
  jun: ['june', 'haziran', 'haz'],
  jul: ['july', 'temmuz', 'tem'],
  aug: ['august', 'ağustos', 'agustos', 'ağu', 'agu'],
  sep: ['september', 'sept', 'eylül', 'eylul', 'eyl'],
  oct: ['october', 'ekim', 'eki'],
  nov: ['november', 'kasım', 'kasim', 'kas'],
  dec: ['december', 'aralık', 'aralik', 'ara'],
};

function index(table: Record<string, string[]>): Map<string, string> {
  const m = new Map<string, string>();
  for (const [short, names] of Object.entries(table)) for (const n of [short, ...names]) m.set(n, short);
  return m;
}

const WEEKDAY_INDEX = index(WEEKDAYS);
const MONTH_INDEX = index(MONTHS);

/** Both lower-case readings: Turkish ("CUMARTESİ" → cumartesi, "SALI" → salı) and plain. */
function keys(word: string): string[] {
  return [word.toLocaleLowerCase('tr'), word.toLowerCase()];
}

/** The short English weekday a name stands for, or undefined. */
export function weekdayOf(word: string): Weekday | undefined {
  for (const k of keys(word.trim())) {
    const w = WEEKDAY_INDEX.get(k);
    if (w) return w as Weekday;
  }
  return undefined;
}

/** The short English month a name stands for, or undefined. */
export function monthOf(word: string): string | undefined {
  for (const k of keys(word.trim())) {
    const m = MONTH_INDEX.get(k);
    if (m) return m;
  }
  return undefined;
}

/** Every weekday name accepted (for "did you mean"). */
export const WEEKDAY_WORDS: readonly string[] = [...WEEKDAY_INDEX.keys()];

/**
 * A cron expression with Turkish (or long English) day and month names written as the
 * short English names node-cron reads: "0 10 * * cmt" → "0 10 * * sat".
 */
export function cronWithShortNames(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  // The last two fields are month and day of week, with or without a seconds field.
  const n = fields.length;
  return fields
    .map((f, i) => {
      if (i < n - 2) return f;
      const lookup = i === n - 1 ? weekdayOf : monthOf;
      return f.replace(/[\p{L}]+/gu, (word) => lookup(word) ?? word);
    })
    .join(' ');
}
