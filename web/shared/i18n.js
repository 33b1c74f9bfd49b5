// @ts-check
// Turkish and English for the pages. The choice is remembered in localStorage; Turkish is
// the default unless the browser prefers another language and English is closer.

/** @typedef {'tr' | 'en'} Lang */

const STRINGS = {
  tr: {
    'site.title': 'Onair — Kütüphane yayınları',
    'skip': 'İçeriğe geç',
    'lang.label': 'Dil',
    'notify.enable': 'Bildirimleri aç',
    'notify.on': 'Bildirimler açık',
    'notify.denied': 'Tarayıcı bildirimlere izin vermedi.',
    'live.now': 'Şimdi canlı',
    'live.watch': 'İzle',
    'player.title': 'Yayın',
    'player.none': 'Şu anda canlı yayın yok. Bir programa abone olun, başladığında size haber verelim.',
    'player.youtube': 'YouTube oynatıcı: {title}',
    'player.video': 'Canlı yayın: {title}',
    'player.waiting': 'Bu program canlı yayına başladığında burada oynayacak.',
    'player.starting': 'Yayın başlıyor; görüntü birazdan gelecek…',
    'player.ended': '{title} sona erdi.',
    'player.unmute': 'Sesi aç',
    'player.mute': 'Sesi kapat',
    'player.audioOnly': 'Yalnız ses',
    'player.audioOnly.on': 'Yalnız ses açık: görüntü gelmiyor, daha az veri kullanılıyor.',
    'player.audioOnly.off': 'Görüntü geri geldi.',
    'source.label': 'Nereden izlensin',
    'source.local': 'Bu sitede izle',
    'source.youtube': "YouTube'da izle",
    'live.watching': 'İzleniyor',
    'live.watch.label': '{title} yayınını izle',
    'switch.to': "{title} yayınına geç",
    'switch.dismiss': 'Kapat',
    'link': 'Bağlantı',
    'link.label': '{title} sayfasının bağlantısı',
    'announce.added': 'Yeni program: {title}, {time}',
    'announce.updated': '{title} güncellendi',
    'duration.min': '{m} dk',
    'duration.h': '{h} sa',
    'duration.hmin': '{h} sa {m} dk',
    'upcoming.title': 'Yaklaşan programlar',
    'upcoming.empty': 'Takvimde yaklaşan program yok.',
    'calendar.all': 'Tüm takvim (ICS)',
    'calendar.one': 'Takvime ekle: {title}',
    'subscribe': 'Hatırlat',
    'subscribed': 'Hatırlatma açık',
    'subscribe.label': '{title} için hatırlatma',
    'status.live': 'Canlı',
    'status.cancelled': 'İptal edildi',
    'status.ended': 'Bitti',
    'announce.live': 'Şimdi canlı: {title}',
    'announce.reminder': '{title} {minutes} dakika sonra başlıyor',
    'announce.ended': '{title} sona erdi',
    'announce.cancelled': '{title} iptal edildi',
    'announce.changed': '{title} için zaman değişti: {time}',
    'announce.ends': '{title} artık {time} saatinde bitecek',
    'chat.title': 'Sohbet',
    'chat.none': 'Şu anda açık sohbet yok.',
    'chat.for': 'Sohbet: {title}',
    'chat.nickname': 'Takma ad',
    'chat.join': 'Katıl',
    'chat.message': 'Mesajınız',
    'chat.send': 'Gönder',
    'chat.closed': 'Sohbet şu anda kapalı.',
    'chat.pinned': 'Sabitlenmiş mesaj',
    'chat.slow': 'Yavaş mod: {seconds} saniyede bir mesaj.',
    'chat.timeout': 'Bir moderatör mesajlarınızı {until} saatine kadar durdurdu.',
    'chat.ban': 'Bir moderatör sizi bu sohbetten çıkardı.',
    'chat.lifted': 'Bir moderatör engeli kaldırdı; yeniden yazabilirsiniz.',
    'chat.log': 'Sohbet mesajları',
    'error.rate-limited': 'Çok hızlı yazıyorsunuz; birkaç saniye bekleyin.',
    'error.slow-mode': 'Yavaş mod açık; biraz bekleyin.',
    'error.too-long': 'Mesaj çok uzun.',
    'error.link': 'Sohbette bağlantı paylaşılamaz.',
    'error.banned-word': 'Lütfen nazik olalım: bu kelimeye izin verilmiyor.',
    'error.chat-closed': 'Sohbet şu anda kapalı.',
    'error.nickname': 'En az 2 görünür karakterli bir takma ad seçin.',
    'error.nickname-reserved': 'Bu takma ad moderatör ya da görevli adına benziyor; başka bir ad seçin.',
    'error.too-many-emoji': 'Bir mesajda en çok 24 emoji olabilir.',
    'error.timed-out': 'Mesajlarınız bir süreliğine durduruldu.',
    'error.banned': 'Bu sohbete yazamazsınız.',
    'error.empty': 'Önce bir mesaj yazın.',
    'error.generic': 'Mesaj gönderilemedi.',
    'connection.lost': 'Bağlantı koptu; yeniden bağlanılıyor…',
    'connection.back': 'Bağlantı yeniden kuruldu.',
  },
  en: {
    'site.title': 'Onair — Library broadcasts',
    'skip': 'Skip to content',
    'lang.label': 'Language',
    'notify.enable': 'Turn on notifications',
    'notify.on': 'Notifications on',
    'notify.denied': 'The browser did not allow notifications.',
    'live.now': 'Live now',
    'live.watch': 'Watch',
    'player.title': 'Broadcast',
    'player.none': 'Nothing is live right now. Subscribe to a programme and we will tell you when it starts.',
    'player.youtube': 'YouTube player: {title}',
    'player.video': 'Live broadcast: {title}',
    'player.waiting': 'This programme will play here when it goes live.',
    'player.starting': 'The broadcast is starting; the picture will be here in a moment…',
    'player.ended': '{title} has ended.',
    'player.unmute': 'Turn sound on',
    'player.mute': 'Turn sound off',
    'player.audioOnly': 'Audio only',
    'player.audioOnly.on': 'Audio only is on: no picture is loaded, so less data is used.',
    'player.audioOnly.off': 'The picture is back.',
    'source.label': 'Where to watch',
    'source.local': 'Watch on this site',
    'source.youtube': 'Watch on YouTube',
    'live.watching': 'Watching',
    'live.watch.label': 'Watch {title}',
    'switch.to': 'Switch to {title}',
    'switch.dismiss': 'Close',
    'link': 'Link',
    'link.label': 'Link to the page of {title}',
    'announce.added': 'New programme: {title}, {time}',
    'announce.updated': '{title} was updated',
    'duration.min': '{m} min',
    'duration.h': '{h} h',
    'duration.hmin': '{h} h {m} min',
    'upcoming.title': 'Coming up',
    'upcoming.empty': 'No programmes coming up.',
    'calendar.all': 'Whole calendar (ICS)',
    'calendar.one': 'Add to calendar: {title}',
    'subscribe': 'Remind me',
    'subscribed': 'Reminder on',
    'subscribe.label': 'Reminder for {title}',
    'status.live': 'Live',
    'status.cancelled': 'Cancelled',
    'status.ended': 'Ended',
    'announce.live': 'Live now: {title}',
    'announce.reminder': '{title} starts in {minutes} minutes',
    'announce.ended': '{title} has ended',
    'announce.cancelled': '{title} is cancelled',
    'announce.changed': 'New time for {title}: {time}',
    'announce.ends': '{title} now ends at {time}',
    'chat.title': 'Chat',
    'chat.none': 'No chat is open right now.',
    'chat.for': 'Chat: {title}',
    'chat.nickname': 'Nickname',
    'chat.join': 'Join',
    'chat.message': 'Your message',
    'chat.send': 'Send',
    'chat.closed': 'The chat is closed now.',
    'chat.pinned': 'Pinned message',
    'chat.slow': 'Slow mode: one message every {seconds} seconds.',
    'chat.timeout': 'A moderator paused your messages until {until}.',
    'chat.ban': 'A moderator removed you from this chat.',
    'chat.lifted': 'A moderator lifted the block; you can write again.',
    'chat.log': 'Chat messages',
    'error.rate-limited': 'You are writing too fast; wait a few seconds.',
    'error.slow-mode': 'Slow mode is on; wait a little.',
    'error.too-long': 'The message is too long.',
    'error.link': 'Links cannot be shared in the chat.',
    'error.banned-word': 'Please keep it friendly: that word is not allowed.',
    'error.chat-closed': 'The chat is closed now.',
    'error.nickname': 'Choose a nickname of at least 2 visible characters.',
    'error.nickname-reserved': 'That nickname looks like a moderator\'s or staff member\'s; choose another.',
    'error.too-many-emoji': 'At most 24 emoji in one message.',
    'error.timed-out': 'Your messages are paused for a while.',
    'error.banned': 'You cannot write in this chat.',
    'error.empty': 'Write a message first.',
    'error.generic': 'The message could not be sent.',
    'connection.lost': 'Connection lost; reconnecting…',
    'connection.back': 'Connected again.',
  },
};

