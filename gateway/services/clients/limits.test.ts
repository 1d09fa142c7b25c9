import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteAuditStore } from '../../../audit/store/index.ts';
import { createTestSigner } from '../../../test/helpers/audit-signer.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';
import { ClientLimits, dayInZone, secondsUntilMidnight } from './limits.ts';

const dir = mkdtempSync(join(tmpdir(), 'gerbang-limits-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('quota days', () => {
  it('follow Dukcapil’s zone (WIB)', () => {
    expect(dayInZone(Date.parse('2026-01-15T16:59:59Z'), 'Asia/Jakarta')).toBe('2026-01-15');
    expect(dayInZone(Date.parse('2026-01-15T17:00:00Z'), 'Asia/Jakarta')).toBe('2026-01-16');
    expect(secondsUntilMidnight(Date.parse('2026-01-15T16:59:59Z'), 'Asia/Jakarta')).toBe(1);
    expect(secondsUntilMidnight(Date.parse('2026-01-15T17:00:00Z'), 'Asia/Jakarta')).toBe(86_400);
  });
});

describe('a restart does not hand out a fresh quota', () => {
  it('restores today’s counts from the audit trail', async () => {
    const now = Date.parse('2026-01-15T03:00:00Z');
    const { signer } = await createTestSigner(dir);
    const store = new SqliteAuditStore({
      path: join(dir, 'audit.db'),
      instance: 'test',
      signer,
      now: () => now,
    });
    const principal = { id: 'app-kasir', role: 'app', certificateFingerprint: 'x' };
    for (let i = 0; i < 3; i++)
      await store.append({
        type: 'lookup',
        outcome: 'success',
        principal,
        detail: { upstreamCalled: true },
      });
    await store.append({
      type: 'lookup',
      outcome: 'denied',
      principal,
      errorCode: 'purpose_not_allowed',
    }); // never reached Dukcapil
    const config = structuredClone(demoConfig(0, 0, DEMO_AGREEMENT.signedOn));
    Object.assign(config.principals['app-kasir']?.profile ?? {}, { dailyQuota: 4 });
    const limits = new ClientLimits(config);
    const counts = store.upstreamCallsSince(new Date(limits.dayStart(now)).toISOString());
    expect(counts).toEqual({ 'app-kasir': 3 });
    limits.restore(now, counts);
    expect(limits.consume('app-kasir', now)).toEqual({ ok: true });
    expect(limits.consume('app-kasir', now)).toMatchObject({ ok: false, code: 'quota_exhausted' });
    await store.close();
  });
});
