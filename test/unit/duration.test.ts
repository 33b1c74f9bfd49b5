import { expect } from 'chai';
import { formatDuration, parseDuration } from '../../src/shared/duration.js';

describe('durations as staff write them', () => {
  const cases: Array<[string, number]> = [
    ['90s', 90_000],
    ['45m', 2_700_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
    ['150ms', 150],
    ['PT45M', 2_700_000],
    ['PT1H30M', 5_400_000],
    ['P1D', 86_400_000],
  ];
  for (const [text, ms] of cases) {
    it(`reads ${text} as ${ms} ms`, () => expect(parseDuration(text)).to.equal(ms));
  }
  for (const bad of ['', '45', 'soon', 'm', '1x', 'PT', '-5m']) {
    it(`rejects ${JSON.stringify(bad)}`, () => expect(parseDuration(bad)).to.equal(undefined));
  }
  it('formats back to the short form', () => {
    expect(formatDuration(5_400_000)).to.equal('1h30m');
    expect(formatDuration(90_000)).to.equal('1m30s');
  });
});
