import { describe, expect, it } from 'vitest';
import { mayUseSharedQuota, poolSize, poolUsed, TokenBucket } from './rate-limit.ts';

describe('TokenBucket', () => {
  it('admits exactly the burst at once, then refuses with the seconds until the next token', () => {
    const bucket = new TokenBucket({ ratePerSecond: 2, burst: 3 }, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)].every((a) => a.ok)).toBe(true);
    expect(bucket.take(0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(bucket.take(499).ok).toBe(false); // 0.998 tokens
    expect(bucket.take(500).ok).toBe(true); // exactly one token
  });
  it('rounds Retry-After up to whole seconds for slow rates', () => {
    const bucket = new TokenBucket({ ratePerSecond: 0.1, burst: 1 }, 0);
    expect(bucket.take(0).ok).toBe(true);
    expect(bucket.take(0)).toEqual({ ok: false, retryAfterSeconds: 10 });
    expect(bucket.take(9_001)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(bucket.take(10_000).ok).toBe(true);
  });
  it('never holds more than the burst', () => {
    const bucket = new TokenBucket({ ratePerSecond: 100, burst: 2 }, 0);
    for (let i = 0; i < 2; i++) expect(bucket.take(3_600_000).ok).toBe(true);
    expect(bucket.take(3_600_000).ok).toBe(false);
  });
  it('refuses nonsensical settings', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, burst: 1 }, 0)).toThrow(RangeError);
  });
});

describe('shared Dukcapil quota', () => {
  it('keeps the counters their reservation while a batch job drains the pool', () => {
    const state = { total: 100, reserved: { 'app-kasir': 30 }, used: {} as Record<string, number> };
    let batch = 0;
    while (mayUseSharedQuota(state, 'app-batch')) state.used['app-batch'] = ++batch;
    expect(batch).toBe(70); // the pool, and not one unit of the counters' reservation
    let counter = 0;
    while (mayUseSharedQuota(state, 'app-kasir')) state.used['app-kasir'] = ++counter;
    expect(counter).toBe(30);
    expect(poolUsed(state)).toBe(70);
    expect(poolSize(state)).toBe(70);
  });
  it('lets a reserved client use the pool after its reservation', () => {
    const state = { total: 100, reserved: { 'app-kasir': 30 }, used: { 'app-kasir': 30 } };
    expect(mayUseSharedQuota(state, 'app-kasir')).toBe(true);
    expect(mayUseSharedQuota({ ...state, used: { 'app-kasir': 100 } }, 'app-kasir')).toBe(false);
  });
});
