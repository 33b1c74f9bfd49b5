// The words of every problem `onair validate`, /api/status, the log and the control room
// report about a schedule file, in English and Turkish: part of the one catalogue
// (messages.ts spreads these into it; nothing reads this table directly). English texts
// are the ones tests and people have always seen; the Turkish ones say the same.
// Keys, values and YAML examples stay as written in the file, in both languages.

/** Placeholders as an entry receives them: already in the entry's language. */
export type Resolved = Record<string, string | number>;
export type Entry = { en: string | ((p: Resolved) => string); tr: string | ((p: Resolved) => string) };

export const DIAGNOSTIC_MESSAGES = {
  // Values and dates (normalize.ts)
  notADate: {
    en: (p) => `${p.text} is not a date that exists; check the month and day (YYYY-MM-DD)`,
    tr: (p) => `${p.text} diye bir tarih yok; ayı ve günü kontrol edin (YYYY-AA-GG)`,
  },
  notATime: {
    en: (p) => `"${p.text}" is not a time of day; write HH:mm between "00:00" and "23:59"`,
    tr: (p) => `"${p.text}" geçerli bir saat değil; "00:00" ile "23:59" arasında SS:dd biçiminde yazın`,
  },
  notADuration: {
    en: (p) => `${p.what} "${p.text}" is not a duration; write e.g. 45m, 1h30m or PT45M`,
    tr: (p) => `${p.what} "${p.text}" bir süre değil; örneğin 45m, 1h30m ya da PT45M yazın`,
  },
  durationNotPositive: {
    en: (p) => `${p.what} must be longer than zero; write e.g. 45m`,
    tr: (p) => `${p.what} sıfırdan uzun olmalı; örneğin 45m yazın`,
  },
  durationTooLong: {
    en: (p) => `duration ${p.text} is longer than the ${p.max} a programme may last; split it or shorten it`,
    tr: (p) => `${p.text} süresi bir programın sürebileceği en uzun süreden (${p.max}) uzun; programı bölün ya da kısaltın`,
  },
  reminderWord: { en: 'reminder', tr: 'hatırlatma' },
  textNoLanguage: {
    en: 'give the text in at least one language: { tr: ..., en: ... }',
    tr: 'metni en az bir dilde verin: { tr: ..., en: ... }',
  },
  // Media files
  mediaOutside: {
    en: (p) => `"${p.written}" lies outside the media folder ${p.root}; copy the file into it and write its path relative to that folder`,
    tr: (p) => `"${p.written}" medya klasörünün (${p.root}) dışında; dosyayı bu klasöre kopyalayıp yolunu klasöre göre yazın`,
  },
  mediaMissing: {
    en: (p) => `file "${p.written}" does not exist under the media folder${p.hint}`,
    tr: (p) => `"${p.written}" dosyası medya klasöründe yok${p.hint}`,
  },
  mediaHintRelative: {
    en: (p) => `; paths are relative to the media folder, so write "${p.stripped}"`,
    tr: (p) => `; yollar medya klasörüne göre yazılır, "${p.stripped}" yazın`,
  },
  mediaHintSpelling: {
    en: (p) => `; check the spelling, or copy the file into ${p.root}`,
    tr: (p) => `; yazımı kontrol edin ya da dosyayı ${p.root} klasörüne kopyalayın`,
  },
  mediaUnreadable: {
    en: (p) => `file "${p.written}" cannot be read; check its permissions`,
    tr: (p) => `"${p.written}" dosyası okunamıyor; izinlerini kontrol edin`,
  },
  mediaLinkOutside: {
    en: (p) => `"${p.written}" is a link to a file outside the media folder; copy the file itself into ${p.root}`,
    tr: (p) => `"${p.written}" medya klasörü dışındaki bir dosyaya bağlantı; dosyanın kendisini ${p.root} klasörüne kopyalayın`,
  },
  mediaIsFolder: {
    en: (p) => `"${p.written}" is a folder, not a file; name a video file`,
    tr: (p) => `"${p.written}" bir klasör, dosya değil; bir video dosyası yazın`,
  },
  // Sources and destinations
  sourceNone: {
    en: 'source needs one of file, playlist, url or testPattern (e.g. source: { testPattern: {} })',
    tr: 'source için file, playlist, url ya da testPattern anahtarlarından biri gerekli (örn. source: { testPattern: {} })',
  },
  sourceSeveral: {
    en: (p) => `source has ${p.kinds}; give exactly one of them`,
    tr: (p) => `source içinde ${p.kinds} birlikte var; yalnızca birini verin`,
  },
  and: { en: ' and ', tr: ' ve ' },
  or: { en: ' or ', tr: ' ya da ' },
  loopIgnored: {
    en: 'loop applies only to file and playlist; it is ignored here',
    tr: 'loop yalnızca file ve playlist için geçerli; burada dikkate alınmıyor',
  },
  notStreamUrl: {
    en: (p) => `"${p.url}" is not a stream URL; write one starting with http://, https://, rtmp://, rtmps://, rtsp:// or srt://`,
    tr: (p) => `"${p.url}" bir yayın adresi değil; http://, https://, rtmp://, rtmps://, rtsp:// ya da srt:// ile başlayan bir adres yazın`,
  },
  destinationTwice: {
    en: (p) => `destination "${p.name}" is listed twice; the second is ignored`,
    tr: (p) => `"${p.name}" hedefi iki kez yazılmış; ikincisi dikkate alınmıyor`,
  },
  destinationUnknown: {
    en: (p) => `destination "${p.name}" is not defined in the configuration; ${p.fix}`,
    tr: (p) => `"${p.name}" hedefi yapılandırmada tanımlı değil; ${p.fix}`,
  },
  definedDestinations: {
    en: (p) => `defined destinations are ${p.list || '(none)'}`,
    tr: (p) => `tanımlı hedefler: ${p.list || '(yok)'}`,
  },
  didYouMean: {
    en: (p) => `did you mean "${p.guess}"?`,
    tr: (p) => `şunu mu demek istediniz: "${p.guess}"?`,
  },
  // Recurrence
  recurrenceNone: {
    en: 'recurrence needs one of once, weekly, monthly, cron or dates (e.g. weekly: { days: [sat], at: "11:00" })',
    tr: 'recurrence için once, weekly, monthly, cron ya da dates anahtarlarından biri gerekli (örn. weekly: { days: [sat], at: "11:00" })',
  },
  recurrenceSeveral: {
    en: (p) => `recurrence has ${p.kinds}; give exactly one of them (split into two programmes if both are meant)`,
    tr: (p) => `recurrence içinde ${p.kinds} birlikte var; yalnızca birini verin (ikisi de isteniyorsa iki programa bölün)`,
  },
  monthlyBoth: {
    en: 'monthly takes either day (e.g. day: 15) or nth and weekday (e.g. nth: first, weekday: sat), not both',
    tr: 'monthly ya day (örn. day: 15) ya da nth ile weekday (örn. nth: first, weekday: sat) alır, ikisini birden değil',
  },
  monthlyNeeds: {
    en: 'monthly needs day (e.g. day: 15 or day: last) or nth and weekday (e.g. nth: first, weekday: sat)',
    tr: 'monthly için day (örn. day: 15 ya da day: last) ya da nth ile weekday (örn. nth: first, weekday: sat) gerekli',
  },
  monthDayMissing: {
    en: (p) => `months without a day ${p.day} have no broadcast; use day: last for the month's last day`,
    tr: (p) => `${p.day}. günü olmayan aylarda yayın olmaz; ayın son günü için day: last yazın`,
  },
  nthValues: {
    en: 'nth must be first, second, third, fourth, fifth or last (or 1 to 5, -1 for last)',
    tr: 'nth first, second, third, fourth, fifth ya da last olmalı (ya da 1–5; son için -1)',
  },
  cronInvalid: {
    en: (p) => `cron "${p.expression}" is not valid: ${p.why}; write minute hour day-of-month month day-of-week, e.g. "0 10 * * mon-fri"`,
    // node-cron says why in English only: Turkish staff get the form to write instead.
    tr: (p) => `cron "${p.expression}" geçerli değil; sırasıyla dakika, saat, ayın günü, ay ve haftanın gününü yazın, örn. "0 10 * * mon-fri"`,
  },
  cronTooOften: {
    en: (p) => `cron "${p.expression}" starts ${p.perDay} broadcasts a day; at most one a minute is allowed (use 0 as the seconds field, or leave it out)`,
    tr: (p) => `cron "${p.expression}" günde ${p.perDay} yayın başlatıyor; en fazla dakikada bir yayına izin var (saniye alanına 0 yazın ya da o alanı kaldırın)`,
  },
  timezoneUnknown: {
    en: (p) => `unknown timezone "${p.zone}"; ${p.fix}`,
    tr: (p) => `bilinmeyen saat dilimi "${p.zone}"; ${p.fix}`,
  },
  timezoneHint: {
    en: 'write an IANA name such as Europe/Istanbul',
    tr: 'Europe/Istanbul gibi bir IANA adı yazın',
  },
  untilBeforeFrom: {
    en: (p) => `until ${p.until} is before from ${p.from}; the programme would never air — check the years and months`,
    tr: (p) => `until (${p.until}) from tarihinden (${p.from}) önce; program hiç yayınlanmaz — yılları ve ayları kontrol edin`,
  },
  untilOrCount: { en: 'give either until or count, not both', tr: 'until ya da count verin, ikisini birden değil' },
  countNeedsFrom: {
    en: 'count needs from (the date the counting starts), e.g. from: 2026-12-05',
    tr: 'count için from (saymanın başladığı tarih) gerekli, örn. from: 2026-12-05',
  },
  youtubeTitleLong: {
    en: (p) => `${p.key} is ${p.count} characters long and YouTube takes at most ${p.max}: the YouTube event's title will end at "…${p.text}"; shorten the title to ${p.max} characters or fewer`,
    tr: (p) => `${p.key} ${p.count} karakter, YouTube en çok ${p.max} karakter alıyor: YouTube'daki yayının başlığı "…${p.text}" ile bitecek; başlığı ${p.max} karaktere ya da daha kısaya indirin`,
  },
  youtubeTitleAngle: {
    en: (p) => `${p.key} holds < or >, which YouTube does not take in a title: they will be left out of the YouTube event's title; write the title without them`,
    tr: (p) => `${p.key} < ya da > içeriyor; YouTube bunları başlıkta kabul etmiyor: YouTube'daki yayının başlığında yer almayacaklar; başlığı bu karakterler olmadan yazın`,
  },
  madeForKids: {
    en: 'a programme for children on YouTube should say youtube: { madeForKids: true } (YouTube requires it to be declared)',
    tr: "YouTube'daki bir çocuk programı youtube: { madeForKids: true } belirtmeli (YouTube bunun bildirilmesini şart koşuyor)",
  },
  overrideNoop: {
    en: 'this override changes nothing; add at, duration, title, description, source or cancelled: true',
    tr: 'bu override hiçbir şeyi değiştirmiyor; at, duration, title, description, source ya da cancelled: true ekleyin',
  },
  overrideNotADate: {
    en: (p) => `${p.date} is not a date this programme airs on, so the override would never apply; use a date the recurrence gives${p.near}`,
    tr: (p) => `${p.date} bu programın yayın günlerinden biri değil, bu yüzden override hiç uygulanmaz; recurrence kuralının verdiği bir tarih kullanın${p.near}`,
  },
  overrideAmbiguous: {
    en: (p) => `${p.date} has ${p.n} broadcasts, so "at" cannot say which one moves; use dates: for that day instead`,
    tr: (p) => `${p.date} gününde ${p.n} yayın var, "at" hangisinin kayacağını söyleyemez; o gün için dates: kullanın`,
  },
  exceptNoop: {
    en: (p) => `${p.date} is not a date this programme airs on, so excepting it changes nothing${p.near}`,
    tr: (p) => `${p.date} bu programın yayın günlerinden biri değil, hariç tutmak bir şey değiştirmez${p.near}`,
  },
  nearby: { en: (p) => ` (nearby: ${p.dates})`, tr: (p) => ` (yakındaki tarihler: ${p.dates})` },
  // Schema (zod-issues.ts)
  unknownKey: {
    en: (p) => `unknown key "${p.key}"${p.where}; ${p.fix}`,
    tr: (p) => `bilinmeyen anahtar "${p.key}"${p.where}; ${p.fix}`,
  },
  inWhat: { en: (p) => ` in ${p.what}`, tr: (p) => ` (${p.what} içinde)` },
  allowedKeys: { en: (p) => `allowed keys are ${p.list}`, tr: (p) => `geçerli anahtarlar: ${p.list}` },
  theProgramme: { en: 'the programme', tr: 'program' },
  missingKey: { en: (p) => `missing ${p.what}${p.hint}`, tr: (p) => `${p.what} eksik${p.hint}` },
  wrongType: {
    en: (p) => `${p.what} must be ${p.expected}, not ${p.value}${p.hint}`,
    tr: (p) => `${p.what} ${p.expected} olmalı, ${p.value} değil${p.hint}`,
  },
  valueNotAllowed: {
    en: (p) => `${p.what}: ${p.value} is not allowed; ${p.fix}`,
    tr: (p) => `${p.what}: ${p.value} geçerli değil; ${p.fix}`,
  },
  writeOneOf: { en: (p) => `write one of ${p.list}`, tr: (p) => `şunlardan birini yazın: ${p.list}` },
  badKey: { en: (p) => `${p.what}: the key ${p.detail}`, tr: (p) => `${p.what}: geçersiz bir anahtar var; anahtarları kontrol edin` },
  tooFewItems: { en: (p) => `${p.what} must list at least ${p.min} item(s)`, tr: (p) => `${p.what} en az ${p.min} öğe içermeli` },
  mustNotBeEmpty: { en: (p) => `${p.what} must not be empty`, tr: (p) => `${p.what} boş olmamalı` },
  atLeast: { en: (p) => `${p.what} must be at least ${p.min}, not ${p.value}`, tr: (p) => `${p.what} en az ${p.min} olmalı, ${p.value} değil` },
  atMost: { en: (p) => `${p.what} must be at most ${p.max}`, tr: (p) => `${p.what} en fazla ${p.max} olmalı` },
  textTooLong: {
    en: (p) => `${p.what} is ${p.count} characters long; at most ${p.max} are allowed, so shorten it`,
    tr: (p) => `${p.what} ${p.count} karakter uzunluğunda; en fazla ${p.max} karaktere izin var, kısaltın`,
  },
  tooManyItems: {
    en: (p) => `${p.what} lists ${p.count} items; at most ${p.max} are allowed`,
    tr: (p) => `${p.what} ${p.count} öğe içeriyor; en fazla ${p.max} öğeye izin var`,
  },
  otherIssue: { en: (p) => `${p.what} ${p.detail}`, tr: (p) => `${p.what}: geçersiz değer; biçimini kontrol edin` },
  example: { en: (p) => ` (e.g. ${p.example})`, tr: (p) => ` (örn. ${p.example})` },
  valueNothing: { en: 'nothing', tr: 'boş değer' },
  valueList: { en: 'a list', tr: 'bir liste' },
  valueMapping: { en: 'a mapping', tr: 'bir eşleme' },
  valueText: { en: (p) => `the text "${p.text}"`, tr: (p) => `"${p.text}" metni` },
  valueNumber: { en: (p) => `the number ${p.value}`, tr: (p) => `${p.value} sayısı` },
  valueOther: { en: (p) => `the value ${p.value}`, tr: (p) => `${p.value} değeri` },
  typeString: { en: 'a text', tr: 'metin' },
  typeNumber: { en: 'a number', tr: 'sayı' },
  typeInt: { en: 'a whole number', tr: 'tam sayı' },
  typeBoolean: { en: 'true or false', tr: 'true ya da false' },
  typeObject: { en: 'a mapping (key: value lines, or { ... })', tr: 'eşleme (anahtar: değer satırları ya da { ... })' },
  typeArray: { en: 'a list ([a, b] or lines starting with -)', tr: 'liste ([a, b] ya da - ile başlayan satırlar)' },
  // YAML (yaml-source.ts)
  tooManyDocuments: {
    en: (p) => `this file holds more than ${p.max} YAML documents (sections after ---); split it into several files`,
    tr: (p) => `bu dosyada ${p.max} YAML belgesinden (--- ile başlayan bölümler) fazlası var; birkaç dosyaya bölün`,
  },
  tooManyProgrammes: {
    en: (p) => `this file holds more than ${p.max} programmes; split it into several files`,
    tr: (p) => `bu dosyada ${p.max} programdan fazlası var; birkaç dosyaya bölün`,
  },
  cannotReadYaml: { en: (p) => `cannot read the file as YAML: ${p.detail}`, tr: (p) => `dosya YAML olarak okunamıyor: ${p.detail}` },
  cannotReadDocument: { en: (p) => `cannot read this document: ${p.detail}`, tr: (p) => `bu belge okunamıyor: ${p.detail}` },
  parserFailed: { en: (p) => `${p.detail}`, tr: 'YAML okuyucusu bir hata verdi; dosyanın biçimini kontrol edin' },
  tooManyAliases: {
    en: (p) => `this document expands its aliases (*name) more than ${p.max} times, which could exhaust the server's memory; write the values out, or refer to each anchor (&name) fewer times`,
    tr: (p) => `bu belge takma adlarını (*ad) ${p.max} kereden fazla açıyor, bu da sunucunun belleğini tüketebilir; değerleri açıkça yazın ya da her çapaya (&ad) daha az başvurun`,
  },
  tooDeep: {
    en: 'lists or mappings are nested too deeply; a programme needs only a few levels',
    tr: 'listeler ya da eşlemeler çok derin iç içe; bir program için birkaç düzey yeter',
  },
  yamlTooDeep: { en: (p) => `YAML syntax: ${p.detail}`, tr: (p) => `YAML sözdizimi: ${p.detail}` },
  yamlDuplicateKey: {
    en: (p) => `${p.detail}; each key may appear once in a mapping — remove or rename one`,
    tr: 'aynı anahtar bu eşlemede iki kez var; her anahtar bir eşlemede bir kez yer alabilir — birini silin ya da adını değiştirin',
  },
  yamlTab: {
    en: (p) => `${p.detail}; indent with spaces, not tabs`,
    tr: 'girintide sekme (Tab) karakteri var; girintiyi sekmeyle değil boşlukla yapın',
  },
  yamlStructure: {
    en: (p) => `YAML syntax: ${p.detail}; check the indentation and that quotes and brackets are closed`,
    tr: (p) => `YAML sözdizimi hatası (${p.code}); girintiyi ve tırnak ile parantezlerin kapandığını kontrol edin`,
  },
  yamlOther: {
    en: (p) => `YAML syntax: ${p.detail}`,
    tr: (p) => `YAML sözdizimi hatası (${p.code}); bu satırı kontrol edin`,
  },
  yamlWarning: { en: (p) => `${p.detail}`, tr: (p) => `YAML uyarısı (${p.code}); bu satırı kontrol edin` },
  // Across programmes and files (validate-file.ts, conflicts.ts, load.ts)
  idUsedAt: {
    en: (p) => `id "${p.id}" is already used at ${p.at}; give each programme its own id`,
    tr: (p) => `"${p.id}" kimliği zaten ${p.at} konumunda kullanılıyor; her programa kendi kimliğini verin`,
  },
  idUsedBy: {
    en: (p) => `id "${p.id}" is already used by ${p.at}; give each programme its own id`,
    tr: (p) => `"${p.id}" kimliği zaten ${p.at} konumunda kullanılıyor; her programa kendi kimliğini verin`,
  },
  overlapSame: {
    en: (p) => `two broadcasts of "${p.id}" overlap on destination ${p.dest}: ${p.first} and ${p.second} (${p.zone})${p.more}; the duration ${p.duration} is longer than the time between them`,
    tr: (p) => `"${p.id}" programının iki yayını ${p.dest} hedefinde çakışıyor: ${p.first} ve ${p.second} (${p.zone})${p.more}; ${p.duration} süresi iki yayın arasındaki zamandan uzun`,
  },
  overlapOther: {
    en: (p) => `"${p.id}" overlaps "${p.other}" (${p.at}) on destination ${p.dest}: ${p.pair}${p.more}; move one of them or use another destination`,
    tr: (p) => `"${p.id}", "${p.other}" (${p.at}) ile ${p.dest} hedefinde çakışıyor: ${p.pair}${p.more}; birini kaydırın ya da başka bir hedef kullanın`,
  },
  overlapPairOneZone: { en: (p) => `${p.a} and ${p.b} (${p.zone})`, tr: (p) => `${p.a} ve ${p.b} (${p.zone})` },
  overlapPairTwoZones: { en: (p) => `${p.a} (${p.zoneA}) and ${p.b} (${p.zoneB})`, tr: (p) => `${p.a} (${p.zoneA}) ve ${p.b} (${p.zoneB})` },
  overlapMore: {
    en: (p) => ` (and ${p.atLeast ? 'at least ' : ''}${p.n} more time${p.n === 1 ? '' : 's'})`,
    tr: (p) => ` (ve ${p.atLeast ? 'en az ' : ''}${p.n} kez daha)`,
  },
  overlapsUnlisted: {
    en: (p) => `${p.atLeast ? 'at least ' : ''}${p.count} more overlapping pair${p.n === 1 ? '' : 's'} of broadcasts on destination ${p.dest} are not listed; fix the overlaps above and check again`,
    tr: (p) => `${p.dest} hedefinde çakışan ${p.atLeast ? 'en az ' : ''}${p.count} yayın çifti daha listelenmedi; yukarıdaki çakışmaları düzeltip yeniden denetleyin`,
  },
  overlapsUncounted: {
    en: 'too many broadcasts overlap to count them all; fix the overlaps above and check again',
    tr: 'sayılamayacak kadar çok yayın çakışıyor; yukarıdaki çakışmaları düzeltip yeniden denetleyin',
  },
  tooManyBroadcasts: {
    en: (p) => `this file makes more than ${p.max} broadcasts in the next ${p.days} days; repeat less often or split it into several files`,
    tr: (p) => `bu dosya önümüzdeki ${p.days} günde ${p.max} yayından fazlasını oluşturuyor; daha seyrek tekrarlayın ya da birkaç dosyaya bölün`,
  },
  // Reading the file (read-file.ts, schedule-service.ts)
  fileLinkOutside: {
    en: 'this is a link to a file outside the schedules folder; it is not read. Copy the file into the schedules folder instead',
    tr: 'bu, program klasörü dışındaki bir dosyaya bağlantı; okunmuyor. Dosyanın kendisini program klasörüne kopyalayın',
  },
  fileGone: { en: 'the file is gone', tr: 'dosya artık yok' },
  fileUnreadable: { en: (p) => `cannot read the file (${p.code})`, tr: (p) => `dosya okunamıyor (${p.code})` },
  fileUnreadablePermissions: {
    en: (p) => `cannot read the file (${p.code}); check its permissions`,
    tr: (p) => `dosya okunamıyor (${p.code}); izinlerini kontrol edin`,
  },
  fileLinkChanged: {
    en: 'this link changed while it was read; save the file again',
    tr: 'bu bağlantı okunurken değişti; dosyayı yeniden kaydedin',
  },
  fileNotRegular: {
    en: (p) => `this is ${p.kind}, not a schedule file; only regular files are read — remove it from the schedules folder`,
    tr: (p) => `bu bir ${p.kind}, program dosyası değil; yalnızca normal dosyalar okunur — program klasöründen kaldırın`,
  },
  kindFifo: { en: 'a named pipe (FIFO)', tr: 'adlandırılmış boru (FIFO)' },
  kindDevice: { en: 'a device', tr: 'aygıt' },
  kindSocket: { en: 'a socket', tr: 'soket' },
  kindFolder: { en: 'a folder', tr: 'klasör' },
  kindOther: { en: 'not a regular file', tr: 'normal olmayan dosya' },
  fileTooLargeSize: {
    en: (p) => `the file is ${p.size}, larger than the ${p.max} a schedule file may be; split it into several files`,
    tr: (p) => `dosya ${p.size}; bir program dosyası en fazla ${p.max} olabilir; birkaç dosyaya bölün`,
  },
  fileTooLarge: {
    en: (p) => `the file is larger than the ${p.max} a schedule file may be; split it into several files`,
    tr: (p) => `dosya, bir program dosyasının olabileceği en büyük boyuttan (${p.max}) büyük; birkaç dosyaya bölün`,
  },
  checkTimedOut: {
    en: (p) => `checking this file took longer than ${p.seconds} s, so it was abandoned; split it into smaller files or repeat programmes less often`,
    tr: (p) => `bu dosyanın denetimi ${p.seconds} saniyeden uzun sürdüğü için bırakıldı; daha küçük dosyalara bölün ya da programları daha seyrek tekrarlayın`,
  },
  checkerConfused: { en: 'unexpected answer from the schedule checker', tr: 'program denetleyicisinden beklenmeyen bir yanıt geldi' },
  couldNotCheck: {
    en: (p) => `onair could not check this file (${p.detail}); please report it`,
    tr: (p) => `onair bu dosyayı denetleyemedi (${p.detail}); lütfen bildirin`,
  },
} satisfies Record<string, Entry>;
