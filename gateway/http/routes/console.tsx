/**
 * The web consoles (server-rendered, no script, no external asset). The role comes from the client
 * certificate like everywhere else: officers search the trail and watch the chain, alerts and the
 * SIEM; evaluators (and officers) generate and verify reports; admins see agreements, readers and
 * clients. Any other role gets 403 from the same guard as the API.
 */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import {
  AUDIT_EVENT_TYPES,
  AUDIT_OUTCOMES,
  type AuditRecord,
  type VerifyResult,
} from '../../../audit/index.ts';
import { checkNik } from '../../../policies/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { PRINCIPAL_ID_PATTERN } from '../../config/schema.ts';
import { CONSOLE_ROLES, CONSOLE_STYLE, Layout, type ConsolePage } from '../pages/layout.tsx';
import { renderDocument } from '../pages/components.tsx';
import {
  AdminPage,
  EvaluatorPage,
  HomePage,
  OfficerPage,
  type AuditSearchForm,
} from '../pages/console-pages.tsx';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';
import { htmlPage, htmlPolicy } from '../pages/html-page.ts';
import { readLimited } from '../middleware/json-body.ts';
import { recordAuditUse } from './audit.ts';
import type { RouteSpec } from './route-spec.ts';

const CONSOLE_POLICY = htmlPolicy(CONSOLE_STYLE);
const FORM_LIMIT_BYTES = 4096;
const SEARCH_LIMIT = 200;
const TYPES: ReadonlySet<string> = new Set(AUDIT_EVENT_TYPES);
const OUTCOMES: ReadonlySet<string> = new Set(AUDIT_OUTCOMES);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CLIENT = new RegExp(PRINCIPAL_ID_PATTERN);

const html = { 200: { description: 'HTML page', contentType: 'text/html' } };

/** A bad search field, shown on the page rather than as a JSON error. */
class FormError extends Error {}

/**
 * A form post must come from the console itself: the browser sends the client certificate to any
 * site's form too, so a cross-site post is refused before anything is searched or audited.
 */
