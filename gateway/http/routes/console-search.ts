/**
 * The officer console's search form: a post must come from the console itself, as a small
 * url-encoded form whose fields are each known, given once and well-formed. A bad field is a
 * FormError, shown on the page; a NIK is passed on to be hashed, never echoed.
 */
import type { Context } from 'hono';
import { AUDIT_EVENT_TYPES, AUDIT_OUTCOMES } from '../../../audit/index.ts';
import { checkNik } from '../../../policies/index.ts';
import { PRINCIPAL_ID_PATTERN } from '../../config/schema.ts';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';
import { readLimited } from '../middleware/json-body.ts';
import type { AuditSearchForm } from '../pages/officer-page.tsx';

const FORM_LIMIT_BYTES = 4096;
const TYPES: ReadonlySet<string> = new Set(AUDIT_EVENT_TYPES);
const OUTCOMES: ReadonlySet<string> = new Set(AUDIT_OUTCOMES);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CLIENT = new RegExp(PRINCIPAL_ID_PATTERN);

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

export function parseSearch(fields: URLSearchParams): ParsedSearch {
  const value = (name: string): string | undefined => {
    const values = fields.getAll(name);
    if (values.length > 1) throw new FormError(`Kolom ${name} berulang / field repeated.`);
    const text = values[0]?.trim();
    return text === undefined || text === '' ? undefined : text;
  };
  for (const key of fields.keys()) {
    if (!['nik', 'client', 'type', 'outcome', 'from', 'to'].includes(key))
      throw new FormError('Kolom tidak dikenal / unknown field.');
  }
  const nik = value('nik');
  const client = value('client');
  const type = value('type');
  const outcome = value('outcome');
  const from = value('from');
  const to = value('to');
  const form: AuditSearchForm = {
    byNik: nik !== undefined,
    ...(client === undefined ? {} : { client }),
    ...(type === undefined ? {} : { type }),
    ...(outcome === undefined ? {} : { outcome }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
  };
  if (nik !== undefined && !checkNik(nik).valid)
    throw new FormError('NIK tidak valid (16 digit) / The NIK is not a valid 16-digit NIK.');
  if (client !== undefined && !CLIENT.test(client))
    throw new FormError('Klien tidak valid / invalid client id.');
  if (type !== undefined && !TYPES.has(type))
    throw new FormError('Jenis tidak valid / invalid type.');
  if (outcome !== undefined && !OUTCOMES.has(outcome))
    throw new FormError('Hasil tidak valid / invalid outcome.');
  for (const date of [from, to]) {
    if (date !== undefined && (!DATE.test(date) || Number.isNaN(Date.parse(date))))
      throw new FormError('Tanggal tidak valid / invalid date (YYYY-MM-DD).');
  }
  return { form, ...(nik === undefined ? {} : { nik }) };
}
