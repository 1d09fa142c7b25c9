/**
 * `gerbang verify-batch --in FILE.csv --out FILE.csv --purpose P`: verifies the agency's own file
 * row by row through the gateway's verify endpoint (docs/bulk-verification.md). Defaults fit the
 * demo: the instance's gateway, as the client `app-pendaftaran`.
 */
import { userInfo } from 'node:os';
import { basename, resolve } from 'node:path';
import { clientCredentials, resolveInstance } from '../config/instance.ts';
import { CsvError, type Delimiter } from './batch/csv.ts';
import { LayoutError, OUTCOMES } from './batch/plan.ts';
import { JournalMismatchError } from './batch/journal.ts';
import { runBatch, type BatchReport } from './batch/run.ts';
import { instanceGatewayUrl } from './gateway-access.ts';
import { gatewayUrlOption } from './args.ts';
import { CliError, EXIT, say, warn } from './output.ts';

/** Exit statuses beyond output.ts's: both resumable from the checkpoint. */
const EXIT_ROWS_IN_ERROR = 3;
const EXIT_TEMPFAIL = 75;
const EXIT_INTERRUPTED = 130;

const positiveNumber = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new CliError(`--${name} must be a positive number`, EXIT.usage);
  return number;
};

/** A text usable in an audit field: the gateway refuses runs of 16 digits and other characters. */
const auditSafe = (text: string, allowed: RegExp, max: number): string =>
  text
    .replace(allowed, '-')
    .replace(/[0-9]{16,}/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, max);

/** The options of `gerbang verify-batch`, as commands.ts declares them. */
export interface VerifyBatchValues {
  readonly in: string;
  readonly out: string;
  readonly purpose: string;
  readonly gateway: string | undefined;
  readonly client: string | undefined;
  readonly cert: string | undefined;
  readonly key: string | undefined;
  readonly ca: string | undefined;
  readonly operator: string | undefined;
  readonly rate: string | undefined;
  readonly concurrency: string | undefined;
  readonly attempts: string | undefined;
  readonly 'retry-errors': boolean;
  readonly delimiter: string | undefined;
}

/** `--delimiter`: `,`, `;` or `tab` (a tab character is accepted too). */
function delimiterOption(value: string | undefined): Delimiter | undefined {
  if (value === undefined) return undefined;
  if (value === ',' || value === ';') return value;
  if (value === '\t' || value.toLowerCase() === 'tab') return '\t';
  throw new CliError('--delimiter must be one of , ; tab', EXIT.usage);
}

export async function verifyBatchCommand(values: VerifyBatchValues): Promise<number> {
  if ((values.cert === undefined) !== (values.key === undefined))
    throw new CliError('--cert and --key go together', EXIT.usage);
  const inputPath = resolve(values.in);
  const outputPath = resolve(values.out);
  if (inputPath === outputPath) throw new CliError('--out must not be the input file', EXIT.usage);
  const delimiter = delimiterOption(values.delimiter);

  const location = resolveInstance();
  const connection = {
    url: gatewayUrlOption('--gateway', values.gateway) ?? instanceGatewayUrl(location),
    ...clientCredentials(location.pkiDir, values.client ?? 'app-pendaftaran', values),
  };
  const operator =
    values.operator ?? auditSafe(`batch.${userInfo().username}`, /[^A-Za-z0-9._@-]/g, 64);

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    // The first Ctrl-C finishes the requests in flight and saves them; the second leaves at once
    // (finished rows are in the checkpoint already).
    if (++interrupts > 1) process.exit(EXIT_INTERRUPTED);
    warn('\nverify-batch: stopping after the requests in flight; Ctrl-C again to leave now');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let report: BatchReport;
  try {
    report = await runBatch({
      inputPath,
      outputPath,
      ...(delimiter === undefined ? {} : { delimiter }),
      purpose: values.purpose,
      connection,
      operator,
      referencePrefix: `batch:${auditSafe(basename(inputPath), /[^A-Za-z0-9._-]/g, 80)}`,
      maxRate: positiveNumber('rate', values.rate, Infinity),
      maxConcurrency: Math.floor(positiveNumber('concurrency', values.concurrency, 64)),
      maxAttempts: Math.floor(positiveNumber('attempts', values.attempts, 6)),
      retryErrors: values['retry-errors'],
      progress: {
        isTTY: process.stderr.isTTY,
        write: (text) => process.stderr.write(text),
      },
      signal: controller.signal,
    });
  } catch (error) {
    if (error instanceof LayoutError || error instanceof CsvError)
      throw new CliError(`${values.in}: ${error.message}; nothing was sent`, EXIT.usage);
    if (error instanceof JournalMismatchError) throw new CliError(error.message, EXIT.usage);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  printSummary(report, values.out);
  if (report.status === 'complete') return report.counts.error > 0 ? EXIT_ROWS_IN_ERROR : EXIT.ok;
  return report.status === 'quota' || report.status === 'unavailable'
    ? EXIT_TEMPFAIL
    : report.status === 'interrupted'
      ? EXIT_INTERRUPTED
      : EXIT.failure;
}

function printSummary(report: BatchReport, out: string): void {
  const n = (value: number) => value.toLocaleString('en');
  const width = Math.max(...OUTCOMES.map((o) => o.length)) + 2;
  say(
    report.status === 'complete'
      ? `verify-batch: ${n(report.rows)} rows verified → ${out}`
      : `verify-batch: ${n(report.finished)} of ${n(report.rows)} rows done; not finished`,
  );
  for (const outcome of OUTCOMES)
    say(`  ${outcome.padEnd(width)}${n(report.counts[outcome]).padStart(12)}`);
  if (report.status === 'complete')
    say(`  rows in ${n(report.rows)} = rows out ${n(report.finished)}`);
  const uniqueness = report.uniqueness;
  if (uniqueness !== undefined && uniqueness.repeatedRows > 0)
    // PKS Pasal 2(2)a: the agency answers for the uniqueness of the NIKs in its documents.
    say(
      `  NIK on more than one row: ${n(uniqueness.repeatedRows)} rows (${n(uniqueness.repeatedNiks)} NIKs), ` +
        `${n(uniqueness.namesDifferRows)} of them with different names (nik_in_file, same_nik_as)`,
    );
  say(
    `  this run: ${n(report.queried)} requests, ${n(report.retries)} retried; ` +
      `${n(report.resumedRows)} rows taken from the checkpoint`,
  );
  if (report.status === 'complete') return;
  const stop = report.stop;
  const when =
    stop?.afterSeconds === undefined
      ? ''
      : ` after ${new Date(Date.now() + stop.afterSeconds * 1000).toISOString()}`;
  warn(
    `verify-batch: ${report.status === 'interrupted' ? 'interrupted' : `stopped (${stop?.code ?? 'unknown'}: ${stop?.message ?? ''})`}. ` +
      `Progress is saved in ${report.journalPath}; run the same command${when} to resume.`,
  );
}
