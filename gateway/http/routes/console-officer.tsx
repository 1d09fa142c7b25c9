/**
 * The officer console's page and its posts: the search (newest first, a page at a time, dates
 * the agreement's local days), its export as CSV or as JSON Lines signed with the report-signing
 * key, and acknowledging an alert with a note. Every use is recorded before it is answered; a
 * NIK is hashed and never echoed, a page carries its HMAC subjects instead, and an export holds
 * only what the trail holds (no NIK: subjects are HMACs).
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AuditRecord } from '../../../audit/index.ts';
import { isStorableText } from '../../../policies/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';
import { consoleDocument } from '../pages/console-document.tsx';
import { OfficerPage, type AuditSearchForm } from '../pages/officer-page.tsx';
import { recordAuditUse } from './audit-use.ts';
import { currentChainView, type ChainView } from './chain-verification.ts';
import {
  FormError,
  parseSearch,
  readForm,
  requireSameOrigin,
  searchQuery,
} from './console-search.ts';
import { exportBody, type ExportFormat } from './console-export.ts';
import { reportTimeZone } from '../../services/reports/report.ts';

const PAGE_SIZE = 100;
/** An export is of one search, not the trail: the full trail is GET /v1/audit/export. */
export const EXPORT_LIMIT = 10_000;

export interface OfficerExtra {
  form?: AuditSearchForm;
  error?: string;
  results?: readonly AuditRecord[];
  next?: number | null;
  chain?: ChainView;
  notice?: string;
  alertError?: string;
  alertNotice?: string;
  status?: ContentfulStatusCode;
}

/** The agreement's zone (else the first configured one): its days and wall clock. */
export const officerZone = (deps: AppDeps): string =>
  reportTimeZone(deps.config, deps.policy, deps.now());

/** Each alert's first acknowledgement, by the alert's sequence number. */
function acknowledgements(deps: AppDeps): Map<number, AuditRecord> {
  const acks = new Map<number, AuditRecord>();
  const items = deps.auditLog.query({
    type: 'security',
    event: 'alert_acknowledged',
    limit: 1000,
    newest: true,
  }).items;
  for (const ack of items) {
    const seq = ack.detail?.['alert'];
    if (typeof seq === 'number') acks.set(seq, ack);
  }
  return acks;
}

export function officerConsolePage(deps: AppDeps, c: Context<GatewayEnv>, extra: OfficerExtra) {
  const siem = deps.siem?.status();
  const alerts = deps.auditLog.query({
    type: 'security',
    event: 'alert',
    limit: 50,
    newest: true,
  }).items;
  return consoleDocument(
    c,
    {
      which: 'officer',
      title: 'Jejak audit / Audit trail',
      instance: deps.config.instance.name,
      status: extra.status ?? (extra.error === undefined ? 200 : 400),
    },
    <OfficerPage
      form={extra.form ?? { byNik: false }}
      {...(extra.error === undefined ? {} : { error: extra.error })}
      {...(extra.results === undefined ? {} : { results: extra.results })}
      {...(extra.next === undefined ? {} : { next: extra.next })}
      chain={extra.chain ?? currentChainView(deps)}
      {...(extra.notice === undefined ? {} : { notice: extra.notice })}
      {...(extra.alertError === undefined ? {} : { alertError: extra.alertError })}
      {...(extra.alertNotice === undefined ? {} : { alertNotice: extra.alertNotice })}
      auditWritable={deps.audit.healthy()}
      alerts={alerts}
      acks={acknowledgements(deps)}
      timeZone={officerZone(deps)}
      {...(siem === undefined ? {} : { siem })}
    />,
  );
}

/** The filters a search used, by name only: the record of a use names no value. */
function filterNames(form: AuditSearchForm): string {
  const names = Object.keys(form).filter(
    (key) =>
      !['byNik', 'subjects', 'before'].includes(key) &&
      form[key as keyof AuditSearchForm] !== undefined,
  );
  if (form.byNik) names.unshift('nik');
  return names.join(',') || 'none';
}

/** POST /console/officer: one page of a search, newest first. */
export async function searchHandler(deps: AppDeps, c: Context<GatewayEnv>): Promise<Response> {
  requireSameOrigin(c);
  let parsed: ReturnType<typeof parseSearch>;
  try {
    parsed = parseSearch(await readForm(c));
  } catch (error) {
    if (error instanceof FormError) return officerConsolePage(deps, c, { error: error.message });
    throw error;
  }
  const { nik } = parsed;
  const subjects = nik === undefined ? parsed.form.subjects : deps.traceSubjects(nik);
  const form: AuditSearchForm = {
    ...parsed.form,
    ...(subjects === undefined ? {} : { subjects }),
  };
  const subject = subjects?.[0];
  await recordAuditUse(deps, c, 'query', {
    ...(subject === undefined ? {} : { subject }),
    detail: {
      filters: filterNames(form),
      via: 'console',
      ...(form.before === undefined ? {} : { before: form.before }),
    },
  });
  const page = deps.auditLog.query(searchQuery(form, officerZone(deps), subjects, PAGE_SIZE));
  return officerConsolePage(deps, c, { form, results: page.items, next: page.next });
}

