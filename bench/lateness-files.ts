/** The loop-lateness series the bench's processes write (bench/loop-lateness.js), read back. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.ts';

/** The node arguments that preload the monitor; the file it writes is given by `latenessEnv`. */
export const LATENESS_MODULE = join(ROOT, 'bench/loop-lateness.js');
export const LATENESS_NODE_ARGS = ['--import', LATENESS_MODULE];

export function latenessEnv(dir: string, role: string): NodeJS.ProcessEnv {
  return { BENCH_LATENESS_FILE: join(dir, `lateness-${role}.jsonl`) };
}

/**
 * The most a process's loop ran late in [from, to] (epoch ms), or null when it wrote nothing
 * there. A line is the quarter-second that ends at its `t`, so the window takes the quarter
 * that ends after `to` as well.
 */
export function maxLatenessMs(text: string, from: number, to: number): number | null {
  let max: number | null = null;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const { t, maxMs } = JSON.parse(line) as { t: number; maxMs: number };
    if (t < from || t > to + 250) continue;
    max = Math.max(max ?? 0, maxMs);
  }
  return max;
}

export function readMaxLatenessMs(
  dir: string,
  role: string,
  from: number,
  to: number,
): number | null {
  const file = join(dir, `lateness-${role}.jsonl`);
  return existsSync(file) ? maxLatenessMs(readFileSync(file, 'utf8'), from, to) : null;
}
