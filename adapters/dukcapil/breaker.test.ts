import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './breaker.ts';

function breakerAt(start = 0) {
  let now = start;
  const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 1000, now: () => now });
  return { breaker, advance: (ms: number) => (now += ms) };
}

describe('CircuitBreaker', () => {
  it('opens after consecutive failures and fails fast', () => {
    const { breaker } = breakerAt();
    for (let i = 0; i < 3; i++) {
      expect(breaker.tryAcquire()).toBe(true);
      breaker.reportFailure();
    }
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('says how long until its probe while open, and nothing otherwise', () => {
    const { breaker, advance } = breakerAt();
    expect(breaker.msUntilProbe()).toBe(0);
    for (let i = 0; i < 3; i++) breaker.reportFailure();
    expect(breaker.msUntilProbe()).toBe(1000);
    advance(400);
    expect(breaker.msUntilProbe()).toBe(600);
    advance(600);
    expect([breaker.state, breaker.msUntilProbe()]).toEqual(['half_open', 0]);
  });

  it('a success resets the count', () => {
    const { breaker } = breakerAt();
    breaker.reportFailure();
    breaker.reportFailure();
    breaker.reportSuccess();
    breaker.reportFailure();
    expect(breaker.state).toBe('closed');
  });

  it('lets one probe through when half-open; success closes it', () => {
    const { breaker, advance } = breakerAt();
    for (let i = 0; i < 3; i++) breaker.reportFailure();
    advance(1000);
    expect(breaker.state).toBe('half_open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.reportSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('a failed probe opens it again for the full period', () => {
    const { breaker, advance } = breakerAt();
    for (let i = 0; i < 3; i++) breaker.reportFailure();
    advance(1000);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.reportFailure();
    expect(breaker.state).toBe('open');
    advance(999);
    expect(breaker.tryAcquire()).toBe(false);
    advance(1);
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('refuses nonsensical options', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0, openMs: 1 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ failureThreshold: 1, openMs: 0 })).toThrow(RangeError);
  });
});
