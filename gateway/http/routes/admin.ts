/**
 * The administrator's API (role `admin`): agreements (list with state and days left, a renewal
 * under a new number, instruments, suspension and resumption, termination, ISO 27001 certificate), clients (list, suspend, resume), and
 * acknowledging a clock jump. Every change is audited before it is applied; nothing here can
 * touch an audit record.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Context, MiddlewareHandler } from 'hono';
import {
  EARLIEST_DATE,
  ELEMENTS,
  LATEST_DATE,
  parseIsoInstant,
  type ElementName,
} from '../../../policies/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { PRINCIPAL_ID_PATTERN } from '../../config/schema.ts';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';
import { ErrorResponse, STORED_TEXT_FORMATS } from '../schemas.ts';
import { TERMINATION_REASONS, type AdminContext } from '../../services/index.ts';
import { acknowledgeClock } from '../../services/admin/clock.ts';
import type { AgreementView } from '../../services/admin/agreement-view.ts';
import { defineRoute, type RouteSpec } from './route-spec.ts';

const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
// Text that reaches state.db and the audit trail passes the stored-text guard (schemas.ts).
const AgreementNumber = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9][A-Za-z0-9 ./_-]*$',
  format: STORED_TEXT_FORMATS.text,
});
const Note = Type.String({ minLength: 1, maxLength: 500, format: STORED_TEXT_FORMATS.text });

export const AddAgreementRequest = Type.Object(
  {
    number: AgreementNumber,
    kind: Type.Unsafe<'renewal' | 'addendum'>({ type: 'string', enum: ['renewal', 'addendum'] }),
    follows: AgreementNumber,
    signedOn: IsoDate,
    validFrom: IsoDate,
    validUntil: IsoDate,
    parties: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 256, format: STORED_TEXT_FORMATS.text }), {
        minItems: 2,
        maxItems: 8,
      }),
    ),
    elements: Type.Optional(
      Type.Array(Type.Unsafe<ElementName>({ type: 'string', enum: [...ELEMENTS] }), {
        minItems: 1,
        uniqueItems: true,
      }),
    ),
    timeZone: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, format: STORED_TEXT_FORMATS.identifier }),
    ),
  },
  { additionalProperties: false },
);
export const TerminateRequest = Type.Object(
  {
    number: AgreementNumber,
    reason: Type.Unsafe<(typeof TERMINATION_REASONS)[number]>({
      type: 'string',
      enum: [...TERMINATION_REASONS],
    }),
    note: Type.Optional(Note),
    effectiveAt: Type.Optional(
      Type.String({
        pattern:
          '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})$',
      }),
    ),
  },
  { additionalProperties: false },
);
export const Iso27001Request = Type.Object(
  { number: AgreementNumber, submittedOn: IsoDate },
  { additionalProperties: false },
);
export const SuspendRequest = Type.Object({ reason: Note }, { additionalProperties: false });
/** An addendum, Petunjuk Teknis or renewal of an agreement (PKS Pasal 9(2), 9(3)). */
export const AddInstrumentRequest = Type.Object(
  {
    agreement: AgreementNumber,
    kind: Type.Unsafe<'addendum' | 'petunjuk_teknis' | 'renewal'>({
      type: 'string',
      enum: ['addendum', 'petunjuk_teknis', 'renewal'],
    }),
    number: AgreementNumber,
    signedOn: Type.Optional(IsoDate),
    effectiveOn: IsoDate,
    sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }),
    elements: Type.Optional(
      Type.Array(Type.Unsafe<ElementName>({ type: 'string', enum: [...ELEMENTS] }), {
        minItems: 1,
        uniqueItems: true,
      }),
    ),
    validUntil: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);
export const SuspendAgreementRequest = Type.Object(
  { number: AgreementNumber, reason: Note },
  { additionalProperties: false },
);
export const ResumeAgreementRequest = Type.Object(
  { number: AgreementNumber, note: Type.Optional(Note) },
  { additionalProperties: false },
);

export function adminContext(c: Context<GatewayEnv>, deps: AppDeps): AdminContext {
  const p = c.var.principal;
  return {
    principal: { id: p.id, role: p.role, certificateFingerprint: p.certificateFingerprint },
    requestId: c.var.requestId,
    now: deps.now(),
  };
}

/**
 * The refusals of every admin change, for /openapi.json: the action's own (AdminActionError), a
 * trail that cannot record it (AuditUnavailable) and a state database that cannot store it
 * (StorageUnavailable), mapped by gateway/http/error-mapping.ts.
 */
export const ADMIN_ERRORS = {
  400: { description: 'invalid_request', schema: ErrorResponse },
  404: { description: 'not_found', schema: ErrorResponse },
  409: { description: 'conflict', schema: ErrorResponse },
  503: { description: 'audit_unavailable, state_unavailable', schema: ErrorResponse },
} as const;

const CLIENT_ID = new RegExp(PRINCIPAL_ID_PATTERN);

/** Termination as the API and the admin console ask for it: `effectiveAt` a real instant. */
export function terminateAgreement(
  deps: AppDeps,
  context: AdminContext,
  input: Static<typeof TerminateRequest>,
): Promise<AgreementView> {
  const effectiveAt =
    input.effectiveAt === undefined ? undefined : parseIsoInstant(input.effectiveAt);
  if (input.effectiveAt !== undefined && effectiveAt === undefined)
    throw new ApiError('invalid_request', {
      message: `Field /effectiveAt must be a real time from ${EARLIEST_DATE} to ${LATEST_DATE}.`,
    });
  return deps.policy.admin.terminate(context, {
    number: input.number,
    reason: input.reason,
    ...(input.note ? { note: input.note } : {}),
    ...(effectiveAt === undefined ? {} : { effectiveAt }),
  });
}

