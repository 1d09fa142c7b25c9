/**
 * Return data (data balikan) from the apps: POST queues a delivery of NPWPD and tax types for a
 * NIK (idempotent under Idempotency-Key), GET shows a delivery's status to the client that
 * submitted it, and /coverage shows officers and evaluators accessed / returned / overdue.
 */
import { Type } from '@sinclair/typebox';
import { JENIS_PAJAK, type JenisPajak } from '../../../policies/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { ApiError } from '../error-catalogue.ts';
import { ErrorResponse, Nik, Reference } from '../schemas.ts';
import { defineRoute, type RouteSpec } from './route-spec.ts';
import { submitReturnData } from './return-data-submit.ts';

export const ReturnDataRequest = Type.Object(
  {
    nik: Nik,
    npwpd: Type.String({ minLength: 1, maxLength: 22 }),
    jenis_pajak: Type.Array(Type.Unsafe<JenisPajak>({ type: 'string', enum: [...JENIS_PAJAK] }), {
      minItems: 1,
      maxItems: JENIS_PAJAK.length,
      uniqueItems: true,
    }),
    reference: Reference,
  },
  { additionalProperties: false, title: 'ReturnDataRequest' },
);

const DeliveryStatus = Type.Object(
  {
    id: Type.String(),
    status: Type.Union([Type.Literal('queued'), Type.Literal('delivered'), Type.Literal('failed')]),
    attempts: Type.Integer(),
    deliveredAt: Type.Optional(Type.String()),
  },
  { title: 'DeliveryStatus' },
);

export function returnDataErrorCode(
  path: string,
  keyword: string,
): 'invalid_nik' | 'invalid_npwpd' | 'invalid_jenis_pajak' | undefined {
  if (path === '/nik') return 'invalid_nik';
  if (path === '/npwpd') return 'invalid_npwpd';
  if (path.startsWith('/jenis_pajak/') && keyword === 'enum') return 'invalid_jenis_pajak';
  return undefined;
}

export function returnDataRoutes(deps: AppDeps): RouteSpec[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/v1/return-data',
      roles: ['app', 'operator'],
      summary:
        'Queue return data (NPWPD and tax types) for a NIK; idempotent under Idempotency-Key',
      auditType: 'return_data',
      auditEvent: 'submitted',
      requestBody: ReturnDataRequest,
      schemaErrorCodes: returnDataErrorCode,
      requiresOperator: true,
      responses: {
        202: {
          description: 'queued (or the delivery already queued under this Idempotency-Key)',
          schema: DeliveryStatus,
        },
        400: {
          description:
            'invalid_request, invalid_nik, invalid_npwpd, invalid_jenis_pajak, jenis_pajak_not_levied',
          schema: ErrorResponse,
        },
        409: {
          description: 'conflict: the Idempotency-Key was used for another request',
          schema: ErrorResponse,
        },
        503: {
          description: 'audit_unavailable, outbox_unavailable: nothing was queued',
          schema: ErrorResponse,
        },
      },
      handler: async function returnDataHandler(c) {
        const delivery = await submitReturnData(
          c,
          deps,
          c.var.body,
          c.req.header('idempotency-key'),
        );
        return c.json(
          {
            id: delivery.id,
            status: delivery.status,
            attempts: delivery.attempts,
            ...(delivery.deliveredAt ? { deliveredAt: delivery.deliveredAt } : {}),
          },
          202,
        );
      },
    }),
    {
      method: 'GET',
      path: '/v1/return-data/coverage',
      roles: ['officer', 'evaluator'],
      summary: 'Residents accessed, returned and overdue, by client and month (aggregates only)',
      responses: { 200: { description: '{withinDays, rows}' } },
      handler: (c) => {
        const withinDays =
          deps.policy.registry.inForce(deps.now())?.terms.returnDataWithinDays ?? 7;
        return c.json({
          withinDays,
          rows: deps.auditLog.returnDataCoverage({ now: deps.now(), withinDays }),
        });
      },
    },
    {
      method: 'GET',
      path: '/v1/return-data/:id',
      roles: ['app', 'operator'],
      summary: 'The status of a return-data delivery (only to the client that submitted it)',
      responses: {
        200: { description: 'status', schema: DeliveryStatus },
        404: { description: 'not_found', schema: ErrorResponse },
      },
      handler: (c) => {
        const delivery = deps.returnData?.outbox.get(c.req.param('id') ?? '');
        if (delivery?.client !== c.var.principal.id) throw new ApiError('not_found');
        return c.json({
          id: delivery.id,
          status: delivery.status,
          attempts: delivery.attempts,
          ...(delivery.deliveredAt ? { deliveredAt: delivery.deliveredAt } : {}),
        });
      },
    },
  ];
}
