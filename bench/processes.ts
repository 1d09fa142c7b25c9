/** Child processes of the bench: started (optionally on one CPU), awaited, stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { onCpu, type Pinning } from './pin.ts';

export const ROOT = resolve(import.meta.dirname, '..');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts `node [nodeArgs] args` on `cpu` (when pinning is available). */
export function startNode(
  pinning: Pinning,
  cpu: number,
  args: string[],
  extraEnv: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
): ChildProcess {
  const [command, argv] = onCpu(pinning, cpu, process.execPath, [...nodeArgs, ...args]);
  const child = spawn(command, argv, {
    cwd: ROOT,
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (code) => {
    if (code !== null && code !== 0) console.error(`${args.join(' ')} exited with ${code}`);
  });
  return child;
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export async function waitUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(200);
  }
  throw new Error(`${what} did not start`);
}

/** Whether an mTLS endpoint answers 200. */
export function answers(url: string, tlsOptions: object): () => Promise<boolean> {
  return () =>
    new Promise<boolean>((done) => {
      void autocannon({ url, amount: 1, connections: 1, tlsOptions }, (_error, result) => {
        done(result.errors === 0 && result['2xx'] === 1);
      });
    });
}

export interface SimState {
  counters: {
    calls: Record<string, number>;
    busiestSecond: number;
    overRateQuota: number;
    /** The simulator's own event-loop lateness since the last reset, where it reports it. */
    eventLoopDelayMs?: { p50: number; p99: number; max: number };
  };
}

export async function simState(simUrl: string): Promise<SimState> {
  const response = await fetch(`${simUrl}/__sim/state`);
  return (await response.json()) as SimState;
}

export async function simConfig(simUrl: string, settings: Record<string, number>): Promise<void> {
  await fetch(`${simUrl}/__sim/config`, { method: 'POST', body: JSON.stringify(settings) });
}
