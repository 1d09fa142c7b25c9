import { describe, expect, it } from 'vitest';
import { InMemoryAuditTrail } from '../../../audit/memory.ts';
import { CoalescedRefusals, recordsPerWindowAtMost } from './coalesced-refusals.ts';

const NO_CERT = {
  event: 'authentication_failed',
  errorCode: 'unauthenticated',
  reason: 'client certificate none',
};
const REVOKED = { ...NO_CERT, reason: 'certificate revocation status revoked' };

function coalescer(maxSources = 4) {
  const trail = new InMemoryAuditTrail();
  let now = 0;
  const refusals = new CoalescedRefusals({ trail, maxSources, monotonic: () => now });
  return {
    trail,
    refusals,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('CoalescedRefusals', () => {
  it('records the first of a kind at once, with its request id, and the window as one count', () => {
    const { trail, refusals } = coalescer();
    void refusals.record('10.0.0.1', NO_CERT, { requestId: 'r-1', detail: { method: 'GET' } });
    for (let i = 0; i < 999; i++)
      void refusals.record('10.0.0.1', NO_CERT, { requestId: `r-${i}` });
    void refusals.record('10.0.0.1', REVOKED);
    expect(trail.events).toEqual([
      {
        type: 'security',
        event: 'authentication_failed',
        requestId: 'r-1',
        outcome: 'denied',
        errorCode: 'unauthenticated',
        sourceAddress: '10.0.0.1',
        detail: { method: 'GET', reason: 'client certificate none' },
      },
      expect.objectContaining({ event: 'authentication_failed' }),
    ]);
    expect(trail.events[1]?.requestId).toBeUndefined();
    expect(trail.events[1]?.detail).toEqual({ reason: REVOKED.reason });
    refusals.flush();
    expect(trail.events.slice(2)).toEqual([
      {
        type: 'security',
        event: 'authentication_failed_repeated',
        outcome: 'denied',
        errorCode: 'unauthenticated',
        sourceAddress: '10.0.0.1',
        detail: { reason: 'client certificate none', count: 999, windowSeconds: 60 },
      },
    ]);
    expect(refusals.refusals).toBe(1001);
  });

  it('starts a new window when the minute is over, even without its timer', () => {
    const { trail, refusals, advance } = coalescer();
    void refusals.record('10.0.0.1', NO_CERT);
    void refusals.record('10.0.0.1', NO_CERT);
    advance(60_000);
    void refusals.record('10.0.0.1', NO_CERT);
    expect(trail.events.map((e) => [e.event, e.detail?.['count']])).toEqual([
      ['authentication_failed', undefined],
      ['authentication_failed_repeated', 1],
      ['authentication_failed', undefined],
    ]);
  });

  it('writes a bounded number of records per window however many addresses flood', () => {
    const { trail, refusals } = coalescer(4);
    for (let i = 0; i < 10_000; i++) void refusals.record(`10.0.${i >> 8}.${i & 255}`, NO_CERT);
    for (let i = 0; i < 10_000; i++) void refusals.record(`10.1.${i >> 8}.${i & 255}`, REVOKED);
    refusals.stop();
    expect(trail.events.length).toBeLessThanOrEqual(recordsPerWindowAtMost(4, 1));
    expect(trail.events.at(-1)).toMatchObject({
      event: 'authentication_failed_repeated',
      detail: { reason: 'many', count: 20_000 - 4 },
    });
    expect(trail.events.at(-1)?.sourceAddress).toBeUndefined();
    // Every refusal is accounted for: recorded first, or in a count.
    const counted = trail.events.reduce(
      (sum, e) => sum + (typeof e.detail?.['count'] === 'number' ? e.detail['count'] : 1),
      0,
    );
    expect(counted).toBe(20_000);
  });

  it('tells when a record could not be written, and goes on', async () => {
    const trail = new InMemoryAuditTrail();
    trail.failing = true;
    const failures: unknown[] = [];
    const refusals = new CoalescedRefusals({ trail, onAppendFailed: (e) => failures.push(e) });
    await refusals.record('10.0.0.1', NO_CERT);
    expect(failures).toHaveLength(1);
  });
});
