/**
 * An officer's export of a search. CSV: one row per record, times in UTC and in the agreement's
 * zone, for a spreadsheet. JSON Lines: a first line describing the search, then each record as the
 * trail holds it, then one last line with a detached CMS signature (the report-signing key) over
 * every byte before it: split off the last line, base64-decode its `p7s`, and
 * `openssl cms -verify -binary -inform DER -in search.p7s -content search.content -CAfile ca.crt`
 * (docs/consoles.md gives the commands).
 * Neither holds a NIK: the trail has none, a resident is an HMAC subject.
 */
import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import type { AuditRecord } from '../../../audit/index.ts';
import { localTimeIn } from '../../../policies/index.ts';

export type ExportFormat = 'csv' | 'jsonl';

export interface ExportMeta {
  readonly filters: Readonly<Record<string, unknown>>;
  readonly timeZone: string;
  readonly exportedAt: string;
  readonly exportedBy: string;
  /** More records matched than an export holds. */
  readonly truncated: boolean;
}

const CSV_COLUMNS = [
  'seq',
  'time_utc',
  'time_local',
  'type',
  'event',
  'client',
  'operator',
  'reader',
  'request_id',
  'outcome',
  'error_code',
  'elements',
  'detail',
] as const;

function csvRow(record: AuditRecord, timeZone: string): string[] {
  return [
    String(record.seq),
    record.time,
    localTimeIn(Date.parse(record.time), timeZone),
    record.type,
    record.event ?? '',
    record.principal?.id ?? '',
    record.operator ?? '',
    record.readerId ?? '',
    record.requestId ?? '',
    record.outcome,
    record.errorCode ?? '',
    (record.elementsReleased ?? []).join(' '),
    Object.entries(record.detail ?? {})
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(' '),
  ];
}

export function exportBody(
  format: ExportFormat,
  records: readonly AuditRecord[],
  meta: ExportMeta,
): { content: Buffer; sha256: string; sealed: (p7s: Uint8Array) => Buffer } {
  const content =
    format === 'csv'
      ? Buffer.from(
          stringify(
            records.map((r) => csvRow(r, meta.timeZone)),
            { header: true, columns: [...CSV_COLUMNS], record_delimiter: '\r\n' },
          ),
          'utf8',
        )
      : Buffer.from(
          [
            JSON.stringify({ export: { ...meta, records: records.length } }),
            ...records.map((r) => JSON.stringify(r)),
          ].join('\n') + '\n',
          'utf8',
        );
  const sha256 = createHash('sha256').update(content).digest('hex');
  return {
    content,
    sha256,
    sealed: (p7s) =>
      Buffer.concat([
        content,
        Buffer.from(
          `${JSON.stringify({
            signature: {
              kind: 'cms-detached',
              covers: 'every byte before this line',
              sha256,
              p7s: Buffer.from(p7s).toString('base64'),
            },
          })}\n`,
          'utf8',
        ),
      ]),
  };
}