/** @typedef {keyof typeof STRINGS['en']} Key */

const STORAGE_KEY = 'onair.lang';

/** @returns {Lang} */
export function initialLang() {
  const saved = safeGet(STORAGE_KEY);
  if (saved === 'tr' || saved === 'en') return saved;
  const prefs = navigator.languages ?? [navigator.language];
  const first = prefs.find((l) => /^(tr|en)\b/i.test(l));
  return first && /^en/i.test(first) ? 'en' : 'tr';
}

/** @param {string} key */
function safeGet(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** @param {Lang} lang */
export function rememberLang(lang) {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
}

/**
 * @param {Lang} lang
 * @param {Key} key
 * @param {Record<string, string | number>} [vars]
 */
export function t(lang, key, vars = {}) {
  const text = STRINGS[lang][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

/**
 * Fills every element with data-i18n (text) or data-i18n-label (aria-label) in `root`.
 * @param {ParentNode} root
 * @param {Lang} lang
 */
export function applyStatic(root, lang) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(lang, /** @type {Key} */ (el.getAttribute('data-i18n')));
  }
  for (const el of root.querySelectorAll('[data-i18n-label]')) {
    el.setAttribute('aria-label', t(lang, /** @type {Key} */ (el.getAttribute('data-i18n-label'))));
  }
}

/**
 * A programme's title in `lang`, falling back to the other language.
 * @param {{ tr: string; en: string }} title
 * @param {Lang} lang
 */
export function localized(title, lang) {
  return (lang === 'tr' ? title.tr || title.en : title.en || title.tr) ?? '';
}

/**
 * A date and time in the viewer's own time zone, in the page's language.
 * @param {string} iso
 * @param {Lang} lang
 */
export function localTime(iso, lang) {
  return new Intl.DateTimeFormat(lang === 'tr' ? 'tr-TR' : 'en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
}

/**
 * When a broadcast is on, in the viewer's own time zone, naming the zone:
 * "Cumartesi 5 Aralık 12:00–12:30 (GMT+3)"; an end on another day gets its date too.
 * @param {string} startIso @param {string} endIso @param {Lang} lang
 */
export function timeRange(startIso, endIso, lang) {
  const locale = lang === 'tr' ? 'tr-TR' : 'en-GB';
  const start = new Date(startIso);
  const end = new Date(endIso);
  const day = new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long' });
  const clock = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  const zone = new Intl.DateTimeFormat(locale, { timeZoneName: 'short' }).formatToParts(start).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const sameDay = day.format(start) === day.format(end);
  const endText = sameDay ? clock.format(end) : `${day.format(end)} ${clock.format(end)}`;
  return `${day.format(start)} ${clock.format(start)}–${endText}${zone ? ` (${zone})` : ''}`;
}

/**
 * A duration for people: "30 dk", "1 sa 30 dk".
 * @param {number} ms @param {Lang} lang
 */
export function duration(ms, lang) {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return t(lang, 'duration.min', { m });
  return t(lang, m === 0 ? 'duration.h' : 'duration.hmin', { h, m });
}

/**
 * t() and applyStatic() over a page's own strings (the moderator console keeps its own
 * table), sharing this module's language choice, English fallback and {name} filling.
 * Elements carry data-t (text), data-t-label (aria-label) or data-t-placeholder.
 * @template {Record<string, string>} T
 * @param {{ tr: T, en: T }} table
 */
export function translator(table) {
  /** @param {Lang} lang @param {keyof T & string} key @param {Record<string, string | number>} [vars] */
  const tt = (lang, key, vars = {}) => (table[lang][key] ?? table.en[key] ?? key).replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
  /** @param {ParentNode} root @param {Lang} lang */
  const apply = (root, lang) => {
    for (const el of root.querySelectorAll('[data-t]')) el.textContent = tt(lang, /** @type {keyof T & string} */ (el.getAttribute('data-t')));
    for (const el of root.querySelectorAll('[data-t-label]')) el.setAttribute('aria-label', tt(lang, /** @type {keyof T & string} */ (el.getAttribute('data-t-label'))));
  };
  return { t: tt, applyStatic: apply };
}
