/** Polls `condition` every 50 ms until it holds; throws after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls an asynchronous `condition` every 100 ms until it holds; the error names `what`. */
export async function eventually(
  condition: () => Promise<boolean>,
  options: { timeoutMs?: number; what: string },
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
