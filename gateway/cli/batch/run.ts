/**
 * A bulk verification run: plan every row locally, verify the rest through the gateway at the pace
 * it allows, checkpoint each finished row, and when every row is finished write the output — one
 * row per input row, in input order — atomically. Interrupted (Ctrl-C, SIGKILL, the day's quota),
 * the same command resumes from the checkpoint without asking about a finished row again.
 */
import { readCsv, type Delimiter } from './csv.ts';
import { VerifyClient, type Attempt, type GatewayConnection } from './client.ts';
import { surveyInput, writeOutput } from './files.ts';
import { Journal } from './journal.ts';
import { Pace } from './pace.ts';
import { planRow, readLayout, type Outcome, type RowResult } from './plan.ts';
import { Progress, type ProgressSink } from './progress.ts';
import { censusOfFile, type UniquenessSummary } from './uniqueness.ts';

export interface BatchOptions {
  readonly inputPath: string;
  readonly outputPath: string;
  /** The input's delimiter; detected from its header line when not given. */
  readonly delimiter?: Delimiter;
  readonly purpose: string;
  readonly connection: GatewayConnection;
  readonly operator: string;
  /** Prefix of each row's audit reference; the row number follows. */
  readonly referencePrefix: string;
  /** Upper bound on requests per second; the gateway's advertised rate applies below it. */
  readonly maxRate: number;
  readonly maxConcurrency: number;
  /** Tries per row for transient failures before the row is `error`. */
  readonly maxAttempts: number;
  /** On resume, ask again about rows that ended as `error`. */
  readonly retryErrors: boolean;
  readonly progress: ProgressSink;
  readonly signal?: AbortSignal;
  /** Backoff base; tests shorten it. */
  readonly backoffMs?: number;
  /**
   * How long the path may give nothing useful before the run stops as `unavailable` (default
   * 60 s), besides `maxAttempts × 5` tries: an upstream breaker open for seconds is waited out, an
   * outage of a minute ends the run, resumable.
   */
  readonly unavailableAfterMs?: number;
}

/** Every status but `complete` leaves a checkpoint that the same command resumes. */
export type BatchStatus = 'complete' | 'quota' | 'unavailable' | 'interrupted' | 'stopped';

