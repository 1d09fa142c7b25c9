/**
 * The rate pacer on a fake clock whose timers fire late by a random amount (a busy event loop),
 * driven by bursty callers: the starts it lets through must never put more than `rate` calls in
 * any window of a second plus the margin, and must still use the quota, losing no more than the
 * timers' lateness. A start counts where the request left, which the HTTP client's queue can
 * delay by a varying amount after the pacer let it go; the window must hold at the leaving too.
 * No real time passes, so nothing here depends on the machine's speed.
 */
import { describe, expect, it } from 'vitest';
import { UpstreamFailure } from './port.ts';
import { UpstreamRatePacer, type PacerClock } from './rate-pacer.ts';

/** A clock whose timers fire `lateness()` ms after they are due, in order of firing time. */
class FakeClock implements PacerClock {
  time = 0;
  private timers: { at: number; run: () => void }[] = [];
  private readonly lateness: () => number;

  constructor(lateness: () => number) {
    this.lateness = lateness;
  }

  now(): number {
    return this.time;
  }

  setTimer(run: () => void, ms: number): void {
    this.timers.push({ at: this.time + Math.max(1, ms) + this.lateness(), run });
  }

  /**
   * Lets every settled promise run (callers record their starts at the time they were let go),
   * then fires the earliest timer (time moves to it) and lets what it settled run.
   */
  async step(): Promise<boolean> {
    await settle();
    this.timers.sort((a, b) => a.at - b.at);
    const next = this.timers.shift();
    if (next === undefined) return false;
    this.time = Math.max(this.time, next.at);
    next.run();
    await settle();
    return true;
  }

