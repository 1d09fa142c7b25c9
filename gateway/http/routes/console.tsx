/**
 * The web consoles (server-rendered, no script, no external asset). The role comes from the client
 * certificate like everywhere else: officers search the trail and watch the chain, alerts and the
 * SIEM; evaluators (and officers) generate and verify reports; admins see agreements, readers and
 * clients. Any other role gets 403 from the same guard as the API.
 */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppDeps } from '../app-deps.ts';
import { CONSOLE_ROLES, type ConsolePage } from '../pages/layout.tsx';
import { consoleDocument } from '../pages/console-document.tsx';
import { HomePage } from '../pages/home-page.tsx';
import { EvaluatorPage } from '../pages/evaluator-page.tsx';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';
import { verifyChainFor } from './chain-verification.ts';
import { requireSameOrigin } from './console-search.ts';
import {
  acknowledgeHandler,
  exportHandler,
  officerConsolePage,
  searchHandler,
  type OfficerExtra,
} from './console-officer.tsx';
import type { RouteSpec } from './route-spec.ts';
import { adminConsolePage } from './console-admin.tsx';
import { nextDueReport, type DueStatus } from '../../services/reports/due-status.ts';
import { reportTimeZone } from '../../services/reports/report.ts';
import { semesterOf } from '../../services/reports/semester.ts';
import { HISTORY_LIMIT, issuedReports } from '../../services/reports/report-history.ts';

/**
 * How long a "Verify now" post waits for the outcome before the page says it is in progress (the
 * run goes on, and the page shows its outcome once it is known).
 */
const VERIFY_WAIT_MS = 10_000;

const html = { 200: { description: 'HTML page', contentType: 'text/html' } };

export function consoleRoutes(deps: AppDeps): RouteSpec[] {
  const page = (
    c: Context<GatewayEnv>,
    which: ConsolePage,
    title: string,
    body: Child,
    status: 200 | 400 = 200,
  ): Response =>
    consoleDocument(c, { which, title, instance: deps.config.instance.name, status }, body);

  /** Read from the trail even without a signing key: an unmade report is due all the same. */
  const dueReportAt = (now: number): DueStatus =>
    nextDueReport({
      reader: deps.auditLog,
      timeZone: reportTimeZone(deps.config, deps.policy, now),
      now,
      reminderDays: deps.config.reports?.reminderDays,
      agreementInForce: (instant) => deps.policy.registry.inForce(instant) !== undefined,
    });

  const officerPage = (c: Context<GatewayEnv>, extra: OfficerExtra) =>
    officerConsolePage(deps, c, extra);

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
        'Officer console: audit search, chain status (verified by the button on the page, a POST), alerts, SIEM',
      responses: html,
      handler: (c) => {
        const params = new URL(c.req.url).searchParams;
        for (const key of params.keys()) {
          if (key !== 'verify')
            throw new ApiError('invalid_request', { message: 'Unknown query parameter.' });
        }
        // A GET changes nothing: any site can make a browser send one with the officer's
        // certificate. `?verify=1` (the old link) verifies nothing; the page's button does.
        return officerPage(
          c,
          params.has('verify')
            ? {
                notice:
                  'Verifikasi dimulai dengan tombol di bawah / Verification is started with the button below.',
              }
            : {},
        );
      },
    },
    {
      method: 'POST',
      path: '/console/officer/verify',
      roles: CONSOLE_ROLES.officer,
      summary:
        'Officer console: verify the whole chain now (form post from the console; off the event loop, one run at a time)',
      responses: html,
      handler: async (c) => {
        requireSameOrigin(c);
        const chain = await verifyChainFor(deps, c, { via: 'console', waitMs: VERIFY_WAIT_MS });
        return officerPage(c, { chain });
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
      handler: (c) => searchHandler(deps, c),
    },
    {
      method: 'POST',
      path: '/console/officer/export',
      roles: CONSOLE_ROLES.officer,
      summary:
        'Officer console: export a search as CSV or as JSON Lines whose last line is a detached CMS signature (form post; audited first)',
      responses: {
        200: {
          description: 'text/csv or application/x-ndjson',
          contentType: 'application/x-ndjson',
        },
        400: { description: 'the page with the error', contentType: 'text/html' },
        409: { description: 'no report-signing key for a signed export', contentType: 'text/html' },
      },
      handler: (c) => exportHandler(deps, c),
    },
    {
      method: 'POST',
      path: '/console/officer/alerts/ack',
      roles: CONSOLE_ROLES.officer,
      summary: 'Officer console: acknowledge an alert with a note (form post; audited)',
      responses: {
        ...html,
        400: { description: 'the page with the error', contentType: 'text/html' },
        404: { description: 'no such alert', contentType: 'text/html' },
        409: { description: 'already acknowledged', contentType: 'text/html' },
      },
      handler: (c) => acknowledgeHandler(deps, c),
    },
    {
      method: 'GET',
      path: '/console/evaluator',
      roles: CONSOLE_ROLES.evaluator,
      summary:
        'Evaluator console: the report due next, semester and status reports (the half of today preselected), the reports issued with their anchors, and how to verify them',
      responses: html,
      handler: (c) => {
        const now = deps.now();
        // The agreement's zone, not UTC: on 31 December 20:00 UTC it is already January in Makassar.
        const timeZone = reportTimeZone(deps.config, deps.policy, now);
        const current = semesterOf(now, timeZone);
        const thisYear = current.year;
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
            current={current}
            due={dueReportAt(now)}
            history={issuedReports(deps.auditLog, timeZone, HISTORY_LIMIT)}
            historyLimit={HISTORY_LIMIT}
            timeZone={timeZone}
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
      summary:
        'Admin console: agreements with instruments and days left, readers, clients and today’s use, with the forms of every admin action',
      responses: html,
      handler: (c) => adminConsolePage(deps, c),
    },
  ];
}
