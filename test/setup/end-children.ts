/**
 * Loaded before every test file (vitest `setupFiles`): after the file's own hooks, ends every
 * child it started through `tracked` (test/helpers/processes.ts) that is still running, so that
 * a failed test or a hook that threw never leaves a gateway behind. Registered first, this
 * afterAll runs last (vitest runs after-hooks in reverse order).
 */
import { afterAll } from 'vitest';
import { stopTrackedChildren } from '../helpers/processes.ts';

afterAll(async () => {
  const stopped = await stopTrackedChildren();
  for (const line of stopped)
    console.warn(`child process still running after the file, killed: ${line}`);
});
