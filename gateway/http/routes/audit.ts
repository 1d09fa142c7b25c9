/**
 * The officer's view of the audit trail: search (a NIK is hashed here, so the officer can trace
 * one resident while the trail holds no NIK), verification, and a verifiable export. Every use is
 * itself recorded before it is answered.
 */
import { Type } from '@sinclair/typebox';
import { AUDIT_EVENT_TYPES, AUDIT_OUTCOMES } from '../../../audit/index.ts';
import { checkNik, parseIsoInstant } from '../../../policies/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { ApiError } from '../error-catalogue.ts';
import { ErrorResponse } from '../schemas.ts';
import { compileSchemaValidator } from '../validate.ts';
import { queryParameters } from '../middleware/request-schemas.ts';
import { PRINCIPAL_ID_PATTERN } from '../../config/schema.ts';
import { defineRoute, type RouteSpec } from './route-spec.ts';
import { recordAuditUse } from './audit-use.ts';
import { verifyChainFor } from './chain-verification.ts';

export { recordAuditUse } from './audit-use.ts';

const ISO_TIME =
  '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2}))?$';
const TOKEN = '^[A-Za-z0-9._@:-]{1,128}$';

export const AuditEventsQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ pattern: ISO_TIME, description: 'inclusive, ISO 8601' })),
    to: Type.Optional(Type.String({ pattern: ISO_TIME, description: 'exclusive, ISO 8601' })),
    client: Type.Optional(Type.String({ pattern: PRINCIPAL_ID_PATTERN })),
    operator: Type.Optional(Type.String({ pattern: TOKEN })),
    reader: Type.Optional(Type.String({ pattern: TOKEN })),
    type: Type.Optional(Type.String({ enum: [...AUDIT_EVENT_TYPES] })),
    event: Type.Optional(Type.String({ pattern: TOKEN })),
    outcome: Type.Optional(Type.String({ enum: [...AUDIT_OUTCOMES] })),
    nik: Type.Optional(
      Type.String({ maxLength: 32, description: 'hashed by the gateway; never stored' }),
    ),
    requestId: Type.Optional(Type.String({ pattern: TOKEN })),
    after: Type.Optional(
      Type.String({ pattern: '^\\d{1,15}$', description: 'the `next` of the previous page' }),
    ),
    limit: Type.Optional(Type.String({ pattern: '^\\d{1,3}$', description: '1-500, default 100' })),
  },
  { additionalProperties: false },
);

const ExportQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ pattern: ISO_TIME })),
    to: Type.Optional(Type.String({ pattern: ISO_TIME })),
  },
  { additionalProperties: false },
);

/** Normalises an ISO time or date to the stored form (UTC, milliseconds). */
function toStoredTime(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = parseIsoInstant(value);
  if (time === undefined)
    throw new ApiError('invalid_request', {
      message:
        'A time parameter is not a real ISO 8601 date or time with a zone, from 2000 to 2100.',
    });
  return new Date(time).toISOString();
}

