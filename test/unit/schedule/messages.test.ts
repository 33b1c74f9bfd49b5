// The one catalogue of what staff read about schedule files: every message exists in
// Turkish, and the Turkish is not English left untranslated.
import { expect } from 'chai';
import { MESSAGE_KEYS, scheduleMessage } from '../../../src/schedule/messages.js';
import { englishWords } from '../../support/english-words.js';

describe('the schedule messages catalogue (TR/EN)', () => {
  // Every placeholder the catalogue uses, filled with a neutral value: only its own words are judged.
  const PLACEHOLDERS = ['text', 'what', 'written', 'root', 'hint', 'stripped', 'kinds', 'url', 'name', 'fix', 'guess', 'list', 'day', 'expression', 'why', 'perDay', 'zone', 'until', 'from', 'date', 'near', 'n', 'dates', 'key', 'where', 'expected', 'value', 'min', 'max', 'detail', 'example', 'code', 'id', 'at', 'days', 'dest', 'first', 'second', 'duration', 'other', 'pair', 'more', 'a', 'b', 'zoneA', 'zoneB', 'atLeast', 'count', 'kind', 'size', 'seconds', 'file', 'since', 'files', 'programmes', 'errors', 'warnings', 'destination', 'limit', 'units', 'broadcasts', 'lifecycle', 'chat'];
  const filled = Object.fromEntries(PLACEHOLDERS.map((k) => [k, '7']));

  it('says every message in Turkish, differently from the English and without English words', () => {
    expect(MESSAGE_KEYS.length).to.be.above(100);
    const untranslated: string[] = [];
    for (const key of MESSAGE_KEYS) {
      const en = scheduleMessage('en', key, filled);
      const tr = scheduleMessage('tr', key, filled);
      if (tr === en || englishWords(tr).length > 0 || /undefined/.test(tr)) untranslated.push(`${key}: ${tr} [${englishWords(tr).join(', ')}]`);
    }
    expect(untranslated).to.deep.equal([]);
  });

  it('finds English when it is there (the check itself can fail)', () => {
    expect(englishWords('title must be a text, not the number 7')).to.deep.equal(['must', 'be', 'a', 'not', 'the']);
    expect(englishWords('title metin olmalı, 7 sayısı değil (örn. title: { tr: Masal Saati, en: Fairy Tale Time })')).to.deep.equal([]);
  });
});
