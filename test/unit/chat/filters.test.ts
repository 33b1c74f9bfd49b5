// The chat's pure parts: text hygiene and each filter's allow() (its rate limits are the
// shared limiter's, tested in test/unit/shared/rate-limit.test.ts).
import { expect } from 'chai';
import {
  bannedWordsFilter,
  buildFilters,
  countEmoji,
  emojiFilter,
  looksLikeStaff,
  MAX_EMOJI,
  linkFilter,
  neutraliseMessage,
  runFilters,
  sanitiseNickname,
} from '../../../src/chat/index.js';

describe('chat: text hygiene', () => {
  it('strips bidi overrides, invisible characters and controls from nicknames', () => {
    expect(sanitiseNickname('\u202Egnp.exe')).to.equal('gnp.exe');
    expect(sanitiseNickname('A\u200Bl\u200Di\u2066')).to.equal('Ali');
    expect(sanitiseNickname('  Ay   şe\n')).to.equal('Ay şe');
    expect(sanitiseNickname('\u200B\u200B\u3164')).to.equal(undefined);
    expect(sanitiseNickname('x')).to.equal(undefined);
    expect(Array.from(sanitiseNickname('ç'.repeat(60)) ?? '')).to.have.length(24);
    expect(sanitiseNickname('Ｆｕｌｌｗｉｄｔｈ')).to.equal('Fullwidth');
  });

  it('neutralises messages but keeps emoji joiners, and tames zalgo and blank lines', () => {
    expect(neutraliseMessage('a\u202Eb\u200Bc')).to.equal('abc');
    expect(neutraliseMessage('👨\u200D👩\u200D👧')).to.equal('👨\u200D👩\u200D👧');
    expect(neutraliseMessage('z\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308').normalize('NFD')).to.have.length.at.most(5);
    expect(neutraliseMessage('a\n\n\n\n\nb')).to.equal('a\n\nb');
    expect(neutraliseMessage('<b>hi</b>')).to.equal('<b>hi</b>');
  });
});

describe('chat: filters', () => {
  const filters = buildFilters({ maxLength: 20, allowLinks: false, bannedWords: ['kaka', 'çirkin*'] });
  const verdict = (text: string): string => {
    const v = runFilters(filters, text);
    return v.allowed ? 'ok' : v.code;
  };

  it('refuses empty and too long messages, counting characters not UTF-16 units', () => {
    expect(verdict('')).to.equal('empty');
    expect(verdict('x'.repeat(21))).to.equal('too-long');
    expect(verdict('😀'.repeat(20))).to.equal('ok');
  });

  it('blocks links in their many disguises, and not ordinary text', () => {
    for (const t of ['https://evil.example', 'www.x.org', 'bit.ly/abc', 'javascript:alert(1)', 'data:text/html,x', 'evil . com/x', 'evil(dot)com', 'e\u200Bvil.com', 'site.com.tr']) {
      expect(linkFilter().allow(t).allowed, t).to.equal(false);
    }
    for (const t of ['Saat 3.30 da', 'e.g. this', 'Merhaba... nasılsın', 'v1.2 güncel', 'Bitti. Sonra görüşürüz']) {
      expect(linkFilter().allow(t).allowed, t).to.equal(true);
    }
  });

  it('allows links when configured', () => {
    const open = buildFilters({ maxLength: 100, allowLinks: true, bannedWords: [] });
    expect(runFilters(open, 'see https://library.example').allowed).to.equal(true);
  });

  it('catches Turkish words with suffixes, folded letters and leetspeak; English words whole only', () => {
    const f = bannedWordsFilter();
    for (const t of ['salaksın sen', 'SALAK', 'şerefsiz', 'serefsiz', 'S4LAK', 'saaaalak', 'F*ck'.replace('*', 'u'), 'you IDIOT', 'İDİOT']) {
      expect(f.allow(t).allowed, t).to.equal(false);
    }
    for (const t of ['the cockpit', 'class assessment', 'Malatya', 'götürmek', 'passion', 'Scunthorpe']) {
      expect(f.allow(t).allowed, t).to.equal(true);
    }
  });

  it('adds configured words: whole, or as a prefix when they end in *', () => {
    expect(verdict('kaka')).to.equal('banned-word');
    expect(verdict('kakao')).to.equal('ok');
    expect(verdict('çirkinsin')).to.equal('banned-word');
    expect(verdict('cirkin')).to.equal('banned-word');
  });
});