/** The client in the path must be a well-formed principal id, before the body is looked at. */
const clientInPath: MiddlewareHandler<GatewayEnv> = async function clientInPathMiddleware(c, next) {
  const id = c.req.param('clientId');
  if (id === undefined || !CLIENT_ID.test(id)) throw new ApiError('not_found');
  await next();
};

export function adminRoutes(deps: AppDeps): RouteSpec[] {
  const admin = deps.policy.admin;
  return [
    {
      method: 'GET',
      path: '/v1/admin/agreements',
      roles: ['admin'],
      summary: 'Agreements with state, days left and the ISO 27001 certificate status',
      responses: { 200: { description: '{items}' } },
      handler: (c) => c.json({ items: admin.listAgreements(deps.now()) }),
    },
    defineRoute({
      method: 'POST',
      path: '/v1/admin/agreements',
      roles: ['admin'],
      summary:
        'Add a renewal under a number of its own (a new agreement with its own window); an addendum is an instrument',
      requestBody: AddAgreementRequest,
      responses: { 201: { description: 'the agreement' }, ...ADMIN_ERRORS },
      handler: async (c) =>
        c.json(await admin.addAgreement(adminContext(c, deps), c.var.body), 201),
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/admin/agreements/terminate',
      roles: ['admin'],
      summary:
        'Terminate an agreement (PKS Pasal 9(1), Pasal 5(2)); data stops and readers are switched off',
      requestBody: TerminateRequest,
      responses: { 200: { description: 'the agreement' }, ...ADMIN_ERRORS },
      handler: async (c) =>
        c.json(await terminateAgreement(deps, adminContext(c, deps), c.var.body)),
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/admin/agreements/instruments',
      roles: ['admin'],
      summary:
        'Add an addendum, Petunjuk Teknis or renewal to an agreement: it governs from its effective day in the agreement’s zone',
      requestBody: AddInstrumentRequest,
      responses: { 201: { description: 'the agreement' }, ...ADMIN_ERRORS },
      handler: async (c) =>
        c.json(await admin.addInstrument(adminContext(c, deps), c.var.body), 201),
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/admin/agreements/suspend',
      roles: ['admin'],
      summary:
        'Suspend an agreement (PKS Pasal 6, force majeure): data requests and card reads get 403 agreement_suspended until resumed',
      requestBody: SuspendAgreementRequest,
      responses: { 200: { description: 'the agreement' }, ...ADMIN_ERRORS },
      handler: async (c) => c.json(await admin.suspendAgreement(adminContext(c, deps), c.var.body)),
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/admin/agreements/resume',
      roles: ['admin'],
      summary: 'Resume a suspended agreement under the same number',
      requestBody: ResumeAgreementRequest,
      responses: { 200: { description: 'the agreement' }, ...ADMIN_ERRORS },
      handler: async (c) => c.json(await admin.resumeAgreement(adminContext(c, deps), c.var.body)),
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/admin/agreements/iso27001',
      roles: ['admin'],
      summary:
        'Record that the ISO/IEC 27001 certificate was submitted (due 6 months after signing)',
      requestBody: Iso27001Request,
      responses: { 200: { description: 'the agreement' }, ...ADMIN_ERRORS },
      handler: async (c) => c.json(await admin.recordIso27001(adminContext(c, deps), c.var.body)),
    }),
    {
      method: 'GET',
      path: '/v1/admin/clients',
      roles: ['admin'],
      summary: 'Principals with role, profile, standing and today’s use',
      responses: { 200: { description: '{items, quota}' } },
      handler: (c) => {
        const usage = deps.policy.limits.usage(deps.now());
        return c.json({ items: admin.listClients(usage.used), quota: usage });
      },
    },
    ...(['suspend', 'resume'] as const).map((action) =>
      defineRoute<typeof SuspendRequest | undefined>({
        method: 'POST',
        path: `/v1/admin/clients/:clientId/${action}`,
        roles: ['admin'],
        summary:
          action === 'suspend'
            ? 'Suspend a client: its data requests get 403 client_suspended'
            : 'Resume a suspended client',
        ...(action === 'suspend' ? { requestBody: SuspendRequest } : {}),
        guards: [clientInPath],
        responses: { 204: { description: 'done' }, ...ADMIN_ERRORS },
        handler: async (c) => {
          const reason = c.var.body?.reason;
          await admin.setSuspended(adminContext(c, deps), {
            id: c.req.param('clientId') ?? '',
            suspended: action === 'suspend',
            ...(reason ? { reason } : {}),
          });
          return c.body(null, 204);
        },
      }),
    ),
    {
      method: 'POST',
      path: '/v1/admin/clock/acknowledge',
      roles: ['admin'],
      summary:
        'After checking the time: trust the wall clock again after a jump, a start far ahead of the trail, or a correction back behind it',
      responses: {
        200: {
          description:
            '{acknowledgedJumpMs?, acknowledgedStartGapMs?, correctedBehindMs?}: what was acknowledged',
        },
      },
      handler: async (c) =>
        c.json(
          await acknowledgeClock(deps.policy.clock, deps.audit, adminContext(c, deps), deps.now),
        ),
    },
  ];
}
