/** Progress output: a redrawn bar on a terminal, occasional plain lines otherwise. */
import { describe, expect, it } from 'vitest';
import { Progress } from './progress.ts';

function sink(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) };
}

describe('Progress', () => {
  it('redraws one line with percentage, rate and ETA on a terminal', () => {
    const tty = sink(true);
    const progress = new Progress(tty, 1000);
    progress.update(0, 0);
    progress.update(500, 5000);
    expect(tty.written.at(-1)).toBe(
      `\r\x1b[2K[${'#'.repeat(15)}${'-'.repeat(15)}] 50%  500/1,000  100 rows/s  ETA 00:05`,
    );
    progress.finish();
    expect(tty.written.at(-1)).toBe('\n');
  });

  it('writes plain lines at most every interval when not on a terminal', () => {
    const plain = sink(false);
    const progress = new Progress(plain, 20_000, 5000);
    progress.update(0, 0, true);
    for (let t = 100; t <= 10_000; t += 100) progress.update(t, t);
    expect(plain.written).toEqual([
      'verify-batch: 0/20,000 rows (0%), 0 rows/s  ETA --:--\n',
      'verify-batch: 5,000/20,000 rows (25%), 1000 rows/s  ETA 00:15\n',
      'verify-batch: 10,000/20,000 rows (50%), 1000 rows/s  ETA 00:10\n',
    ]);
  });
});