describe('chat: text an abuse campaign sends', () => {
  it('refuses invisible nicknames: Braille blank, tag characters, fillers, variation selectors', () => {
    for (const n of ['\u2800\u2800\u2800', '\u{E0041}\u{E0042}\u{E0043}', 'a\u2800', '\u3164\uFFA0\u115F', '\uFE0F\uFE0F\u{1D159}']) {
      expect(sanitiseNickname(n), JSON.stringify(n)).to.equal(undefined);
    }
    expect(sanitiseNickname('Ali\u{E0041}\u2800')).to.equal('Ali');
  });

  it('takes nicknames that pass for staff for what they are, through homoglyphs, accents, fullwidth and digits', () => {
    for (const n of ['mоd1', 'Moderatör', 'MODERATOR', 'ｍｏｄ', 'm0d', 'Mod_2', 'Αdmin', 'Kütüphane Görevlisi', 'onair', 'Yetkili Ayşe']) {
      expect(looksLikeStaff(n), n).to.equal(true);
    }
    for (const n of ['Badminton', 'Modern', 'Moda', 'Ayşe', 'Deniz', 'Ali 10', 'Kitap Kurdu']) expect(looksLikeStaff(n), n).to.equal(false);
  });

  it('strips lone surrogates, and stray tag characters outside a flag', () => {
    expect(neutraliseMessage('a\uD800b\uDC00c')).to.equal('abc');
    expect(sanitiseNickname('Al\uD83Di')).to.equal('Ali');
    expect(neutraliseMessage('hi\u{E0068}\u{E0069}')).to.equal('hi');
    const england = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}';
    expect(neutraliseMessage(`go ${england}`)).to.equal(`go ${england}`);
  });

  it('folds with NFKC before the filters: a fullwidth link or banned word is caught', () => {
    const filters = buildFilters({ maxLength: 300, allowLinks: false, bannedWords: ['kaka'] });
    const code = (t: string): string => {
      const v = runFilters(filters, t);
      return v.allowed ? 'ok' : v.code;
    };
    expect(code('ｅｖｉｌ．ｃｏｍ')).to.equal('link');
    expect(code('ｈｔｔｐｓ：／／ｘ．ｏｒｇ')).to.equal('link');
    expect(code('ｋａｋａ')).to.equal('banned-word');
    expect(code('Ｍｅｒｈａｂａ')).to.equal('ok');
  });

  it(`caps emoji at ${MAX_EMOJI} a message, counting a family or a flag once`, () => {
    expect(countEmoji('👨\u200D👩\u200D👧 🇹🇷 hi 😀')).to.equal(3);
    expect(emojiFilter().allow('😀'.repeat(MAX_EMOJI)).allowed).to.equal(true);
    const v = emojiFilter().allow('😀'.repeat(300));
    expect(v.allowed ? 'ok' : v.code).to.equal('too-many-emoji');
  });

  it('counts graphemes, not pictographic code points, at the limit (families and flags hold several)', () => {
    const family = '👨\u200D👩\u200D👧';
    for (const [emoji, allowed] of [[family, true], ['🇹🇷', true]] as const) {
      expect(emojiFilter().allow(emoji.repeat(MAX_EMOJI)).allowed, emoji).to.equal(allowed);
      expect(emojiFilter().allow(emoji.repeat(MAX_EMOJI + 1)).allowed, emoji).to.equal(false);
    }
    // Asked only whether the count passes a bound, it may answer with the code points when those are within it.
    expect(countEmoji('😀 hi 😀', 5)).to.equal(2);
    expect(countEmoji(family.repeat(3), 5)).to.equal(3);
  });
});
