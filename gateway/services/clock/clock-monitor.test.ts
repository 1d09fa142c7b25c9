import { describe, expect, it } from 'vitest';
import { ClockMonitor } from './clock-monitor.ts';

const DAY_MS = 86_400_000;

function clock(wall: number) {
  const sources = { wallMs: wall, monoMs: 0 };
  return {
    sources,
    monitor: (options = {}) =>
      new ClockMonitor(
        { wall: () => sources.wallMs, monotonic: () => sources.monoMs },
        300_000,
        options,
      ),
  };
}

describe('the clock trusted for evidence', () => {
  it('is trusted when nothing is off, and not behind the trail', () => {
    const { monitor } = clock(10 * DAY_MS);
    const m = monitor({ trailTimeAtStart: 9 * DAY_MS, maxStartGapMs: 7 * DAY_MS });
    expect(m.evidenceProblem(10 * DAY_MS - 1)).toBeUndefined();
    expect(m.evidenceProblem(10 * DAY_MS + 5)).toEqual({ reason: 'behind_trail', ms: 5 });
    expect(m.pending()).toBeUndefined();
  });

  it('holds after a start far ahead of the trail until acknowledged; data requests are unaffected', () => {
    const { monitor } = clock(100 * DAY_MS);
    const m = monitor({ trailTimeAtStart: 20 * DAY_MS, maxStartGapMs: 7 * DAY_MS });
    expect(m.check()).toEqual({ trusted: true });
    expect(m.evidenceProblem(100 * DAY_MS)).toEqual({ reason: 'start_gap', ms: 80 * DAY_MS });
    expect(m.pending()).toEqual({ startGapMs: 80 * DAY_MS });
    expect(m.acknowledge()).toEqual({ startGapMs: 80 * DAY_MS });
    expect(m.evidenceProblem(100 * DAY_MS)).toBeUndefined();
  });

  it('holds after a jump while running, and names its direction by its sign', () => {
    const { sources, monitor } = clock(10 * DAY_MS);
    const m = monitor();
    sources.wallMs += DAY_MS;
    expect(m.evidenceProblem(undefined)).toEqual({ reason: 'jump', ms: DAY_MS });
    expect(m.acknowledge()).toEqual({ jumpMs: DAY_MS });
    expect(m.evidenceProblem(undefined)).toBeUndefined();
  });
});
