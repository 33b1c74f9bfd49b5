// Nothing a staff member writes may crash validation: random bytes, every example cut
// short at every length, and random mutations of the examples (seeded, bounded).
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
    let r: FileResult | undefined;
    expect(() => (r = validateScheduleText(text, 'fuzz.yaml', media.ctx, expander)), JSON.stringify(text.slice(0, 200))).not.to.throw();
    expect(r!.diagnostics).to.be.an('array');
    for (const d of r!.diagnostics) {
      expect(d.line).to.be.a('number').and.to.be.at.least(1);
      expect(d.col).to.be.a('number').and.to.be.at.least(1);
      expect(d.message).to.be.a('string').and.not.to.equal('');
    }
    // Either it yields programmes, or it says why not (an empty text yields a warning).
    if (r!.programmes.length === 0) expect(r!.diagnostics.length).to.be.greaterThan(0);
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
