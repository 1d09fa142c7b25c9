/**
 * Return data (data balikan) from the apps: POST queues a delivery of NPWPD and tax types for a
 * NIK (idempotent under Idempotency-Key), GET shows a delivery's status to the client that
 * submitted it, and /coverage shows officers and evaluators accessed / returned / overdue.
 */
import { Type } from '@sinclair/typebox';
import { canonicalJson } from '../../../audit/index.ts';
import {
  checkNik,
  checkStoredText,
  JENIS_PAJAK,
  STORED_TEXT_MESSAGES,
  taxesOfLevel,
  type JenisPajak,
} from '../../../policies/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { ApiError } from '../error-catalogue.ts';
import { commitAudit, dataPathDraft } from '../middleware/audit-data-path.ts';
import { ErrorResponse, Nik, Reference } from '../schemas.ts';
import { defineRoute, type RouteSpec } from './route-spec.ts';
import { NIK_MESSAGES } from './lookup.ts';

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

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/** Idempotency-Key as sent, or the refusal of a malformed one or one that could carry a NIK. */
function checkedIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key))
    throw new ApiError('invalid_request', {
      message: 'Idempotency-Key must be 1-128 characters of A-Z a-z 0-9 . _ : -.',
    });
  // The key is stored in the outbox: the stored-text guard (policies/stored-text.ts).
  const refusal = checkStoredText(key, 'identifier');
  if (refusal !== undefined)
    throw new ApiError('invalid_request', {
      detail: `Idempotency-Key refused: ${refusal}`,
      message: `Idempotency-Key ${STORED_TEXT_MESSAGES[refusal]}.`,
    });
  return key;
}

function codeFor(
  path: string,
  keyword: string,
): 'invalid_nik' | 'invalid_npwpd' | 'invalid_jenis_pajak' | undefined {
  if (path === '/nik') return 'invalid_nik';
  if (path === '/npwpd') return 'invalid_npwpd';
  if (path.startsWith('/jenis_pajak/') && keyword === 'enum') return 'invalid_jenis_pajak';
  return undefined;
}

export function returnDataRoutes(deps: AppDeps): RouteSpec[] {
  const npwpd = new RegExp(deps.config.returnData.npwpdPattern, 'u');
  // Only the taxes of the agency's own level (config returnData.agencyLevel, policies/tax.ts).
  const level = deps.config.returnData.agencyLevel;
  const levied: ReadonlySet<JenisPajak> = new Set(taxesOfLevel(level));
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
      schemaErrorCodes: codeFor,
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
        const draft = dataPathDraft(c);
        const body = c.var.body;
        draft.reference = body.reference;
        const nik = checkNik(body.nik);
        if (!nik.valid)
          throw new ApiError('invalid_nik', {
            detail: nik.reason,
            message: NIK_MESSAGES[nik.reason],
          });
        draft.subject = deps.subjectHasher(body.nik);
        if (!npwpd.test(body.npwpd)) throw new ApiError('invalid_npwpd');
        // Names from the enum-checked code list, so the message holds no input of any other kind.
        const notLevied = body.jenis_pajak.filter((jenis) => !levied.has(jenis));
        if (notLevied.length > 0)
          throw new ApiError('jenis_pajak_not_levied', {
            message: `${notLevied.join(', ')}: not levied by a ${level} agency; it levies only ${[...levied].join(', ')}.`,
          });
        const key = checkedIdempotencyKey(c.req.header('idempotency-key'));
        if (deps.returnData === undefined)
          throw new ApiError('internal_error', { detail: 'no outbox' });
        const outcome = deps.returnData.outbox.enqueue({
          client: c.var.principal.id,
          idempotencyKey: key,
          // Keyed, so the stored fingerprint of a request reveals nothing of the NIK in it.
          requestHash: deps.subjectHasher(
            `return-data:${canonicalJson({ ...body, jenis_pajak: [...body.jenis_pajak].sort() })}`,
          ),
          subject: draft.subject,
          nik: body.nik,
          npwpd: body.npwpd,
          jenisPajak: body.jenis_pajak,
          reference: body.reference,
          now: deps.now(),
        });
        if (outcome.kind === 'conflict')
          throw new ApiError('conflict', {
            message: 'This Idempotency-Key was used for a different request.',
          });
        const delivery = outcome.delivery;
        draft.outcome = 'success';
        draft.detail = {
          ...draft.detail,
          delivery: delivery.id,
          repeat: outcome.kind === 'existing',
          jenisPajak: body.jenis_pajak.join(','),
        };
        try {
          await commitAudit(c, deps.audit);
        } catch (error) {
          // Fail closed: a submission that cannot be recorded is not queued either.
          if (outcome.kind === 'created') deps.returnData.outbox.cancel(delivery.id);
          throw error;
        }
        deps.returnData.worker.notify();
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