function requireSameOrigin(c: Context<GatewayEnv>): void {
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

async function readForm(c: Context<GatewayEnv>): Promise<URLSearchParams> {
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded'))
    throw new ApiError('unsupported_media_type', {
      message: 'The console form must be application/x-www-form-urlencoded.',
    });
  const bytes = await readLimited(c.req.raw.body, FORM_LIMIT_BYTES);
  return new URLSearchParams(Buffer.from(bytes).toString('utf8'));
}

interface ParsedSearch {
  readonly form: AuditSearchForm;
  readonly nik?: string;
}

function parseSearch(fields: URLSearchParams): ParsedSearch {
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

export function consoleRoutes(deps: AppDeps): RouteSpec[] {
  const page = (
    c: Context<GatewayEnv>,
    which: ConsolePage,
    title: string,
    body: Child,
    status: 200 | 400 = 200,
  ): Response =>
    htmlPage(
      c,
      renderDocument(
        <Layout
          page={which}
          title={title}
          principal={{ id: c.var.principal.id, role: c.var.principal.role }}
          instance={deps.config.instance.name}
        >
          {body}
        </Layout>,
      ),
      CONSOLE_POLICY,
      status,
    );

  const recentAlerts = (): AuditRecord[] =>
    deps.auditLog.query({ type: 'security', event: 'alert', limit: 50, newest: true }).items;

  const officerPage = (
    c: Context<GatewayEnv>,
    extra: {
      form?: AuditSearchForm;
      error?: string;
      results?: readonly AuditRecord[];
      verification?: VerifyResult;
    },
  ) => {
    const siem = deps.siem?.status();
    return page(
      c,
      'officer',
      'Jejak audit / Audit trail',
      <OfficerPage
        form={extra.form ?? { byNik: false }}
        {...(extra.error === undefined ? {} : { error: extra.error })}
        {...(extra.results === undefined ? {} : { results: extra.results })}
        {...(extra.verification === undefined ? {} : { verification: extra.verification })}
        auditWritable={deps.audit.healthy()}
        alerts={recentAlerts()}
        {...(siem === undefined ? {} : { siem })}
      />,
      extra.error === undefined ? 200 : 400,
    );
  };

  return [
    {
      method: 'GET',
      path: '/console/',
      roles: CONSOLE_ROLES.home,
      summary: 'Console home: the pages this role may open',
      responses: html,
      handler: (c) =>
        page(
          c,
          'home',
          'Konsol Gerbang / Gerbang console',
          <HomePage role={c.var.principal.role} />,
        ),
    },
    {
      method: 'GET',
      path: '/console/officer',
      roles: CONSOLE_ROLES.officer,
      summary:
        'Officer console: audit search, chain status (`?verify=1` verifies now), alerts, SIEM',
      responses: html,
      handler: async (c) => {
        const params = new URL(c.req.url).searchParams;
        for (const key of params.keys()) {
          if (key !== 'verify')
            throw new ApiError('invalid_request', { message: 'Unknown query parameter.' });
        }
        if (params.get('verify') === null) return officerPage(c, {});
        if (params.get('verify') !== '1')
          throw new ApiError('invalid_request', { message: 'verify must be 1.' });
        const verification = deps.auditLog.verify(deps.caCertificatePem);
        await recordAuditUse(deps, c, 'verify', {
          outcome: verification.ok ? 'success' : 'error',
          detail: verification.ok
            ? { records: verification.records, via: 'console' }
            : { firstBadSeq: verification.firstBadSeq, via: 'console' },
        });
        return officerPage(c, { verification });
      },
    },
    {
      method: 'POST',
      path: '/console/officer',
      roles: CONSOLE_ROLES.officer,
      summary: 'Officer console search (form post; a NIK is hashed and never echoed)',
      responses: {
        ...html,
        400: { description: 'the page with the error', contentType: 'text/html' },
      },
      handler: async (c) => {
        requireSameOrigin(c);
        let search: ParsedSearch;
        try {
          search = parseSearch(await readForm(c));
        } catch (error) {
          if (error instanceof FormError) return officerPage(c, { error: error.message });
          throw error;
        }
        const { form, nik } = search;
        const subjects = nik === undefined ? undefined : deps.traceSubjects(nik);
        const subject = subjects?.[0];
        const filters = Object.keys(form).filter(
          (key) => key !== 'byNik' && form[key as keyof AuditSearchForm] !== undefined,
        );
        if (form.byNik) filters.unshift('nik');
        await recordAuditUse(deps, c, 'query', {
          ...(subject === undefined ? {} : { subject }),
          detail: { filters: filters.join(',') || 'none', via: 'console' },
        });
        const page = deps.auditLog.query({
          ...(form.from === undefined ? {} : { from: new Date(form.from).toISOString() }),
          ...(form.to === undefined ? {} : { to: new Date(form.to).toISOString() }),
          ...(form.client === undefined ? {} : { client: form.client }),
          ...(form.type === undefined ? {} : { type: form.type }),
          ...(form.outcome === undefined ? {} : { outcome: form.outcome }),
          ...(subjects === undefined ? {} : { subjects }),
          limit: SEARCH_LIMIT,
        });
        return officerPage(c, { form, results: page.items });
      },
    },
    {
      method: 'GET',
      path: '/console/evaluator',
      roles: CONSOLE_ROLES.evaluator,
      summary: 'Evaluator console: semester and status reports, and how to verify them',
      responses: html,
      handler: (c) => {
        const thisYear = new Date(deps.now()).getUTCFullYear();
        const firstYear = Math.min(
          thisYear,
          ...deps.config.agreements.map((a) => Number(a.validFrom.slice(0, 4))),
        );
        const years: number[] = [];
        for (let year = thisYear; year >= firstYear; year--) years.push(year);
        return page(
          c,
          'evaluator',
          'Laporan kepatuhan / Compliance reports',
          <EvaluatorPage
            years={years}
            caCertificatePem={deps.caCertificatePem}
            reportsConfigured={deps.reports !== undefined}
          />,
        );
      },
    },
    {
      method: 'GET',
      path: '/console/admin',
      roles: CONSOLE_ROLES.admin,
      summary: 'Admin console: agreements with days left, readers, clients and today’s use',
      responses: html,
      handler: (c) => {
        const now = deps.now();
        const usage = deps.policy.limits.usage(now);
        return page(
          c,
          'admin',
          'Administrasi / Administration',
          <AdminPage
            agreements={deps.policy.admin.listAgreements(now)}
            readers={deps.policy.admin.listReaders()}
            clients={deps.policy.admin.listClients(usage.used)}
            upstream={{ used: usage.upstreamUsed, total: usage.upstreamTotal }}
          />,
        );
      },
    },
  ];
}