  /** A timer for callers (a call's upstream latency), on the same late clock. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.setTimer(resolve, ms);
    });
  }
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** Deterministic noise: the same figures on every run. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** The most starts in any window of `windowMs` (starts sorted). */
function busiestWindow(starts: readonly number[], windowMs: number): number {
  let most = 0;
  let first = 0;
  for (let i = 0; i < starts.length; i++) {
    while ((starts[first] ?? 0) <= (starts[i] ?? 0) - windowMs) first++;
    most = Math.max(most, i - first + 1);
  }
  return most;
}

/**
 * `callers` loops, each: acquire, the request leaves `sendDelayMs()` later (0: at once) and its
 * start is recorded then (and reported then, unless `reportAtGrant`), hold the call `latencyMs`, end it, now and then pause (bursty demand),
 * again, until `seconds` of fake time have passed.
 */
async function drive(
  pacer: UpstreamRatePacer,
  clock: FakeClock,
  options: {
    callers: number;
    latencyMs: number;
    seconds: number;
    random: () => number;
    sendDelayMs?: () => number;
    /** Report the start when let go, not when it left: how the pacer counted before 2026-12-08. */
    reportAtGrant?: boolean;
  },
): Promise<{ starts: number[]; refused: number }> {
  const starts: number[] = [];
  let refused = 0;
  const end = options.seconds * 1000;
  const caller = async (): Promise<void> => {
    while (clock.time < end) {
      try {
        const start = await pacer.acquire();
        if (options.reportAtGrant === true) start.sent();
        const delay = options.sendDelayMs?.() ?? 0;
        if (delay > 0) await clock.sleep(delay);
        if (options.reportAtGrant !== true) start.sent();
        starts.push(clock.time);
        await clock.sleep(options.latencyMs);
        start.end();
      } catch (error) {
        if (!(error instanceof UpstreamFailure)) throw error;
        refused++;
        await clock.sleep(10);
      }
      if (options.random() < 0.02) await clock.sleep(options.random() * 300);
    }
  };
  const running = Promise.all(Array.from({ length: options.callers }, caller));
  while (clock.time < end + 5_000 && (await clock.step()));
  await running;
  return { starts: starts.filter((t) => t < end), refused };
}

describe('the upstream rate pacer', () => {
  it.each([
    { rate: 100, margin: 20, maxLateMs: 0 },
    { rate: 100, margin: 20, maxLateMs: 15 },
    { rate: 1000, margin: 20, maxLateMs: 8 },
    { rate: 1000, margin: 5, maxLateMs: 30 },
    { rate: 250, margin: 0, maxLateMs: 4 },
  ])(
    'rate $rate, margin $margin ms, timers up to $maxLateMs ms late: never more than the rate in a window, and the quota used',
    async ({ rate, margin, maxLateMs }) => {
      const random = seeded(rate + margin + maxLateMs);
      const clock = new FakeClock(() => random() * maxLateMs);
      const pacer = new UpstreamRatePacer(rate, 2_000, { windowMarginMs: margin, clock });
      const seconds = 6;
      const { starts, refused } = await drive(pacer, clock, {
        callers: Math.ceil(rate * 0.15),
        latencyMs: 50,
        seconds,
        random,
      });
      expect(refused).toBe(0);
      expect(busiestWindow(starts, 1000 + margin)).toBeLessThanOrEqual(rate);
      // Demand exceeds the quota, so the window binds: a window's worth of calls every window.
      // Late timers cost their lateness once per firing, not per call (the calls due meanwhile
      // start together, and a window later together again): within 3 ms a window.
      const floor = (rate * seconds * 1000) / (1000 + margin + 3);
      expect(starts.length).toBeGreaterThanOrEqual(Math.floor(floor));
    },
  );

  it('lets a burst through on an idle schedule only as far as the window allows', async () => {
    const clock = new FakeClock(() => 0);
    const pacer = new UpstreamRatePacer(10, 5_000, { windowMarginMs: 20, clock });
    const starts: number[] = [];
    const all = Promise.all(
      Array.from({ length: 25 }, () =>
        pacer.acquire().then((start) => {
          start.sent();
          starts.push(clock.time);
        }),
      ),
    );
    while (await clock.step());
    await all;
    expect(starts).toHaveLength(25);
    expect(busiestWindow(starts, 1020)).toBe(10);
    // Slots 100 ms apart; the window pushes the 11th and 21st back to a window after the 1st, 11th.
    expect(starts[10]).toBeGreaterThanOrEqual(1020);
    expect(starts[20]).toBeGreaterThanOrEqual((starts[10] ?? 0) + 1020);
  });

  it('refuses at once a call whose turn is further away than the wait allowed, by its place in the window too', async () => {
    const clock = new FakeClock(() => 0);
    const pacer = new UpstreamRatePacer(10, 500, { windowMarginMs: 20, clock });
    // Ten calls, one per slot, 0 to 900 ms: the window is full until 1,020 ms.
    for (let i = 0; i < 10; i++) {
      (await pacer.acquire()).sent();
      if (i < 9) {
        const slept = clock.sleep(100);
        await clock.step();
        await slept;
      }
    }
    expect(clock.time).toBe(900);
    // Turns (later of slot and window): 1,020, 1,120, 1,220, 1,320 — then 1,420, 520 ms away,
    // although its slot (1,400) is only 500 ms away.
    const queued = Array.from({ length: 4 }, () =>
      pacer.acquire().then((start) => {
        start.sent();
        return clock.time;
      }),
    );
    const refused = await pacer.acquire().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UpstreamFailure);
    expect((refused as UpstreamFailure).reason).toBe('upstream rate quota: too many calls waiting');
    while (await clock.step());
    expect(await Promise.all(queued)).toEqual([1020, 1120, 1220, 1320]);
  });

  it.each([
    // The floors are this seeded run's use less about 1 %: counting the window's leavings keeps
    // 975/s and 95/s; holding each call for the one exactly a quota before it (the pacer's ring
    // until 2026-12-08) kept 940/s and 90/s, since one late leaver held every call behind it.
    { rate: 1000, margin: 20, maxLateMs: 8, maxSendDelayMs: 60, floorPerSecond: 965 },
    { rate: 100, margin: 20, maxLateMs: 15, maxSendDelayMs: 200, floorPerSecond: 93 },
  ])(
    'rate $rate: requests leaving up to $maxSendDelayMs ms after their turn still never crowd a window',
    async ({ rate, margin, maxLateMs, maxSendDelayMs, floorPerSecond }) => {
      const run = async (reportAtGrant: boolean) => {
        const random = seeded(rate + maxSendDelayMs);
        const clock = new FakeClock(() => random() * maxLateMs);
        const pacer = new UpstreamRatePacer(rate, 2_000, { windowMarginMs: margin, clock });
        // Mostly prompt, sometimes held a long while: the spread is what crowds a window.
        const sendDelayMs = () => (random() < 0.1 ? random() * maxSendDelayMs : random() * 2);
        const { starts, refused } = await drive(pacer, clock, {
          callers: Math.ceil(rate * 0.3),
          latencyMs: 50,
          seconds,
          random,
          sendDelayMs,
          reportAtGrant,
        });
        expect(refused).toBe(0);
        return starts.sort((a, b) => a - b);
      };
      const seconds = 6;
      const counted = await run(false);
      expect(busiestWindow(counted, 1000 + margin)).toBeLessThanOrEqual(rate);
      // The cost of counting from the leaving: the delays' spread, once per window.
      expect(counted.length).toBeGreaterThanOrEqual(Math.floor(floorPerSecond * seconds));
      // Counted from the grants instead, the same delays crowd a window: they matter.
      expect(busiestWindow(await run(true), 1000 + margin)).toBeGreaterThan(rate);
    },
  );

  it('counts a call not yet left as leaving now, one that ended unsent as leaving then, and a retry twice', async () => {
    const clock = new FakeClock(() => 0);
    const pacer = new UpstreamRatePacer(1, 5_000, { windowMarginMs: 0, clock });
    const at = async (ms: number) => {
      const slept = clock.sleep(ms - clock.time);
      while (clock.time < ms) await clock.step();
      await slept;
    };
    const first = await pacer.acquire(); // 0 ms; it will never leave
    let secondAt: number | undefined;
    const secondGranted = pacer.acquire().then((start) => {
      secondAt = clock.time;
      return start;
    });
    // The second's slot is 1,000 ms, but the first, not yet left, counts as leaving any moment.
    await at(1300);
    expect(secondAt).toBeUndefined();
    // It ends unsent at 1,300 ms: it counts as having left then, a window before the second.
    first.end();
    while (secondAt === undefined) await clock.step();
    expect(secondAt).toBe(2300);
    const second = await secondGranted;
    second.sent();
    // Its request is written again 100 ms later (the one retry): the later one counts too.
    await at(2400);
    second.sent();
    second.end();
    // Reports after the end change nothing.
    await at(2600);
    second.sent();
    first.sent();
    const third = pacer.acquire().then(() => clock.time);
    while (await clock.step());
    expect(await third).toBe(3400);
  });

  it.each([
    { rate: 1, maxWaitMs: 1500, callers: 10 },
    { rate: 10, maxWaitMs: 1500, callers: 100 },
    { rate: 100, maxWaitMs: 2000, callers: 400 },
  ])(
    'rate $rate, $callers callers: a call let queue is let go within the $maxWaitMs ms it may wait',
    async ({ rate, maxWaitMs, callers }) => {
      const clock = new FakeClock(() => 0);
      const pacer = new UpstreamRatePacer(rate, maxWaitMs, { windowMarginMs: 20, clock });
      const waits: number[] = [];
      let refused = 0;
      const end = 20_000;
      const caller = async (): Promise<void> => {
        while (clock.time < end) {
          const asked = clock.time;
          try {
            const start = await pacer.acquire();
            waits.push(clock.time - asked);
            start.sent();
            await clock.sleep(50);
            start.end();
          } catch (error) {
            if (!(error instanceof UpstreamFailure)) throw error;
            refused++;
            await clock.sleep(10);
          }
        }
      };
      const running = Promise.all(Array.from({ length: callers }, caller));
      while (await clock.step());
      await running;
      // Demand far above the rate: many are refused, and the window is used.
      expect(refused).toBeGreaterThan(0);
      expect(waits.length).toBeGreaterThanOrEqual(Math.floor((rate * end) / 1020) - 1);
      expect(Math.max(...waits)).toBeLessThanOrEqual(maxWaitMs);
    },
  );

  it('refuses a queued call once calls let go before it, not yet left, hold it past its wait', async () => {
    const clock = new FakeClock(() => 0);
    const pacer = new UpstreamRatePacer(1, 2_000, { windowMarginMs: 20, clock });
    const first = await pacer.acquire(); // never leaves: a connection that does not come up
    let outcome: { granted: number } | { refused: number; error: unknown } | undefined;
    void pacer.acquire().then(
      () => (outcome = { granted: clock.time }),
      (error: unknown) => (outcome = { refused: clock.time, error }),
    );
    // Bounded: a pacer that kept it waiting would re-arm its timer for ever.
    for (let i = 0; i < 100 && outcome === undefined; i++) await clock.step();
    // Its turn was a window after the first's leaving, at the earliest 1,020 ms; then, the first
    // still not left, 2,040 ms: past the 2,000 ms it may wait, so it is refused at 1,020 ms.
    expect(outcome).toEqual({ refused: 1020, error: expect.any(UpstreamFailure) as unknown });
    first.end();
  });

  it('takes neither a non-positive rate nor a negative margin', () => {
    expect(() => new UpstreamRatePacer(0, 1000)).toThrow(RangeError);
    expect(() => new UpstreamRatePacer(10, 1000, { windowMarginMs: -1 })).toThrow(RangeError);
  });
});
