// The one TR/EN catalogue of what staff read about their schedule files: the CLI
// (validate, preview, rehearse), /api/status and the control room all take their words
// from here, so a Turkish-speaking librarian reads the same sentence everywhere.
import { DIAGNOSTIC_MESSAGES, type Entry, type Resolved } from './diagnostic-messages.js';
import type { Language, Localized } from './types.js';

/** Placeholders: a Localized one is put in the sentence in the sentence's own language. */
export type MessageParams = Record<string, string | number | Localized>;

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

const CATALOGUE = {
  ...DIAGNOSTIC_MESSAGES,
  emptyExisting: {
    en: 'the file is empty (or holds only comments); an existing schedule file must hold its programmes. Write them back, or delete the file to remove its programmes',
    tr: 'dosya boş (ya da yalnızca yorum içeriyor); var olan bir program dosyası programlarını içermeli. Programları geri yazın ya da programlarını kaldırmak için dosyayı silin',
  },
  noProgramme: {
    en: 'this file holds no programme; it is ignored (delete it if it is not needed)',
    tr: 'bu dosyada program yok; dikkate alınmıyor (gerekmiyorsa silin)',
  },
  previousOnAir: {
    en: (p) => `the previous version of ${p.file} (read ${p.since}) stays on air until the errors are fixed`,
    tr: (p) => `${p.file} dosyasının önceki sürümü (okunma: ${p.since}) hatalar düzeltilene kadar yayında kalıyor`,
  },
  notLoaded: {
    en: (p) => `${p.file} is not loaded until its errors are fixed; none of its programmes is on the air`,
    tr: (p) => `${p.file} hataları düzeltilene kadar yüklenmiyor; programlarının hiçbiri yayında değil`,
  },
  allLoaded: {
    en: 'Every schedule file loaded without errors.',
    tr: 'Tüm program dosyaları hatasız yüklendi.',
  },
  severityError: { en: 'error', tr: 'hata' },
  severityWarning: { en: 'warning', tr: 'uyarı' },
  validateSummary: {
    en: (p) =>
      `${plural(Number(p.files), 'file', 'files')}, ${plural(Number(p.programmes), 'programme', 'programmes')} valid: ` +
      `${plural(Number(p.errors), 'error', 'errors')}, ${plural(Number(p.warnings), 'warning', 'warnings')}` +
      (Number(p.errors) ? ' — fix the errors above (file:line:col) and run onair validate again' : ''),
    tr: (p) =>
      `${p.files} dosya, ${p.programmes} geçerli program: ${p.errors} hata, ${p.warnings} uyarı` +
      (Number(p.errors) ? ' — yukarıdaki hataları (dosya:satır:sütun) düzeltip onair validate komutunu yeniden çalıştırın' : ''),
  },
  busiestDay: {
    en: (p) => `  busiest day on ${p.destination}: ${p.day} with ${plural(Number(p.n), 'broadcast', 'broadcasts')}`,
    tr: (p) => `  ${p.destination} için en yoğun gün: ${p.day}, ${p.n} yayın`,
  },
  previewErrors: {
    en: (p) => `onair preview: ${plural(Number(p.n), 'error', 'errors')}; files with errors are left out (run onair validate)`,
    tr: (p) => `onair preview: ${p.n} hata; hatalı dosyalar listeye alınmadı (onair validate ile görün)`,
  },
  noBroadcasts: { en: 'No broadcasts in this period.', tr: 'Bu aralıkta yayın yok.' },
  // The YouTube quota section of `onair validate` (destinations/youtube/quota-projection.ts)
  quotaNone: { en: 'YouTube quota: no YouTube broadcasts in the period.', tr: 'YouTube kotası: bu dönemde YouTube yayını yok.' },
  quotaHeading: {
    en: (p) => `YouTube quota (projected units per quota day, midnight Pacific; limit ${p.limit}):`,
    tr: (p) => `YouTube kotası (kota günü başına öngörülen birim, Pasifik saatiyle gece yarısından; sınır ${p.limit}):`,
  },
  quotaDay: {
    en: (p) => `${p.day}: ${p.units} units (${plural(Number(p.broadcasts), 'broadcast', 'broadcasts')}: ${p.lifecycle} lifecycle + ${p.chat} chat polling)`,
    tr: (p) => `${p.day}: ${p.units} birim (${p.broadcasts} yayın: ${p.lifecycle} yayın yönetimi + ${p.chat} sohbet okuma)`,
  },
  quotaOver: { en: '  OVER QUOTA', tr: '  KOTA AŞILIYOR' },
  quotaMoreDays: { en: (p) => `  ... ${p.n} more days with YouTube broadcasts`, tr: (p) => `  ... YouTube yayını olan ${p.n} gün daha` },
  quotaBusiest: { en: (p) => `  busiest YouTube day: ${p.day}`, tr: (p) => `  en yoğun YouTube günü: ${p.day}` },
  quotaWarning: {
    en: (p) =>
      `warning: ${p.day} needs about ${p.units} YouTube units, more than the daily quota of ${p.limit}: ` +
      'move some programmes to another day, turn off chat for some, or ask Google for more quota (then set youtube.dailyQuota).',
    tr: (p) =>
      `uyarı: ${p.day} günü yaklaşık ${p.units} YouTube birimi gerektiriyor, günlük kota ${p.limit}: ` +
      'bazı programları başka bir güne taşıyın, bazılarında sohbeti kapatın ya da Google\'dan ek kota isteyin (sonra youtube.dailyQuota değerini ayarlayın).',
  },
  quotaMoreWarnings: {
    en: (p) => `warning: ${p.n} more days are over the YouTube quota`,
    tr: (p) => `uyarı: ${p.n} gün daha YouTube kotasını aşıyor`,
  },
} satisfies Record<string, Entry>;

export type MessageKey = keyof typeof CATALOGUE;

/** Every key of the catalogue (its tests check each has both languages). */
export const MESSAGE_KEYS = Object.keys(CATALOGUE) as MessageKey[];

/** The message `key` in `lang`, its placeholders filled from `params`. */
export function scheduleMessage(lang: Language, key: MessageKey, params: MessageParams = {}): string {
  const entry: Entry = CATALOGUE[key];
  const m = entry[lang];
  if (typeof m !== 'function') return m;
  const resolved: Resolved = {};
  for (const [k, v] of Object.entries(params)) resolved[k] = typeof v === 'object' ? v[lang] : v;
  return m(resolved);
}

/** The message `key` in both languages: what a diagnostic carries, to be shown in either. */
export function bothLanguages(key: MessageKey, params: MessageParams = {}): Localized {
  return { en: scheduleMessage('en', key, params), tr: scheduleMessage('tr', key, params) };
}

/**
 * The language staff read: an explicit choice (--lang, ?lang=) first; then the person's
 * locale when it is Turkish or English (LANG=tr_TR.UTF-8), as a compiler follows LANG;
 * then the configuration's language (config always has one: schedule.language).
 */
export function staffLanguage(explicit?: string, configured?: Language, env: NodeJS.ProcessEnv = process.env): Language {
  if (explicit === 'tr' || explicit === 'en') return explicit;
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  const m = /^(tr|en)(?:[_.@-]|$)/i.exec(locale);
  if (m) return m[1]!.toLowerCase() as Language;
  return configured ?? 'en';
}

/** A diagnostic's `message` (English) and `tr` from a text in both languages. */
export function diagnosticText(text: Localized): { message: string; tr: string } {
  return { message: text.en, tr: text.tr };
}
