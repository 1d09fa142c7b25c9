/**
 * Operational logging with pino. Request and response bodies are never logged; the redact paths
 * are a second line of defence for anything that could carry a secret or population data.
 */
import { writeSync } from 'node:fs';
import { pino, type DestinationStream, type Logger } from 'pino';
import sonicBoom from 'sonic-boom';

// A CommonJS module: its class is a property of the default export, which TypeScript and Node
// both see (a named import is not detected by Node).
const { SonicBoom } = sonicBoom;

export const REDACT_PATHS = [
  'nik',
  '*.nik',
  'NIK',
  '*.NIK',
  'password',
  '*.password',
  'body',
  '*.body',
  'data',
  '*.data',
  'claims',
  '*.claims',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'record',
  '*.record',
  'npwpd',
  '*.npwpd',
  'query',
  '*.query',
  'url',
  '*.url',
];

/** What could not be logged, for the metrics: the gateway never stops for its log. */
export interface LogWriteStats {
  /** Writes that failed (full disk, closed pipe, unwritable file); each is retried. */
  readonly failures: number;
  /** Lines given up because the backlog of unwritten lines reached its bound. */
  readonly dropped: number;
}

/** Lines waiting for a failing destination are bounded by this; beyond it new lines are dropped. */
const BACKLOG_BYTES = 4 * 1024 * 1024;
const REPORT_EVERY_MS = 60_000;

export interface LogDestination {
  readonly stream: DestinationStream;
  readonly stats: LogWriteStats;
  /** Writes what is still held back, as far as the destination takes it (before an exit). */
  flush(): void;
}

/**
 * A log destination on a file descriptor that survives its surroundings: a write that fails (a
 * full disk, a closed pipe, a pipe nobody reads) is counted and kept (up to BACKLOG_BYTES) to be
 * written when the destination recovers, instead of an `error` event that would end the process
 * or a wait that would stop it. Failures are reported on stderr at most once a
 * minute — first at once, then what piled up — since stderr may be the failing file itself.
 */
export function createLogDestination(
  fd: number,
  report: (line: string) => void = reportOnStderr,
  now: () => number = Date.now,
): LogDestination {
  const stats = { failures: 0, dropped: 0 };
  const window = { failures: 0, dropped: 0, reason: '' };
  let lastReport = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  const flushReport = (): void => {
    timer = undefined;
    if (window.failures === 0 && window.dropped === 0) return;
    lastReport = now();
    report(
      `gerbang: ${window.failures} log write(s) failed (${window.reason || 'error'})` +
        `${window.dropped > 0 ? `, ${window.dropped} line(s) dropped` : ''}; the gateway goes on serving` +
        ` (metric gerbang_log_write_failures_total; next report in a minute at the earliest)`,
    );
    window.failures = 0;
    window.dropped = 0;
  };
  const noteFailure = (): void => {
    if (now() - lastReport >= REPORT_EVERY_MS) flushReport();
    else timer ??= setTimeout(flushReport, lastReport + REPORT_EVERY_MS - now()).unref();
  };
  // A pipe nobody reads answers EAGAIN: that is a failed write like any other, kept for later,
  // never a reason to wait — sonic-boom would otherwise sleep and retry on the event loop.
  const stream = new SonicBoom({
    fd,
    // Asynchronous, as pino's own default: lines written while a write is in flight go out
    // together, off the request's path.
    sync: false,
    maxLength: BACKLOG_BYTES,
    retryEAGAIN: () => false,
  });
  stream.on('error', (error: NodeJS.ErrnoException) => {
    stats.failures++;
    window.failures++;
    window.reason = error.code ?? 'error';
    noteFailure();
  });
  stream.on('drop', () => {
    stats.dropped++;
    window.dropped++;
    noteFailure();
  });
  const flush = (): void => {
    try {
      stream.flushSync();
    } catch {
      // The destination still fails: what it did not take is lost with the process.
    }
  };
  return { stream, stats, flush };
}

/**
 * For long-running commands: a failing stdout or stderr (the demo's summary to a full disk, a
 * closed pipe) is ignored instead of ending the process with an unhandled `error` event. The log
 * has its own destination and counts its own failures.
 */
export function guardStandardStreams(): void {
  // Always our own listener: one a pipe() put there removes itself when the error comes.
  for (const stream of [process.stdout, process.stderr])
    if (!stream.listeners('error').includes(ignoreStreamError))
      stream.on('error', ignoreStreamError);
}

function ignoreStreamError(): void {
  // Nothing to do: the write is lost, and the process goes on.
}

function reportOnStderr(line: string): void {
  try {
    writeSync(2, `${line}\n`);
  } catch {
    // stderr is failing too: the metric still counts.
  }
}

export function createLogger(level: string, destination: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'gerbang' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
