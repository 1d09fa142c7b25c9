/** POST /v1/nik/lookup — the nine-element lookup by NIK, projected onto the client's grant. */
import {
  checkNik,
  type ElementName,
  type NikRejection,
  type PopulationRecord,
} from '../../../policies/index.ts';
import type { AppDeps } from '../app-deps.ts';
import type { AuditDraft } from '../env.ts';
import { ApiError } from '../error-catalogue.ts';
import { dataPathDraft } from '../middleware/audit-data-path.ts';
import { authorizeRelease, fetchRecord, releaseElements } from './release.ts';
import { ErrorResponse, LookupRequest, LookupResponse } from '../schemas.ts';
import { defineRoute, type RouteContext, type RouteSpec } from './route-spec.ts';

export const NIK_MESSAGES: Readonly<Record<NikRejection, string>> = {
  not_a_string: 'The NIK must be a string of 16 digits.',
  wrong_length: 'The NIK must have exactly 16 digits.',
  not_digits: 'The NIK must contain digits only.',
  unknown_province: 'The NIK does not start with a known province code.',
  bad_month: 'The birth month in the NIK is not 01-12.',
  bad_day: 'The birth day in the NIK is not 01-31 (41-71 for women).',
  no_such_date: 'The birth date in the NIK is not a real calendar date.',
  zero_serial: 'The serial number in the NIK cannot be 0000.',
};

/** Schema errors at /nik are NIK errors; an unknown element in /fields is a field not granted. */
export function lookupErrorCode(
  instancePath: string,
  keyword: string,
): 'invalid_nik' | 'field_not_allowed' | undefined {
  if (instancePath === '/nik') return 'invalid_nik';
  if (instancePath.startsWith('/fields/') && keyword === 'enum') return 'field_not_allowed';
  return undefined;
}

/** Validates the NIK's form; records its HMAC as the audit subject once it is a NIK. */
export function requireValidNik(nik: string): void {
  const check = checkNik(nik);
  if (!check.valid)
    throw new ApiError('invalid_nik', {
      detail: check.reason,
      message: NIK_MESSAGES[check.reason],
    });
}

/** The refusals every request about one resident can meet, for /openapi.json. */
export const RESIDENT_REQUEST_ERRORS = {
  400: { description: 'invalid_request, invalid_nik', schema: ErrorResponse },
  403: {
    description: 'purpose_not_allowed, field_not_allowed, agreement_inactive, ...',
    schema: ErrorResponse,
  },
  404: { description: 'nik_not_found', schema: ErrorResponse },
  // More than one record upstream for the NIK: none is released or verified (PKS Pasal 2(2)a).
  409: { description: 'nik_ambiguous', schema: ErrorResponse },
  429: {
    description: 'rate_limited, quota_exhausted, upstream_quota_exhausted',
    schema: ErrorResponse,
  },
} as const;

/**
 * The opening every request about one resident shares, once the pipeline checked the operator
 * and the body: the audit draft's purpose, reference and subject (the NIK's HMAC, once it is a
 * valid NIK).
 */
export function beginResidentRequest<
  B extends { readonly nik: string; readonly purpose: string; readonly reference: string },
>(
  c: RouteContext<B, undefined, string>,
  deps: AppDeps,
  // The caller's, when it read `c.var` already: each read of it builds a new object.
  body: B = c.var.body,
): { draft: AuditDraft; now: number } {
  const draft = dataPathDraft(c);
  draft.purpose = body.purpose;
  draft.reference = body.reference;
  requireValidNik(body.nik);
  draft.subject = deps.subjectHasher(body.nik);
  return { draft, now: deps.now() };
}

export function lookupRoute(deps: AppDeps): RouteSpec {
  return defineRoute({
    method: 'POST',
    path: '/v1/nik/lookup',
    roles: ['app', 'operator'],
    summary: 'Look up a resident by NIK; returns the granted elements only',
    auditType: 'lookup',
    requestBody: LookupRequest,
    schemaErrorCodes: lookupErrorCode,
    requiresOperator: true,
    responses: {
      200: { description: 'The granted elements of the resident', schema: LookupResponse },
      ...RESIDENT_REQUEST_ERRORS,
    },
    handler: async function lookupHandler(c) {
      const released = await lookupResident(c, deps);
      return c.json({ requestId: c.get('requestId'), data: released });
    },
  });
}

/** The checked lookup request a handler runs: the API's JSON body, or the portal's form. */
export interface LookupInput {
  readonly nik: string;
  readonly purpose: string;
  readonly reference: string;
  readonly fields?: readonly ElementName[] | undefined;
}

/**
 * A lookup, decided, fetched, projected and durably audited: the granted elements, which live
 * for the request. The API and the portal answer them each in their own form.
 */
export async function lookupResident(
  c: RouteContext<LookupInput, undefined, string>,
  deps: AppDeps,
): Promise<Partial<PopulationRecord>> {
  const { body, operatorId: operator } = c.var;
  const { draft, now } = beginResidentRequest(c, deps, body);
  const { fields, governing } = authorizeRelease(deps, draft, {
    principalId: c.get('principal').id,
    purpose: body.purpose,
    fields: body.fields,
    now,
  });
  const record = await fetchRecord(deps, draft, {
    principalId: c.get('principal').id,
    operator,
    nik: body.nik,
    now,
    agreement: governing,
  });
  return releaseElements(c, deps, draft, record, fields);
}
