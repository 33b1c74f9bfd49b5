// The fast reading (js-yaml first, see src/schedule/fast-yaml.ts) must give exactly what the
// `yaml` reading gives: the same programmes, and the same diagnostics at the same line:col.
import { expect } from 'chai';
import { Expander, validateScheduleText, type FileResult } from '../../../src/schedule/index.js';
import { fastParse, fastReadable } from '../../../src/schedule/fast-yaml.js';
import { exampleTexts, mutate, rng, tempMedia, VALID } from './helpers.js';

const ALPHABET = ' \n:-[]{}",\'#0123456789aTZ\u00e7\u0130';

describe('schedule fast reading (js-yaml first)', () => {
  const media = tempMedia();
  after(() => media.cleanup());
  const examples = exampleTexts();

  /** Validates both ways; returns whether the result came from the fast reading. */
  function same(text: string): boolean {
    let reading = '';
    const fast: FileResult = validateScheduleText(text, 'f.yaml', media.ctx, new Expander(), { onReading: (r) => (reading = r) });
    const slow: FileResult = validateScheduleText(text, 'f.yaml', media.ctx, new Expander(), { fast: false });
    expect(fast, JSON.stringify(text)).to.deep.equal(slow);
    return reading === 'fast';
  }

  it('takes the fast reading for the examples, with the same result', () => {
    expect(examples.length).to.be.greaterThan(3);
    for (const text of examples) expect(same(text), text.slice(0, 80)).to.equal(true);
  });

  it('places warnings where the yaml reading does', () => {
    const v = VALID.join('\n');
    const cases = [
      // A no-op except, a destination listed twice, loop on a test pattern, day 31, an empty override.
      v.replace('  until: 2027-06-26', '  until: 2027-06-26\n  except: [2026-12-06, 2026-12-12]'),
      v.replace('destinations: [local]', 'destinations: [local, "local"]'),
      v.replace('source: { testPattern: {} }', 'source:\n  testPattern: {}\n  loop: true'),
      v.replace('  weekly: { days: [sat], at: "11:00" }', '  monthly: { day: 31, at: "11:00" }'),
      `${v}\noverrides:\n  2026-12-12: {}`,
      `${v}\naudience: [children]\ndestinations: [youtube]`.replace('destinations: [local]\n', ''),
    ];
    for (const text of cases) {
      expect(same(text), text).to.equal(true);
      expect(validateScheduleText(text, 'f.yaml', media.ctx, new Expander()).diagnostics.some((d) => d.severity === 'warning'), text).to.equal(true);
    }
  });

  it('reads comments, documents, lists, CRLF and quoted text as the yaml reading does', () => {
    const v = VALID.join('\n');
    const cases = [
      `# a comment\n\n---\n${v}\n---\n# only a comment\n`,
      `- # first\n${v.replace(/^/gm, '  ')}\n-\n${v.replace(/^/gm, '  ').replace('fairy-tale-time', 'b')}`,
      v.replace(/\n/g, '\r\n').replace('until: 2027-06-26', 'until: 2027-06-26\r\n  except: [2026-12-06]'),
      v.replace('Masal Saati', "'Masal Saati: İçli'").replace('id:', '"id":').replace('45m', '"45m"'),
    ];
    for (const text of cases) expect(same(text), text).to.equal(true);
    // A file with an error is reported from the yaml reading alone.
    expect(same(`${v}\nrecurrence: x`)).to.equal(false);
  });

  it('gives the same result for random mutations of the examples', () => {
    const next = rng(7);
    let fastOnes = 0;
    for (let i = 0; i < 400; i++) {
      const text = mutate(examples[i % examples.length]!, next, ALPHABET, 3);
      if (same(text)) fastOnes++;
    }
    // Most mutations still read with js-yaml, so the comparison is not vacuous.
    expect(fastOnes).to.be.greaterThan(100);
  });

  it('leaves to yaml what js-yaml reads differently', () => {
    const slow = ['a: &x 1\nb: *x', 'a: !!str 1', 'a: |\n  x', 'a: >-\n  x', '\uFEFFa: 1', 'a: 0b11', 'a: -.5', 'a: +0x1F', 'a: 1_000', 'a:\t1', 'a: [1,\n 2]', '<<: {a: 1}'];
    slow.push('- *a', 'a: {b: *c}', 'a: [x, *y]', 'a: "x"#c', '? a\n: b', '%YAML 1.2\n---\na: 1', 'a: @x', 'a:\n  - !t x');
    for (const text of slow) {
      expect(fastReadable(text), JSON.stringify(text)).to.equal(false);
      expect(fastParse(text, 'f.yaml'), JSON.stringify(text)).to.equal(undefined);
      same(text);
    }
    // Indicators inside text are only text.
    for (const text of ['a: "0 9 * * 3"', 'a: Tom & Jerry', 'a: 50% > 40%', 'a: what? yes', 'a: x # comment', 'a: 2026-12-05', 'a: [1, 2] # ok']) {
      expect(fastReadable(text), JSON.stringify(text)).to.equal(true);
      same(text);
    }
  });
});
