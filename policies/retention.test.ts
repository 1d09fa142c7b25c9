import { describe, expect, it } from 'vitest';
import { DAY_MS, latestRetentionCutoff, refuseCutoffInsideRetention } from './retention.ts';

const NOW = Date.parse('2026-12-02T00:00:00Z');

describe('the latest retention cut-off', () => {
  it('is the retention period before the clock when the trail is as new as the clock', () => {
    expect(latestRetentionCutoff({ now: NOW, retentionDays: 730, newestRecordTime: NOW })).toBe(
      NOW - 730 * DAY_MS,
    );
    expect(
      latestRetentionCutoff({ now: NOW, retentionDays: 730, newestRecordTime: undefined }),
    ).toBe(NOW - 730 * DAY_MS);
  });

  it('does not move with a clock run ahead of the trail', () => {
    const ahead = NOW + 800 * DAY_MS;
    expect(latestRetentionCutoff({ now: ahead, retentionDays: 730, newestRecordTime: NOW })).toBe(
      NOW - 730 * DAY_MS,
    );
  });

  it('refuses a requested cut-off later than it, and allows one at or before it', () => {
    const latest = NOW - 730 * DAY_MS;
    expect(refuseCutoffInsideRetention(latest, latest)).toBeUndefined();
    expect(refuseCutoffInsideRetention(latest - 1, latest)).toBeUndefined();
    expect(refuseCutoffInsideRetention(latest + 1, latest)).toMatch(
      /inside the retention period: records from 2024-12-02T00:00:00.000Z on must be kept/,
    );
  });
});
