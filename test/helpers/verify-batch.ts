/**
 * The bulk-verification suites' processes: a `gerbang serve` child on a prepared instance, and
 * `gerbang verify-batch` runs against it with their output collected. Each registers its undoing
 * in the caller's `cleanups`, which the suite runs last first after every test.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { GerbangConfig } from '../../gateway/config/index.ts';
import {
  GERBANG,
  prepareInstance,
  ROOT,
  spawnGerbang,
  waitForHealth,
  type PreparedInstance,
} from './child-gateway.ts';
import { stopChild, tracked } from './processes.ts';

export type Cleanups = (() => Promise<void> | void)[];

/** A demo instance served by a `gerbang serve` child, healthy for `principal`'s certificate. */
export async function startServedInstance(
  cleanups: Cleanups,
  principal: string,
  adjust?: (config: GerbangConfig) => GerbangConfig,
): Promise<PreparedInstance> {
  const instance = await prepareInstance(adjust);
  // Its request log is not read here: discard it rather than let a full pipe stall the gateway.
  const gateway = spawnGerbang(['serve'], instance.dir, { stdio: 'ignore' });
  const agent = instance.agent(principal);
  cleanups.push(async () => {
    await stopChild(gateway);
    await agent.close();
    await instance.simulator.close();
    rmSync(instance.dir, { recursive: true, force: true });
  });
  await waitForHealth(instance.url, agent);
  return instance;
}

export interface BatchRun {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly done: Promise<{ code: number | null; signal: string | null }>;
  readonly output: () => { stdout: string; stderr: string };
}

/** `gerbang verify-batch` over `dir/input` into `dir/output`, against the instance's gateway. */
export function runVerifyBatch(
  cleanups: Cleanups,
  instance: PreparedInstance,
  dir: string,
  input: string,
  output: string,
  extra: readonly string[] = [],
): BatchRun {
  const child = tracked(
    spawn(
      process.execPath,
      [
        GERBANG,
        'verify-batch',
        '--in',
        join(dir, input),
        '--out',
        join(dir, output),
        '--purpose',
        'verifikasi-massal',
        '--gateway',
        instance.url,
        ...extra,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, GERBANG_DATA_DIR: instance.dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    ),
  );
  cleanups.push(() => stopChild(child, { signal: 'SIGKILL' }));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    }),
  );
  return { child, done, output: () => ({ stdout, stderr }) };
}
