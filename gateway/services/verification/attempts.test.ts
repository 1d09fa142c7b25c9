/** The per-resident verification limit: distinct attempts, the day, the cap, alerts, restarts. */
import { describe, expect, it } from 'vitest';
import type { AuditEvent, AuditPage, AuditQuery, AuditRecord } from '../../../audit/index.ts';
import { VerificationAttempts, type VerificationAttemptSettings } from './attempts.ts';

const SETTINGS: VerificationAttemptSettings = {
  attemptsPerResidentPerDay: 3,
  maxTrackedResidents: 4,
  timeZone: 'Asia/Jakarta',
  alertCooldownMs: 60_000,
};
/** 10:00 in Jakarta (UTC+7). */
const NOON = Date.parse('2026-01-15T03:00:00Z');
const SUBJECT = 'a'.repeat(64);

function attempts(settings: Partial<VerificationAttemptSettings> = {}) {
  const appended: AuditEvent[] = [];
  const trail = {
    append: (event: AuditEvent) => {
      appended.push(event);
      return Promise.resolve();
    },
    healthy: () => true,
    newestRecordTime: () => undefined,
  };
  return { counter: new VerificationAttempts({ ...SETTINGS, ...settings }, trail), appended };
}

const ask = (
  counter: VerificationAttempts,
  claim: string,
  options: { client?: string; subject?: string; operator?: string; now?: number } = {},
) =>
  counter.admit({
    client: options.client ?? 'app-kasir',
    operator: options.operator ?? 'kasir.1',
    subject: options.subject ?? SUBJECT,
    claims: { nama_lengkap: claim },
    now: options.now ?? NOON,
  });

