/**
 * The quota phase's second witness: the upstream's arrivals by the kernel's clock
 * (bench/wire-arrivals.py), beside the simulator's own count, which is as late as its event loop.
 * It needs python3 and CAP_NET_RAW; without them the phase says why and judges by the simulator.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { LOAD_CPU, onCpu, type Pinning } from './pin.ts';
import { ROOT } from './processes.ts';

export interface WireCount {
  /** Requests to the method's path that reached the upstream's socket. */
  arrivals: number;
  /** Other POSTs to the upstream (another method, return data): not counted. */
  otherRequests: number;
  busiestSecond: number;
  overQuota: number;
  /** Packets the capture lost; with any, the counts are incomplete. */
  kernelDrops: number;
}

export type WireResult = ({ available: true } & WireCount) | { available: false; reason: string };

export interface WireWitness {
  /** The capture's process, while it runs (a test holds it back with SIGSTOP). */
  readonly pid: number | undefined;
  /** Stops the capture and counts; never throws: a witness that failed says why. */
  stop(): Promise<WireResult>;
}

const READY_TIMEOUT_MS = 5_000;

/**
 * Starts counting requests to `port` whose request line contains `pathPart` (case-insensitive),
 * on the simulator's core: the capture's own lateness does not matter, the kernel stamps arrivals.
 */
export async function startWireWitness(
  pinning: Pinning,
  port: number,
  quota: number,
  pathPart: string,
): Promise<WireWitness> {
  const script = join(ROOT, 'bench/wire-arrivals.py');
  const [command, args] = onCpu(pinning, LOAD_CPU, 'python3', [
    script,
    String(port),
    String(quota),
    pathPart,
  ]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', (error) => {
      stderr += error.message;
      resolve(null);
    });
    child.on('exit', (code) => {
      resolve(code);
    });
  });
  const lastLine = () => stderr.trim().split('\n').at(-1) ?? 'no output';
  const ready = await Promise.race([
    new Promise<true>((resolve) => {
      const check = () => {
        if (stderr.includes('ready\n')) resolve(true);
      };
      child.stderr.on('data', check);
      check();
    }),
    exited.then(() => false as const),
    new Promise<false>((resolve) =>
      setTimeout(() => {
        resolve(false);
      }, READY_TIMEOUT_MS).unref(),
    ),
  ]);
  if (!ready) {
    child.kill('SIGKILL');
    const reason = `the capture did not start: ${lastLine()}`;
    return { pid: undefined, stop: () => Promise.resolve({ available: false, reason }) };
  }
  return {
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      try {
        if (code !== 0) throw new Error(`exit ${code}: ${lastLine()}`);
        return { available: true, ...(JSON.parse(stdout) as WireCount) };
      } catch (error) {
        return { available: false, reason: `the capture failed: ${(error as Error).message}` };
      }
    },
  };
}
