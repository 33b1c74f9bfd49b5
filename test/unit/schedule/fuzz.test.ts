// Nothing a staff member writes may crash validation: random bytes, every example cut
// short at every length, and random mutations of the examples (seeded, bounded). "Not
// crashing" is not enough: validation turns an exception of its own into a line-1
// "could not check this file" diagnostic, so each result must be a real verdict — programmes,
// or diagnostics that point inside the file (file:line:col within its lines) and say
// something — and never that fallback.
import { expect } from 'chai';
import { Expander, validateScheduleText, type FileResult } from '../../../src/schedule/index.js';
import { exampleTexts, mutate, rng, tempMedia } from './helpers.js';

const ALPHABET = ' \n\t:-[]{}",\'#&*!|>%@`?0123456789aTZ\u00e7\u0130\u0000\ufffd';

describe('schedule validation fuzz', () => {
  const media = tempMedia();
  after(() => media.cleanup());
  const expander = new Expander();
  const examples = exampleTexts();

  function safe(text: string): FileResult {
    const input = JSON.stringify(text.slice(0, 200));
    let r: FileResult | undefined;
    expect(() => (r = validateScheduleText(text, 'fuzz.yaml', media.ctx, expander)), input).not.to.throw();
    expect(r!.diagnostics).to.be.an('array');
    // Lines as a person's editor counts them (columns in UTF-16 units, as editors count); a
    // position may sit just past a line's last character, or on the empty line after a final
    // newline.
    const lines = text.split(/\r\n|\r|\n/);
    for (const d of r!.diagnostics) {
      const where = `${input} -> ${d.line}:${d.col} ${d.message}`;
      expect(d.message, where).to.be.a('string').and.not.to.equal('');
      expect(d.message, where).not.to.match(/could not check this file/);
      expect(d.file, where).to.equal('fuzz.yaml');
      expect(d.severity, where).to.be.oneOf(['error', 'warning']);
      expect(d.line, where).to.be.a('number').and.to.be.at.least(1).and.at.most(lines.length);
      expect(d.col, where).to.be.a('number').and.to.be.at.least(1).and.at.most(lines[d.line - 1]!.length + 1);
    }
    // Either it yields programmes, or it says why not (an empty text yields a warning).
    if (r!.programmes.length === 0) expect(r!.diagnostics.length, input).to.be.greaterThan(0);
    for (const p of r!.programmes) expect(p.id, input).to.be.a('string').and.not.equal('');
    return r!;
  }

  it('survives random bytes', () => {
    const next = rng(1);
    for (let i = 0; i < 300; i++) {
      const len = Math.floor(next() * 200);
      const bytes = Buffer.from(Array.from({ length: len }, () => Math.floor(next() * 256)));
      safe(bytes.toString('utf8'));
      safe(Array.from({ length: len }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join(''));
    }
  });

  it('survives every example truncated at many lengths', () => {
    expect(examples.length).to.be.greaterThan(3);
    for (const text of examples) {
      const step = Math.max(1, Math.floor(text.length / 60));
      for (let n = 0; n <= text.length; n += step) safe(text.slice(0, n));
    }
  });

  it('survives random mutations of the examples', () => {
    const next = rng(42);
    for (let i = 0; i < 400; i++) {
      const text = mutate(examples[i % examples.length]!, next, ALPHABET, 4);
      safe(text);
    }
  });
});
