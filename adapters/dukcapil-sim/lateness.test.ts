/**
 * The simulator's own lateness, in GET /__sim/state as counters.eventLoopDelayMs: a loop held
 * busy shows in it, and a reset starts it afresh. Only the direction that a held loop forces is
 * asserted (at least the time it was held), never that the machine is fast.
 */
import { describe, expect, it } from 'vitest';
import { createSimulatorApp } from './app.ts';
import { LoopLateness } from './lateness.ts';

const hold = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the simulator's event-loop lateness", () => {
  it('reports a loop held busy as lateness at least that long, and a reset clears it', async () => {
    const app = createSimulatorApp({
      consumer: 'BAPENDA_TEST',
      userId: 'bapenda',
      password: 'rahasia',
      allowedIps: ['10.0.0.5'],
    });
    const lateness = async () =>
      (
        (await (await app.request('/__sim/state')).json()) as {
          counters: { eventLoopDelayMs: { p50: number; p99: number; max: number } };
        }
      ).counters.eventLoopDelayMs;
    await pause(20);
    hold(150);
    await pause(20);
    const held = await lateness();
    expect(held.max).toBeGreaterThanOrEqual(140);
    expect(held.p50).toBeLessThanOrEqual(held.p99);
    expect(held.p99).toBeLessThanOrEqual(held.max);
    await app.request('/__sim/reset', { method: 'POST' });
    // Afresh: whatever the machine does next, the 150 ms hold is no longer in it.
    expect((await lateness()).max).toBeLessThan(held.max);
  });

  it('has no figures right after a reset', () => {
    const lateness = new LoopLateness();
    hold(30);
    lateness.reset();
    expect(lateness.figures()).toEqual({ p50: 0, p99: 0, max: 0 });
  });
});
