/** Reader administration (role `admin`): list, enrol with a SAM, activate, deactivate, blacklist. */
import { Type } from '@sinclair/typebox';
import { X509Certificate } from 'node:crypto';
import type { AppDeps } from '../app-deps.ts';
import { ApiError } from '../error-catalogue.ts';
import { samEnrolment } from '../../services/readers/card-read-verifier.ts';
import { PRINCIPAL_ID_PATTERN } from '../../config/schema.ts';
import { ADMIN_ERRORS, adminContext } from './admin.ts';
import type { AdminContext } from '../../services/index.ts';
import { defineRoute, type RouteSpec } from './route-spec.ts';
import { STORED_TEXT_FORMATS } from '../schemas.ts';

// Free text reaches state.db and the audit trail: the stored-text guard (schemas.ts).
const Reason = Type.String({ minLength: 1, maxLength: 500, format: STORED_TEXT_FORMATS.text });
export const EnrolReaderRequest = Type.Object(
  {
    readerId: Type.String({ pattern: PRINCIPAL_ID_PATTERN }),
    samCertificate: Type.String({ minLength: 100, maxLength: 8192 }),
  },
  { additionalProperties: false },
);
export const ReaderChangeRequest = Type.Object({ reason: Reason }, { additionalProperties: false });

/** Enrols a reader from its SAM's PEM certificate: for the API and the admin console alike. */
export async function enrolReader(
  deps: AppDeps,
  context: AdminContext,
  input: { readerId: string; samCertificate: string },
): Promise<{ id: string; samSerial: string; samFingerprint: string }> {
  if (deps.readers === undefined)
    throw new ApiError('conflict', { message: 'No readers are configured on this gateway.' });
  let der: Buffer;
  try {
    der = new X509Certificate(input.samCertificate).raw;
  } catch {
    throw new ApiError('invalid_request', {
      message: 'samCertificate is not a PEM certificate.',
    });
  }
  const certificate = deps.readers.verifier.checkSamCertificate(der, deps.now());
  const enrolled = { id: input.readerId, ...samEnrolment(certificate.toString()) };
  await deps.policy.admin.enrolReader(context, enrolled);
  return {
    id: enrolled.id,
    samSerial: enrolled.samSerial,
    samFingerprint: enrolled.samFingerprint,
  };
}

export function adminReaderRoutes(deps: AppDeps): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/v1/admin/readers',
      roles: ['admin'],
      summary: 'Readers with their SAM and state',
      responses: { 200: { description: '{items}' } },
      handler: (c) => c.json({ items: deps.policy.admin.listReaders(deps.now()) }),
    },
    defineRoute({
      method: 'POST',
      path: '/v1/admin/readers',
      roles: ['admin'],
      summary: 'Enrol a reader with the SAM it holds (PEM certificate issued by the SAM CA)',
      requestBody: EnrolReaderRequest,
      responses: { 201: { description: 'enrolled' }, ...ADMIN_ERRORS },
      handler: async (c) => {
        const enrolled = await enrolReader(deps, adminContext(c, deps), c.var.body);
        return c.json({ ...enrolled, state: 'enrolled' }, 201);
      },
    }),
    ...(['activate', 'deactivate', 'blacklist'] as const).map((action) =>
      defineRoute({
        method: 'POST',
        path: `/v1/admin/readers/:readerId/${action}`,
        roles: ['admin'],
        summary: `${action[0]?.toUpperCase() ?? ''}${action.slice(1)} a reader, with a reason`,
        requestBody: ReaderChangeRequest,
        responses: { 204: { description: 'done' }, ...ADMIN_ERRORS },
        handler: async (c) => {
          await deps.policy.admin.changeReader(adminContext(c, deps), {
            id: c.req.param('readerId') ?? '',
            action,
            reason: c.var.body.reason,
          });
          return c.body(null, 204);
        },
      }),
    ),
  ];
}
