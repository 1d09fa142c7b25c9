/**
 * Waiting on an event rather than for a time: a condition is polled until it holds, so that a
 * slow machine waits as long as it needs and a fast one not at all. Tests use these instead of
 * fixed sleeps; the deadline only bounds a wait that would otherwise never end. Deadlines are on
 * the monotonic clock, so a suite run with the wall clock moved (faketime) waits the same.
 */

export interface WaitOptions {
  /** Give up after this long (default 15 s). */
  readonly timeoutMs?: number;
  /** Pause between two evaluations of the condition. */
  readonly intervalMs?: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `condition` until it holds: true, or false once `timeoutMs` passed. For a caller whose
 * own expectation afterwards says best what is missing.
 */
export async function holdsWithin(
  condition: () => boolean | Promise<boolean>,
  options: WaitOptions = {},
): Promise<boolean> {
  const deadline = performance.now() + (options.timeoutMs ?? 15_000);
  while (!(await condition())) {
    if (performance.now() > deadline) return false;
    await pause(options.intervalMs ?? 50);
  }
  return true;
}

/** Polls `condition` every 50 ms until it holds; throws after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  if (!(await holdsWithin(condition, { timeoutMs }))) throw new Error('timed out');
}

/** Polls an asynchronous `condition` (every 100 ms by default) until it holds; the error names `what`. */
export async function eventually(
  condition: () => Promise<boolean>,
  options: WaitOptions & { readonly what: string },
): Promise<void> {
  if (!(await holdsWithin(condition, { intervalMs: 100, ...options })))
    throw new Error(`timed out waiting for ${options.what}`);
}

/**
 * Calls `probe` (every 100 ms by default) until `accept` holds for what it returns, and returns
 * that; at the timeout, the last value, so that the caller's expectation shows what came instead.
 */
export async function probeUntil<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  options: WaitOptions = {},
): Promise<T> {
  const seen: { value?: T } = {};
  await holdsWithin(async () => accept((seen.value = await probe())), {
    intervalMs: 100,
    ...options,
  });
  return seen.value as T;
}
