/**
 * The officer console's search form: a post must come from the console itself, as a small
 * url-encoded form whose fields are each known, given once and well-formed. A bad field is a
 * FormError, shown on the page; a NIK is passed on to be hashed, never echoed (the paging and
 * export forms carry its HMAC subjects instead).
 */
import type { Context } from 'hono';
import { AUDIT_EVENT_TYPES, AUDIT_OUTCOMES, type AuditQuery } from '../../../audit/index.ts';
import {
  addDays,
  checkNik,
  isCalendarDate,
  isStorableText,
  startOfDayInZone,
} from '../../../policies/index.ts';
import { PRINCIPAL_ID_PATTERN } from '../../config/schema.ts';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';
import { readLimited } from '../middleware/json-body.ts';
import type { AuditSearchForm } from '../pages/officer-page.tsx';

const FORM_LIMIT_BYTES = 4096;
const TYPES: ReadonlySet<string> = new Set(AUDIT_EVENT_TYPES);
const OUTCOMES: ReadonlySet<string> = new Set(AUDIT_OUTCOMES);
const CLIENT = new RegExp(PRINCIPAL_ID_PATTERN);
/** As the operator header allows (middleware/operator.ts). */
const OPERATOR = /^[A-Za-z0-9._@-]{1,64}$/;
const REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;
/** A NIK's audit subject: HMAC-SHA256, hex (audit/subject.ts). */
const SUBJECT = /^[0-9a-f]{64}$/;

/** A bad search field, shown on the page rather than as a JSON error. */
export class FormError extends Error {}

/**
 * A form post must come from the console itself: the browser sends the client certificate to any
 * site's form too, so a cross-site post is refused before anything is searched or audited.
 */
export function requireSameOrigin(c: Context<GatewayEnv>): void {
  const site = c.req.header('sec-fetch-site');
  const origin = c.req.header('origin');
  const host = c.req.header('host');
  // Browsers send Sec-Fetch-Site; with Referrer-Policy no-referrer their Origin is "null", so
  // Origin is the fallback only for clients without Fetch Metadata. Neither: not a browser.
  const allowed =
    site !== undefined
      ? site === 'same-origin'
      : origin === undefined || (host !== undefined && origin === `https://${host}`);
  if (!allowed)
    throw new ApiError('forbidden', { message: 'Console forms must be posted from the console.' });
}

export async function readForm(
  c: Context<GatewayEnv>,
  limitBytes = FORM_LIMIT_BYTES,
): Promise<URLSearchParams> {
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded'))
    throw new ApiError('unsupported_media_type', {
      message: 'The console form must be application/x-www-form-urlencoded.',
    });
  const bytes = await readLimited(c.req.raw.body, limitBytes);
  return new URLSearchParams(Buffer.from(bytes).toString('utf8'));
}

export interface ParsedSearch {
  readonly form: AuditSearchForm;
  readonly nik?: string;
}

/** The search's fields; `subjects` and `before` are carried by the paging and export forms. */
export const SEARCH_FIELDS = [
  'nik',
  'subjects',
  'client',
  'operator',
  'reader',
  'requestId',
  'type',
  'outcome',
  'from',
  'to',
  'before',
] as const;

function valueOf(fields: URLSearchParams, name: string): string | undefined {
  const values = fields.getAll(name);
  if (values.length > 1) throw new FormError(`Kolom ${name} berulang / field repeated.`);
  const text = values[0]?.trim();
  return text === undefined || text === '' ? undefined : text;
}

/** The search fields of a form whose other fields (`extra`) its route reads itself. */
export function parseSearch(fields: URLSearchParams, extra: readonly string[] = []): ParsedSearch {
  const known: ReadonlySet<string> = new Set([...SEARCH_FIELDS, ...extra]);
  for (const key of fields.keys()) {
    if (!known.has(key)) throw new FormError('Kolom tidak dikenal / unknown field.');
  }
  const value = (name: string) => valueOf(fields, name);
  const nik = value('nik');
  const entries: [keyof AuditSearchForm, string | undefined][] = [
    ['client', value('client')],
    ['operator', value('operator')],
    ['reader', value('reader')],
    ['requestId', value('requestId')],
    ['type', value('type')],
    ['outcome', value('outcome')],
    ['from', value('from')],
    ['to', value('to')],
  ];
  const f = Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  const subjectsText = value('subjects');
  const beforeText = value('before');
  if (nik !== undefined && !checkNik(nik).valid)
    throw new FormError('NIK tidak valid (16 digit) / The NIK is not a valid 16-digit NIK.');
  if (nik !== undefined && subjectsText !== undefined)
    throw new FormError('Kolom tidak dikenal / unknown field.');
  for (const [name, pattern, label] of [
    ['client', CLIENT, 'Klien tidak valid / invalid client id.'],
    ['reader', CLIENT, 'Pembaca tidak valid / invalid reader id.'],
    ['operator', OPERATOR, 'Operator tidak valid / invalid operator id.'],
    ['requestId', REQUEST_ID, 'ID permintaan tidak valid / invalid request id.'],
  ] as const) {
    const text = f[name];
    // Shown again in the form: an identifier, never sixteen digits a NIK could be.
    if (text !== undefined && (!pattern.test(text) || !isStorableText(text, 'identifier')))
      throw new FormError(label);
  }
  if (f['type'] !== undefined && !TYPES.has(f['type']))
    throw new FormError('Jenis tidak valid / invalid type.');
  if (f['outcome'] !== undefined && !OUTCOMES.has(f['outcome']))
    throw new FormError('Hasil tidak valid / invalid outcome.');
  for (const date of [f['from'], f['to']]) {
    if (date !== undefined && !isCalendarDate(date))
      throw new FormError('Tanggal tidak valid / invalid date (YYYY-MM-DD).');
  }
  const subjects = subjectsText?.split(',');
  if (subjects !== undefined && !subjects.every((one) => SUBJECT.test(one)))
    throw new FormError('Subjek tidak valid / invalid subjects.');
  if (beforeText !== undefined && !/^[1-9][0-9]{0,14}$/.test(beforeText))
    throw new FormError('Halaman tidak valid / invalid page.');
  const form: AuditSearchForm = {
    ...f,
    byNik: nik !== undefined || subjects !== undefined,
    ...(subjects === undefined ? {} : { subjects }),
    ...(beforeText === undefined ? {} : { before: Number(beforeText) }),
  };
  return { form, ...(nik === undefined ? {} : { nik }) };
}

/**
 * The store's query for a search: dates are the agreement's local calendar days (`from` its first
 * moment, `to` inclusive, up to the next midnight there), newest first, a page before `before`.
 */
export function searchQuery(
  form: AuditSearchForm,
  timeZone: string,
  subjects: readonly string[] | undefined,
  limit: number,
): AuditQuery {
  const day = (date: string) => new Date(startOfDayInZone(date, timeZone)).toISOString();
  return {
    ...(form.from === undefined ? {} : { from: day(form.from) }),
    ...(form.to === undefined ? {} : { to: day(addDays(form.to, 1)) }),
    ...(form.client === undefined ? {} : { client: form.client }),
    ...(form.operator === undefined ? {} : { operator: form.operator }),
    ...(form.reader === undefined ? {} : { reader: form.reader }),
    ...(form.requestId === undefined ? {} : { requestId: form.requestId }),
    ...(form.type === undefined ? {} : { type: form.type }),
    ...(form.outcome === undefined ? {} : { outcome: form.outcome }),
    ...(subjects === undefined ? {} : { subjects }),
    ...(form.before === undefined ? {} : { before: form.before }),
    newest: true,
    limit,
  };
}