export interface BatchReport {
  readonly status: BatchStatus;
  readonly rows: number;
  readonly finished: number;
  readonly counts: Readonly<Record<Outcome, number>>;
  readonly resumedRows: number;
  readonly queried: number;
  readonly retries: number;
  /** NIKs on more than one row of the file: known once every row is finished. */
  readonly uniqueness?: UniquenessSummary;
  readonly stop?: {
    readonly code: string;
    readonly message: string;
    readonly afterSeconds?: number;
  };
  readonly journalPath: string;
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

export async function runBatch(options: BatchOptions): Promise<BatchReport> {
  // The whole file is read once before anything is sent: a file that is not CSV throws here.
  const survey = await surveyInput(options.inputPath, options.delimiter);
  const { header, rows, sha256, delimiter } = survey;
  const layout = readLayout(header);
  const journalPath = `${options.outputPath}.progress`;
  const journal = Journal.open(
    journalPath,
    { inputSha256: sha256, purpose: options.purpose },
    survey.lastRow,
  );
  if (options.retryErrors) journal.forgetErrors();
  const resumedRows = journal.size;

  const pace = new Pace({ maxRate: options.maxRate, maxConcurrency: options.maxConcurrency });
  const client = new VerifyClient({
    connection: options.connection,
    operator: options.operator,
    purpose: options.purpose,
    connections: options.maxConcurrency,
  });
  const progress = new Progress(options.progress, rows);
  const backoffMs = options.backoffMs ?? 500;
  // An object, not a variable: callbacks set it while the loop runs.
  const run: {
    stop?: { status: BatchStatus; code: string; message: string; afterSeconds?: number };
  } = {};
  const stopped = () => run.stop !== undefined;
  let inFlight = 0;
  let queried = 0;
  let retries = 0;
  /** Retries in a row across all rows: a path that answers nothing useful stops the run. */
  let failingInARow = 0;
  let lastUsefulAt = performance.now();
  const unavailableAfterMs = options.unavailableAfterMs ?? 60_000;
  let wake: (() => void) | undefined;
  const tasks = new Set<Promise<void>>();

  const interrupt = () => {
    run.stop ??= { status: 'interrupted', code: 'interrupted', message: 'interrupted' };
    wake?.();
  };
  options.signal?.addEventListener('abort', interrupt);
  if (options.signal?.aborted === true) interrupt();

  const finish = (row: number, result: RowResult) => {
    journal.record(row, result);
    progress.update(journal.size);
  };

  const stopWith = (attempt: Extract<Attempt, { kind: 'stop' }>) => {
    const quota = attempt.code === 'quota_exhausted' || attempt.code === 'upstream_quota_exhausted';
    run.stop ??= {
      status: quota ? 'quota' : 'stopped',
      code: attempt.code,
      message: attempt.message,
      ...(attempt.afterSeconds === undefined ? {} : { afterSeconds: attempt.afterSeconds }),
    };
  };

  async function verifyRow(row: number, query: Parameters<VerifyClient['verify']>[0]) {
    let attempts = 0;
    let throttled = 0;
    // A row waiting to retry when the quota runs out stays unfinished for the resumed run.
    while (!stopped() && !pace.quotaSpent) {
      await pace.turn();
      if (stopped()) return;
      const started = performance.now();
      queried++;
      const { attempt, allowance } = await client.verify(query);
      pace.answered(performance.now() - started, allowance);
      if (attempt.kind === 'result') {
        failingInARow = 0;
        lastUsefulAt = performance.now();
        pace.succeeded();
        finish(row, attempt.result);
        return;
      }
      if (attempt.kind === 'stop') {
        stopWith(attempt);
        return;
      }
      retries++;
      // A 429, or a 503 saying when to come back (an open upstream breaker's Retry-After), asks
      // us to wait, not to give up on the row: the row was not tried against Dukcapil.
      const rateLimited = attempt.code === 'rate_limited';
      if (rateLimited || attempt.afterSeconds !== undefined) throttled++;
      else attempts++;
      // When nothing gets through for long, the fault is the path, not this row: stop
      // (resumable) rather than mark every row as an error.
      if (
        !rateLimited &&
        ++failingInARow >= options.maxAttempts * 5 &&
        performance.now() - lastUsefulAt >= unavailableAfterMs
      ) {
        run.stop ??= {
          status: 'unavailable',
          code: attempt.code,
          message: `no useful answer for ${String(failingInARow)} tries in a row, over ${String(Math.round((performance.now() - lastUsefulAt) / 1000))} s`,
        };
        return;
      }
      const wait =
        attempt.afterSeconds !== undefined
          ? attempt.afterSeconds * 1000
          : Math.random() * Math.min(30_000, backoffMs * 2 ** Math.max(attempts, throttled));
      if (attempt.overload) pace.overloaded(wait, rateLimited);
      if (attempts >= options.maxAttempts || throttled >= 50) {
        finish(row, { outcome: 'error', error: attempt.code });
        return;
      }
      await sleep(wait);
    }
  }

  const launch = (row: number, query: Parameters<VerifyClient['verify']>[0]) => {
    inFlight++;
    const task = verifyRow(row, query).finally(() => {
      inFlight--;
      tasks.delete(task);
      wake?.();
    });
    tasks.add(task);
  };

  try {
    progress.update(journal.size, performance.now(), true);
    for await (const record of readCsv(options.inputPath, { delimiter })) {
      if (stopped()) break;
      if (record.index === 1) continue;
      const row = record.index - 1;
      if (journal.has(row)) continue;
      const plan = planRow(layout, record.fields);
      if (plan.kind === 'done') {
        finish(row, plan.result);
        continue;
      }
      while (!stopped() && inFlight >= pace.concurrency()) {
        if (inFlight === 0 && pace.quotaSpent) {
          run.stop = {
            status: 'quota',
            code: 'quota_exhausted',
            message: 'the daily quota is spent',
            ...(pace.resetSeconds === undefined ? {} : { afterSeconds: pace.resetSeconds }),
          };
          break;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          // Concurrency can also grow with time (a pause ending); look again shortly.
          setTimeout(resolve, 50);
        });
      }
      if (stopped()) break;
      launch(row, {
        nik: plan.nik,
        claims: plan.claims,
        missing: plan.missing,
        reference: `${options.referencePrefix}#${String(row)}`,
      });
    }
    await Promise.all([...tasks]);
  } finally {
    options.signal?.removeEventListener('abort', interrupt);
    progress.update(journal.size, performance.now(), true);
    progress.finish();
    journal.close();
    await client.close();
  }

  const complete = journal.size === rows;
  // Taken from the file when the output is written, so that it always covers every row.
  const census = complete
    ? await censusOfFile(options.inputPath, layout, delimiter, rows)
    : undefined;
  if (census !== undefined) await writeOutput(options, survey, layout, census, journalPath);
  const counts = journal.counts();
  const ended = run.stop;
  return {
    status: complete ? 'complete' : (ended?.status ?? 'stopped'),
    rows,
    finished: journal.size,
    counts,
    resumedRows,
    queried,
    retries,
    journalPath,
    ...(census === undefined ? {} : { uniqueness: census.summary() }),
    ...(ended === undefined || complete
      ? {}
      : {
          stop: {
            code: ended.code,
            message: ended.message,
            ...(ended.afterSeconds === undefined ? {} : { afterSeconds: ended.afterSeconds }),
          },
        }),
  };
}
