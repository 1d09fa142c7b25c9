import { describe, expect, it } from 'vitest';
import { InMemoryAuditTrail } from '../../../audit/memory.ts';
import { UnauthenticatedRequests } from './unauthenticated.ts';

const REVOKED = {
  event: 'authentication_failed',
  errorCode: 'unauthenticated',
  reason: 'certificate revocation status revoked',
  message: 'The client certificate has been revoked.',
};

function requests(maxAddresses = 16) {
  let now = 0;
  const trail = new InMemoryAuditTrail();
  const unauthenticated = new UnauthenticatedRequests({
    trail,
    settings: { ratePerSecond: 2, burst: 5, maxAddresses, maxSourcesPerMinute: 8 },
    monotonic: () => now,
  });
  return {
    trail,
    unauthenticated,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('UnauthenticatedRequests', () => {
  it('admits a burst of refusals per address, then refills at the rate', () => {
    const { unauthenticated, advance } = requests();
    const admitted = Array.from({ length: 8 }, () => unauthenticated.admit('10.0.0.1'));
    expect(admitted).toEqual([true, true, true, true, true, false, false, false]);
    // Another address has its own bucket.
    expect(unauthenticated.admit('10.0.0.2')).toBe(true);
    advance(500);
    expect(unauthenticated.admit('10.0.0.1')).toBe(true);
    expect(unauthenticated.admit('10.0.0.1')).toBe(false);
  });

  it('holds at most maxAddresses buckets', () => {
    const { unauthenticated } = requests(16);
    for (let i = 0; i < 5_000; i++) unauthenticated.admit(`10.0.${i >> 8}.${i & 255}`);
    expect(unauthenticated.stats().trackedAddresses).toBe(16);
  });

  it('remembers a refused certificate for one window only', () => {
    const { unauthenticated, advance } = requests();
    unauthenticated.rememberRefusedCertificate('FP:1', REVOKED);
    expect(unauthenticated.refusalOfCertificate('FP:1')).toEqual(REVOKED);
    expect(unauthenticated.refusalOfCertificate('FP:2')).toBeUndefined();
    advance(60_000);
    expect(unauthenticated.refusalOfCertificate('FP:1')).toBeUndefined();
  });

  it('counts refusals answered without work in the coalesced record', () => {
    const { trail, unauthenticated } = requests();
    void unauthenticated.refused('10.0.0.1', REVOKED, { requestId: 'first' });
    for (let i = 0; i < 10; i++) unauthenticated.refusedWithoutWork('10.0.0.1', REVOKED, {});
    unauthenticated.stop();
    expect(trail.events.map((e) => [e.event, e.requestId, e.detail?.['count']])).toEqual([
      ['authentication_failed', 'first', undefined],
      ['authentication_failed_repeated', undefined, 10],
    ]);
    expect(unauthenticated.stats()).toMatchObject({ refused: 11, answeredWithoutWork: 10 });
  });
});