describe('VerificationAttempts', () => {
  it('admits the limit of distinct attempts and refuses the next until midnight', () => {
    const { counter } = attempts();
    expect(['A', 'B', 'C'].map((claim) => ask(counter, claim).ok)).toEqual([true, true, true]);
    const refused = ask(counter, 'D');
    expect(refused).toMatchObject({ ok: false, attempts: 4, limit: 3 });
    // 10:00 in Jakarta: 14 hours to midnight.
    expect(refused.ok ? 0 : refused.retryAfterSeconds).toBe(14 * 3600);
    expect(ask(counter, 'E')).toMatchObject({ ok: false, attempts: 5 });
  });

  it('does not count the same claims twice, in any key order, even at the limit', () => {
    const { counter } = attempts();
    const both = (claims: Record<string, string>) =>
      counter.admit({ client: 'c', operator: 'o', subject: SUBJECT, claims, now: NOON });
    expect(both({ nama_lengkap: 'A', tempat_lahir: 'B' })).toMatchObject({ attempts: 1 });
    expect(both({ tempat_lahir: 'B', nama_lengkap: 'A' })).toMatchObject({
      ok: true,
      attempts: 1,
      repeated: true,
    });
    both({ nama_lengkap: 'C' });
    both({ nama_lengkap: 'D' });
    expect(both({ nama_lengkap: 'E' }).ok).toBe(false);
    expect(both({ tempat_lahir: 'B', nama_lengkap: 'A' }).ok).toBe(true);
  });

  it('counts by client and resident, never by operator', () => {
    const { counter } = attempts();
    for (const [i, claim] of ['A', 'B', 'C'].entries())
      ask(counter, claim, { operator: `kasir.${String(i)}` });
    expect(ask(counter, 'D', { operator: 'kasir.99' }).ok).toBe(false);
    expect(ask(counter, 'D', { client: 'app-pendaftaran' }).ok).toBe(true);
    expect(ask(counter, 'D', { subject: 'b'.repeat(64) }).ok).toBe(true);
  });

  it('alerts once per pair and day, with the subject, the operators used and no claim', () => {
    const { counter, appended } = attempts();
    for (const [i, claim] of ['A', 'B', 'C', 'D', 'E'].entries())
      ask(counter, claim, { operator: `kasir.${String(i)}` });
    expect(appended).toEqual([
      {
        type: 'security',
        event: 'alert',
        outcome: 'alert',
        operator: 'kasir.3',
        subject: SUBJECT,
        detail: {
          rule: 'verification_limit',
          client: 'app-kasir',
          attempts: 4,
          limit: 3,
          operators: 4,
        },
      },
    ]);
  });

  it('starts every day afresh at midnight in its zone', () => {
    const { counter } = attempts();
    for (const claim of ['A', 'B', 'C']) ask(counter, claim);
    const beforeMidnight = Date.parse('2026-01-15T16:59:59Z');
    const afterMidnight = Date.parse('2026-01-15T17:00:00Z');
    expect(ask(counter, 'D', { now: beforeMidnight }).ok).toBe(false);
    expect(ask(counter, 'D', { now: afterMidnight }).ok).toBe(true);
    expect(counter.size).toBe(1);
  });

  it('holds at most maxTrackedResidents pairs, evicting the least recently used', () => {
    const { counter } = attempts();
    for (const claim of ['A', 'B', 'C']) ask(counter, claim);
    for (let i = 0; i < 3; i++) ask(counter, 'A', { subject: String(i).repeat(64) });
    // The spent pair was touched last before these three: still held, still refused.
    expect(counter.size).toBe(4);
    expect(ask(counter, 'D').ok).toBe(false);
    for (let i = 3; i < 1000; i++) ask(counter, 'A', { subject: `s${String(i)}`.padEnd(64, '0') });
    expect(counter.size).toBe(4);
  });

  it('alerts when an eviction gives attempts back, at most once per cooldown', () => {
    const { counter, appended } = attempts({ maxTrackedResidents: 100 });
    const spent = (subject: string, now: number) => {
      ask(counter, 'A', { subject, now });
      ask(counter, 'B', { subject, now });
    };
    spent(SUBJECT, NOON);
    // 100 one-attempt pairs push the spent one out: one alert.
    for (let i = 0; i < 100; i++) ask(counter, 'A', { subject: `x${String(i)}`.padEnd(64, '0') });
    // Another spent pair evicted within the cooldown: counted, not alerted again.
    spent('b'.repeat(64), NOON + 1000);
    for (let i = 0; i < 100; i++)
      ask(counter, 'A', { subject: `y${String(i)}`.padEnd(64, '0'), now: NOON + 1000 });
    const evictions = appended.filter(
      (e) => e.detail?.['rule'] === 'verification_tracking_evicted',
    );
    expect(evictions).toHaveLength(1);
    expect(evictions[0]?.detail).toEqual({
      rule: 'verification_tracking_evicted',
      evicted: 1,
      maxTrackedResidents: 100,
    });
    // One-attempt pairs are evicted silently.
    expect(appended).toHaveLength(1);
  });

  it("restores today's attempts from the trail after a restart", () => {
    const { counter, appended } = attempts();
    const record = (detail: Record<string, number | string>, errorCode?: string) =>
      ({
        type: 'verify',
        principal: { id: 'app-kasir', role: 'app', certificateFingerprint: 'FP' },
        subject: SUBJECT,
        detail,
        ...(errorCode === undefined ? {} : { errorCode }),
      }) as unknown as AuditRecord;
    const pages: AuditPage[] = [
      { items: [record({ attempts: 1 }), record({ attempts: 2 })], next: 2 },
      { items: [record({ attempts: 4 }, 'verification_limit'), record({ claims: 1 })], next: null },
    ];
    const queries: AuditQuery[] = [];
    counter.restore(
      {
        query: (query) => {
          queries.push(query);
          return pages[queries.length - 1] ?? { items: [], next: null };
        },
      },
      NOON,
    );
    // Today began at midnight in Jakarta, 17:00 UTC the day before.
    expect(queries[0]).toMatchObject({ type: 'verify', from: '2026-01-14T17:00:00.000Z' });
    expect(queries[1]).toMatchObject({ after: 2 });
    expect(ask(counter, 'new')).toMatchObject({ ok: false, attempts: 5 });
    // The alert was raised before the restart: not again.
    expect(appended).toHaveLength(0);
  });
});
