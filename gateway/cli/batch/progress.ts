/**
 * Progress on stderr: a bar redrawn in place on a terminal, plain lines every few seconds
 * otherwise (logs, CI, `nohup`). Rate is rows finished per second over the last ten seconds; the
 * ETA divides what is left by it.
 */
export interface ProgressSink {
  readonly isTTY: boolean;
  write(text: string): void;
}

const formatDuration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${String(h)}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
};

export class Progress {
  private readonly sink: ProgressSink;
  private readonly total: number;
  private readonly samples: { at: number; done: number }[] = [];
  private lastPlain = 0;
  private readonly plainEveryMs: number;

  constructor(sink: ProgressSink, total: number, plainEveryMs = 5000) {
    this.sink = sink;
    this.total = total;
    this.plainEveryMs = plainEveryMs;
  }

  /** Rows per second over the last ten seconds. */
  rate(now: number): number {
    const window = this.samples.filter((s) => now - s.at <= 10_000);
    const first = window[0];
    const last = window.at(-1);
    if (first === undefined || last === undefined || last.at === first.at) return 0;
    return ((last.done - first.done) * 1000) / (last.at - first.at);
  }

  update(done: number, now = performance.now(), force = false): void {
    this.samples.push({ at: now, done });
    while (this.samples.length > 0 && now - (this.samples[0]?.at ?? now) > 10_000)
      this.samples.shift();
    const rate = this.rate(now);
    const eta = rate > 0 ? (this.total - done) / rate : Infinity;
    const percent = this.total === 0 ? 100 : Math.floor((100 * done) / this.total);
    const counts = `${done.toLocaleString('en')}/${this.total.toLocaleString('en')}`;
    const tail = `${String(Math.round(rate))} rows/s  ETA ${formatDuration(eta)}`;
    if (this.sink.isTTY) {
      const width = 30;
      const filled = Math.round((width * percent) / 100);
      const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
      this.sink.write(`\r\x1b[2K[${bar}] ${String(percent)}%  ${counts}  ${tail}`);
    } else if (force || now - this.lastPlain >= this.plainEveryMs) {
      this.lastPlain = now;
      this.sink.write(`verify-batch: ${counts} rows (${String(percent)}%), ${tail}\n`);
    }
  }

  /** Ends the bar's line so that what follows starts on its own. */
  finish(): void {
    if (this.sink.isTTY) this.sink.write('\n');
  }
}
