// The quota ledger (persisted, per Pacific day), the projection `onair validate` prints,
// and the shared cost table.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../../src/store/sqlite/database.js';
import { QuotaLedger, projectYoutubeQuota, formatQuotaProjection, lifecycleUnits } from '../../../src/destinations/youtube/index.js';
import { youtubeQuotaCost, youtubeQuotaDay } from '../../../src/shared/youtube-quota.js';
import { ManualClock } from '../../support/manual-clock.js';
import { makeOccurrence } from '../../support/youtube-fixtures.js';

describe('YouTube quota', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'onair-quota-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses Google\'s documented costs and turns the day at midnight Pacific', () => {
    expect(youtubeQuotaCost('liveChatMessages.list')).to.equal(5);
    expect(youtubeQuotaCost('liveChatMessages.insert')).to.equal(20);
    expect(youtubeQuotaCost('thumbnails.set')).to.equal(50);
    expect(youtubeQuotaCost('liveBroadcasts.list')).to.equal(1);
    expect(youtubeQuotaCost('something.unknown')).to.equal(1);
    // 07:59 UTC in December is 23:59 PST; 08:00 UTC is midnight.
    expect(youtubeQuotaDay(new Date('2026-12-05T07:59:59Z'))).to.equal('2026-12-04');
    expect(youtubeQuotaDay(new Date('2026-12-05T08:00:00Z'))).to.equal('2026-12-05');
    // Summer time: midnight PDT is 07:00 UTC.
    expect(youtubeQuotaDay(new Date('2026-07-05T07:00:00Z'))).to.equal('2026-07-05');
  });

  it('counts every call per quota day and keeps it across a reopen of the database', async () => {
    const clock = new ManualClock('2026-12-05T07:30:00Z');
    let db = openDatabase(dir);
    const ledger = new QuotaLedger({ db, clock, dailyQuota: 10_000 });
    ledger.record('liveBroadcasts.insert');
    ledger.record('liveBroadcasts.list');
    ledger.record('liveBroadcasts.list');
    expect(ledger.usage().units).to.equal(52);
    expect(ledger.usage().byMethod['liveBroadcasts.list']).to.deep.equal({ calls: 2, units: 2 });
    await clock.set(new Date('2026-12-05T08:00:01Z'));
    ledger.record('liveChatMessages.list');
    expect(ledger.usage().units).to.equal(5);
    expect(ledger.remainingToday()).to.equal(9_995);
    db.close();
    db = openDatabase(dir);
    const reopened = new QuotaLedger({ db, clock, dailyQuota: 10_000 });
    expect(reopened.usage('2026-12-04').units).to.equal(52);
    expect(reopened.usage().units).to.equal(5);
    db.close();
  });

  it('projects units per day and warns for a day over the quota', () => {
    const day = new Date('2026-12-05T09:00:00Z');
    const yt = (h: number, chat: boolean) =>
      makeOccurrence({
        start: new Date(day.getTime() + h * 3_600_000),
        end: new Date(day.getTime() + (h + 1) * 3_600_000),
        chat: { enabled: chat, slowModeMs: 0 },
      });
    const occurrences = [yt(0, false), yt(2, true), yt(4, true), makeOccurrence({ start: day, end: new Date(day.getTime() + 3_600_000), destinations: ['local'] })];
    const days = projectYoutubeQuota(occurrences, { youtubeDestinations: new Set(['youtube']), dailyQuota: 3000, chatPollSeconds: 10 });
    expect(days).to.have.length(1);
    const per = lifecycleUnits(occurrences[0]!);
    expect(days[0]!.broadcasts).to.equal(3);
    expect(days[0]!.lifecycleUnits).to.equal(3 * per);
    expect(days[0]!.chatUnits).to.equal(2 * 360 * 5);
    expect(days[0]!.overQuota).to.equal(true);
    const lines = formatQuotaProjection(days, 3000);
    expect(lines.join('\n')).to.match(/2026-12-05: \d+ units \(3 broadcasts/);
    expect(lines.some((l) => l.startsWith('warning: 2026-12-05'))).to.equal(true);
    const fine = projectYoutubeQuota(occurrences, { youtubeDestinations: new Set(['youtube']), dailyQuota: 10_000, chatPollSeconds: 10 });
    expect(formatQuotaProjection(fine, 10_000).some((l) => l.startsWith('warning'))).to.equal(false);
  });
});