export function auditRoutes(deps: AppDeps): RouteSpec[] {
  // The export's query is checked here, not declared in the table: /openapi.json has never
  // described it, and the document stays as it is.
  const validateExport = compileSchemaValidator(ExportQuery);

  return [
    defineRoute({
      method: 'GET',
      path: '/v1/audit/events',
      roles: ['officer'],
      summary: 'Search the audit trail (nik is hashed by the gateway)',
      query: AuditEventsQuery,
      refuseRepeatedQuery: true,
      schemaErrorCodes: (path) => (path === '/nik' ? 'invalid_nik' : undefined),
      responses: {
        200: { description: '{items, next}' },
        400: { description: 'invalid_request, invalid_nik', schema: ErrorResponse },
      },
      handler: async function auditEventsHandler(c) {
        const query = c.var.query;
        let subjects: string[] | undefined;
        if (query.nik !== undefined) {
          const check = checkNik(query.nik);
          if (!check.valid) throw new ApiError('invalid_nik');
          subjects = deps.traceSubjects(query.nik);
        }
        const subject = subjects?.[0];
        const limit = query.limit === undefined ? 100 : Number(query.limit);
        if (limit < 1 || limit > 500)
          throw new ApiError('invalid_request', { message: 'limit must be 1-500.' });
        const from = toStoredTime(query.from);
        const to = toStoredTime(query.to);
        const filters = Object.keys(query).filter((key) => key !== 'after' && key !== 'limit');
        await recordAuditUse(deps, c, 'query', {
          ...(subject === undefined ? {} : { subject }),
          detail: { filters: filters.join(',') || 'none' },
        });
        const page = deps.auditLog.query({
          ...(from === undefined ? {} : { from }),
          ...(to === undefined ? {} : { to }),
          ...(query.client === undefined ? {} : { client: query.client }),
          ...(query.operator === undefined ? {} : { operator: query.operator }),
          ...(query.reader === undefined ? {} : { reader: query.reader }),
          ...(query.type === undefined ? {} : { type: query.type }),
          ...(query.event === undefined ? {} : { event: query.event }),
          ...(query.outcome === undefined ? {} : { outcome: query.outcome }),
          ...(query.requestId === undefined ? {} : { requestId: query.requestId }),
          ...(subjects === undefined ? {} : { subjects }),
          ...(query.after === undefined ? {} : { after: Number(query.after) }),
          limit,
        });
        return c.json(page);
      },
    }),
    {
      method: 'GET',
      path: '/v1/audit/verify',
      roles: ['officer'],
      summary: 'Verify the stored trail: chain, checkpoints and their signatures',
      responses: { 200: { description: '{ok, ...}' } },
      handler: async function auditVerifyHandler(c) {
        // Off the event loop, one run at a time: a second request joins the run under way.
        const view = await verifyChainFor(deps, c, { via: 'api' });
        if (view.state !== 'done' || view.outcome.kind === 'failed')
          throw new ApiError('internal_error', { detail: 'the chain verification could not run' });
        return c.json(view.outcome.result);
      },
    },
    {
      method: 'GET',
      path: '/v1/audit/export',
      roles: ['officer'],
      summary:
        'Export the trail as JSON Lines ending with a fresh signed checkpoint (verify with `gerbang audit verify FILE`)',
      responses: {
        200: { description: 'JSON Lines', contentType: 'application/x-ndjson' },
        400: { description: 'invalid_request (from, to)', schema: ErrorResponse },
      },
      handler: async function auditExportHandler(c) {
        const query = validateExport(queryParameters(c, true));
        const from = toStoredTime(query.from);
        const to = toStoredTime(query.to);
        const fromSeq = from === undefined ? undefined : deps.auditLog.seqAtTime(from);
        const toSeq =
          to === undefined
            ? undefined
            : (deps.auditLog.seqAtTime(to) ?? Number.MAX_SAFE_INTEGER) - 1;
        await recordAuditUse(deps, c, 'export', {
          detail: { from: from ?? 'start', to: to ?? 'end' },
        });
        const exported = deps.auditLog.exportLines({
          ...(from === undefined ? {} : { fromSeq: fromSeq ?? Number.MAX_SAFE_INTEGER }),
          ...(toSeq === undefined ? {} : { toSeq }),
          sealWithFreshCheckpoint: true,
        });
        const lines = exported[Symbol.iterator]();
        const encoder = new TextEncoder();
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            let chunk = '';
            for (let i = 0; i < 256; i++) {
              const next = lines.next();
              if (next.done === true) {
                if (chunk) controller.enqueue(encoder.encode(chunk));
                controller.close();
                return;
              }
              chunk += `${JSON.stringify(next.value)}\n`;
            }
            controller.enqueue(encoder.encode(chunk));
          },
        });
        return c.body(stream, 200, {
          'Content-Type': 'application/x-ndjson',
          'Content-Disposition': 'attachment; filename="gerbang-audit.jsonl"',
        });
      },
    },
  ];
}
