/**
 * Compliance reports for evaluators and officers: the semester report (PKS Pasal 8) and the status
 * on any day. `format=json` (default) returns the exact signed bytes and the detached CMS
 * signature, both base64, so that they can be saved as report.json and report.p7s and verified
 * with stock OpenSSL; `format=html` returns the printable page.
 */
import { Type } from '@sinclair/typebox';
import type { Context } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';
import { htmlPage, htmlPolicy } from '../pages/html-page.ts';
import { renderReportHtml } from '../pages/report-page.tsx';
import { REPORT_STYLE } from '../pages/report-page.tsx';
import {
  reportTimeZone,
  semesterPeriod,
  statusPeriod,
  type Period,
} from '../../services/reports/report.ts';
import { defineRoute, type RouteSpec } from './route-spec.ts';

const REPORT_POLICY = htmlPolicy(REPORT_STYLE);

const SemesterQuery = Type.Object(
  {
    year: Type.String({ pattern: '^20[0-9]{2}$' }),
    half: Type.String({ enum: ['1', '2'] }),
    format: Type.Optional(Type.String({ enum: ['json', 'html'] })),
  },
  { additionalProperties: false },
);
const StatusQuery = Type.Object(
  { format: Type.Optional(Type.String({ enum: ['json', 'html'] })) },
  { additionalProperties: false },
);

export function reportRoutes(deps: AppDeps): RouteSpec[] {
  const zone = (): string => reportTimeZone(deps.config, deps.policy, deps.now());
  const answer = async (
    c: Context<GatewayEnv>,
    kind: 'semester' | 'status',
    period: Period,
    format: string | undefined,
  ) => {
    if (deps.reports === undefined)
      throw new ApiError('conflict', {
        message: 'No report-signing key is configured on this gateway.',
      });
    const p = c.var.principal;
    // The record of the key's use comes first: a trail that refuses it is AuditUnavailable (503).
    const generated = await deps.reports.generate(kind, period, {
      id: p.id,
      role: p.role,
      certificateFingerprint: p.certificateFingerprint,
    });
    if (format === 'html')
      return htmlPage(c, renderReportHtml(generated.report, generated.digest), REPORT_POLICY);
    return c.json({
      period: period.label,
      // Also inside the signed bytes: a partial report cannot pass for a final one.
      sementara: generated.report.sementara,
      cutOff: generated.report.cutOff,
      sha256: generated.digest,
      reportJson: generated.json.toString('base64'),
      signatureP7s: Buffer.from(generated.signature).toString('base64'),
    });
  };
  return [
    defineRoute({
      method: 'GET',
      path: '/v1/reports/semester',
      roles: ['evaluator', 'officer'],
      summary:
        'The signed semester report (PKS Pasal 8): year, half 1 (January–June) or 2 (July–December); sementara (partial, up to its cut-off) until the half ends',
      query: SemesterQuery,
      responses: {
        200: {
          description:
            '{period, sementara, cutOff, sha256, reportJson, signatureP7s} (base64) or the HTML page',
        },
      },
      handler: async (c) => {
        const query = c.var.query;
        const period = semesterPeriod(Number(query.year), query.half === '1' ? 1 : 2, zone());
        // A half that has not begun has nothing to report; a report of it would only mislead.
        if (deps.now() < Date.parse(period.from))
          throw new ApiError('invalid_request', { message: 'That half has not begun.' });
        return answer(c, 'semester', period, query.format);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/reports/status',
      roles: ['evaluator', 'officer'],
      summary: 'The signed compliance status today (the current semester so far)',
      query: StatusQuery,
      responses: {
        200: {
          description:
            '{period, sementara, cutOff, sha256, reportJson, signatureP7s} (base64) or the HTML page',
        },
      },
      handler: async (c) =>
        answer(c, 'status', statusPeriod(deps.now(), zone()), c.var.query.format),
    }),
  ];
}
