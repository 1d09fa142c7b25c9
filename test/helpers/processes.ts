/**
 * Child processes of a test file (gateways, simulators, rsyslogd, batch runs): each one started
 * through `tracked` is ended after the file whatever its outcome (test/setup/end-children.ts),
 * and `stopChild` ends one with a signal, then SIGKILL if it has not exited after a grace
 * period. What escapes both (a grandchild, a worker that crashed) is found by the global
 * teardown (test/setup/leftover-processes.ts), which fails the run.
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();

const exited = (child: ChildProcess): boolean =>
  child.exitCode !== null || child.signalCode !== null;

/** Remembers `child` until it exits, so that the end of the file stops it if nothing else did. */
export function tracked<T extends ChildProcess>(child: T): T {
  if (child.pid === undefined || exited(child)) return child;
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Resolves once `child` has exited, or with false after `ms`. */
function exitWithin(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child) || child.pid === undefined) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** Sends `signal`, then SIGKILL after `graceMs` if the child is still there; waits for its exit. */
export async function stopChild(
  child: ChildProcess,
  options: { signal?: NodeJS.Signals; graceMs?: number } = {},
): Promise<void> {
  if (exited(child) || child.pid === undefined) return;
  child.kill(options.signal ?? 'SIGTERM');
  if (await exitWithin(child, options.graceMs ?? 5_000)) return;
  child.kill('SIGKILL');
  await exitWithin(child, 5_000);
}

/**
 * Stops every tracked child still running; returns a line for each that nobody had stopped (a
 * child already sent a signal is only waited for, then killed if it is still there).
 */
export async function stopTrackedChildren(): Promise<string[]> {
  const left = [...live];
  const abandoned = left.filter((child) => !child.killed);
  await Promise.all(left.map((child) => stopChild(child, { signal: 'SIGKILL' })));
  return abandoned.map(
    (child) => `${String(child.pid)} ${child.spawnargs.join(' ').slice(0, 200)}`,
  );
}