/** POST /console/officer/export: the whole search (up to EXPORT_LIMIT) as a download. */
export async function exportHandler(deps: AppDeps, c: Context<GatewayEnv>): Promise<Response> {
  requireSameOrigin(c);
  const fields = await readForm(c);
  let form: AuditSearchForm;
  let format: ExportFormat;
  try {
    ({ form } = parseSearch(fields, ['format']));
    const formats = fields.getAll('format');
    if (formats.length !== 1 || (formats[0] !== 'csv' && formats[0] !== 'jsonl'))
      throw new FormError('Format ekspor tidak valid / invalid export format (csv, jsonl).');
    format = formats[0];
    if (fields.has('nik')) throw new FormError('Kolom tidak dikenal / unknown field.');
  } catch (error) {
    if (error instanceof FormError) return officerConsolePage(deps, c, { error: error.message });
    throw error;
  }
  const reports = deps.reports;
  const signable = reports?.signExport !== undefined && deps.config.reports !== undefined;
  if (format === 'jsonl' && !signable)
    throw new ApiError('conflict', {
      message: 'No report-signing key is configured on this gateway: a JSONL export is signed.',
    });
  const zone = officerZone(deps);
  const records: AuditRecord[] = [];
  let before: number | null | undefined;
  do {
    const page = deps.auditLog.query(
      searchQuery(
        { ...form, ...(before == null ? {} : { before }) },
        zone,
        form.subjects,
        Math.min(500, EXPORT_LIMIT - records.length),
      ),
    );
    records.push(...page.items);
    before = page.next;
  } while (before !== null && records.length < EXPORT_LIMIT);
  const exportedAt = new Date(deps.now()).toISOString();
  const body = exportBody(format, records, {
    filters: { ...form, byNik: undefined, before: undefined },
    timeZone: zone,
    exportedAt,
    exportedBy: c.var.principal.id,
    truncated: before !== null,
  });
  const subject = form.subjects?.[0];
  // The record of the use, and of the key's, comes before the bytes and the signature.
  await recordAuditUse(deps, c, 'export', {
    ...(subject === undefined ? {} : { subject }),
    detail: {
      filters: filterNames(form),
      via: 'console',
      format,
      records: records.length,
      truncated: before !== null,
      sha256: body.sha256,
    },
  });
  const bytes =
    format === 'csv' || reports?.signExport === undefined
      ? body.content
      : body.sealed(await reports.signExport(body.content));
  const stamp = exportedAt.slice(0, 19).replaceAll(':', '');
  return c.body(new Uint8Array(bytes), 200, {
    'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
    'Content-Disposition': `attachment; filename="gerbang-search-${stamp}.${format}"`,
  });
}

const SEQ = /^[1-9][0-9]{0,14}$/;

/** POST /console/officer/alerts/ack: an alert acknowledged with a note, recorded. */
export async function acknowledgeHandler(deps: AppDeps, c: Context<GatewayEnv>): Promise<Response> {
  requireSameOrigin(c);
  const fields = await readForm(c);
  const refuse = (alertError: string, status: ContentfulStatusCode = 400) =>
    officerConsolePage(deps, c, { alertError, status });
  for (const key of fields.keys())
    if (key !== 'alert' && key !== 'note') return refuse('Kolom tidak dikenal / unknown field.');
  const [alertText, ...moreAlerts] = fields.getAll('alert');
  const [noteText, ...moreNotes] = fields.getAll('note');
  const note = noteText?.trim() ?? '';
  if (alertText === undefined || moreAlerts.length > 0 || !SEQ.test(alertText))
    return refuse('Peringatan tidak valid / invalid alert.');
  if (moreNotes.length > 0 || note === '' || note.length > 500 || !isStorableText(note, 'text'))
    return refuse(
      'Catatan wajib, paling banyak 500 karakter, tanpa 16 angka berturut-turut / a note is required, at most 500 characters, without sixteen digits in a row.',
    );
  const seq = Number(alertText);
  const [alert] = deps.auditLog.query({
    type: 'security',
    event: 'alert',
    after: seq - 1,
    limit: 1,
  }).items;
  if (alert?.seq !== seq) return refuse('Peringatan tidak ada / no such alert.', 404);
  const earlier = acknowledgements(deps).get(seq);
  if (earlier !== undefined)
    return refuse(
      `Sudah diakui oleh / already acknowledged by ${earlier.principal?.id ?? ''} (${earlier.time}).`,
      409,
    );
  const principal = c.var.principal;
  try {
    await deps.audit.append({
      type: 'security',
      event: 'alert_acknowledged',
      outcome: 'success',
      requestId: c.var.requestId,
      principal: {
        id: principal.id,
        role: principal.role,
        certificateFingerprint: principal.certificateFingerprint,
      },
      detail: { alert: seq, note, via: 'console' },
    });
  } catch (cause) {
    throw new ApiError('audit_unavailable', { cause });
  }
  return officerConsolePage(deps, c, {
    alertNotice: `Peringatan ${String(seq)} diakui / alert ${String(seq)} acknowledged.`,
  });
}
