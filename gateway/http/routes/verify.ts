/**
 * POST /v1/nik/verify — verification without disclosure. The agency sends what it holds; Dukcapil
 * compares it (CALL_VERIFY_BY_ELEMEN, where the agreement grants it), or the gateway fetches the
 * record, compares each claimed element (policies/claims.ts) and drops the record at once.
 *
 * Verification must not become a lookup by other means (issue 19, finding 9): the answer is match
 * or not per claimed element — no score, never a value, never an element that was not claimed;
 * the threshold is the agreement's (`verifyThreshold`), and a request that names one is refused;
 * and one client may try only a few distinct sets of claims about one resident per day
 * (services/verification/attempts.ts), whatever operator it names. The audit record names the
 * claimed elements (never their values) and the attempt count, and releases nothing.
 */
import type { MiddlewareHandler } from 'hono';
import { compareClaims, type ClaimVerdict, type ElementName } from '../../../policies/index.ts';
import type { AppDeps } from '../app-deps.ts';
import type { GatewayEnv } from '../env.ts';
import { ApiError } from '../error-catalogue.ts';
import { commitAudit } from '../middleware/audit-data-path.ts';
import { ErrorResponse, VerifyRequest, VerifyResponse } from '../schemas.ts';
import { authorizeRelease, callUpstream, fetchRecord } from './release.ts';
import { beginResidentRequest, lookupErrorCode, RESIDENT_REQUEST_ERRORS } from './lookup.ts';
import { defineRoute, type RouteContext, type RouteSpec } from './route-spec.ts';

/**
 * A request may not choose how strict the comparison is. The schema refuses any unknown field;
 * this says why for `threshold`, which the contract once had, so that an old client learns what
 * changed rather than guessing.
 */
export const refuseClientThreshold: MiddlewareHandler<GatewayEnv> =
  async function refuseClientThresholdMiddleware(c, next) {
    const body = c.get('body');
    if (typeof body === 'object' && body !== null && Object.hasOwn(body, 'threshold'))
      throw new ApiError('invalid_request', {
        detail: '/threshold additionalProperties',
        message:
          'Field /threshold is not allowed: the match threshold is fixed by the agreement, not by the request.',
      });
    await next();
  };

/** Only the verdict bit of each element leaves, whatever else a comparison carried. */
const verdictsOnly = (
  verdicts: Readonly<Partial<Record<ElementName, ClaimVerdict>>>,
): Partial<Record<ElementName, ClaimVerdict>> =>
  Object.fromEntries(
    Object.entries(verdicts).map(([element, verdict]) => [element, { match: verdict.match }]),
  );

export function verifyRoute(deps: AppDeps): RouteSpec {
  return defineRoute({
    method: 'POST',
    path: '/v1/nik/verify',
    roles: ['app', 'operator'],
    summary:
      'Verify claimed elements of a resident; returns {match} per claim, no score and no values',
    auditType: 'verify',
    requestBody: VerifyRequest,
    schemaErrorCodes: lookupErrorCode,
    requiresOperator: true,
    guards: [refuseClientThreshold],
    responses: {
      200: { description: 'Match or not per claimed element', schema: VerifyResponse },
      ...RESIDENT_REQUEST_ERRORS,
      429: {
        description:
          'verification_limit (this resident verified too often by this client today), rate_limited, quota_exhausted, ...',
        schema: ErrorResponse,
      },
    },
    handler: async function verifyHandler(c) {
      const result = await verifyResident(c, deps);
      return c.json({ requestId: c.get('requestId'), result });
    },
  });
}

/** The checked verification request a handler runs: the API's JSON body, or the portal's form. */
export interface VerifyInput {
  readonly nik: string;
  readonly purpose: string;
  readonly reference: string;
  readonly claims: Readonly<Partial<Record<ElementName, string | undefined>>>;
}

/**
 * A verification, decided, compared and durably audited: match or not per claimed element. The
 * API and the portal answer it each in their own form.
 */
export async function verifyResident(
  c: RouteContext<VerifyInput, undefined, string>,
  deps: AppDeps,
): Promise<Partial<Record<ElementName, ClaimVerdict>>> {
  const { body, operatorId: operator } = c.var;
  const { draft, now } = beginResidentRequest(c, deps, body);
  const principalId = c.get('principal').id;
  const claims = Object.entries(body.claims).filter(
    (entry): entry is [ElementName, string] => typeof entry[1] === 'string',
  );
  const claimedElements = claims.map(([element]) => element);

  // The same grant as a lookup: a client may only check elements it could be given.
  // The agreement it returns is the one that governs this request, threshold and upstream.
  const { inForce: agreement, governing } = authorizeRelease(deps, draft, {
    principalId,
    purpose: body.purpose,
    fields: claimedElements,
    now,
  });
  const subject = draft.subject;
  if (subject === undefined)
    throw new ApiError('internal_error', { detail: 'verify without subject' });
  const threshold = agreement.terms.verifyThreshold;
  const claimed = Object.fromEntries(claims) as Partial<Record<ElementName, string>>;

  // Before any quota is spent or Dukcapil asked: has this client tried enough on this resident?
  const admission = deps.policy.verifications.admit({
    client: principalId,
    operator,
    subject,
    claims: claimed,
    now,
  });
  draft.detail = {
    ...draft.detail,
    claimed: claimedElements.join(','),
    claims: claims.length,
    attempts: admission.attempts,
    attemptLimit: admission.limit,
    ...(admission.ok && admission.repeated ? { repeated: true } : {}),
    threshold,
  };
  if (!admission.ok)
    throw new ApiError('verification_limit', {
      headers: { 'Retry-After': String(admission.retryAfterSeconds) },
      detail: 'verification attempts for this resident spent today',
    });

  const upstreamRequest = { principalId, operator, nik: body.nik, now, agreement: governing };
  // Where the agreement grants it, Dukcapil compares and the record never reaches us;
  // otherwise we compare against a CALL_NIK record dropped when this handler returns.
  const method = agreement.terms.upstreamMethods?.includes('CALL_VERIFY_BY_ELEMEN')
    ? 'CALL_VERIFY_BY_ELEMEN'
    : 'CALL_NIK';
  const result = verdictsOnly(
    method === 'CALL_VERIFY_BY_ELEMEN'
      ? (
          await callUpstream(deps, draft, upstreamRequest, (upstream) =>
            upstream.verifyByElements(body.nik, claimed, threshold),
          )
        ).verdicts
      : compareClaims(await fetchRecord(deps, draft, upstreamRequest), claimed, threshold),
  );
  const matched = Object.values(result).filter((verdict) => verdict.match).length;
  draft.elementsReleased = [];
  draft.outcome = 'success';
  draft.detail = { ...draft.detail, upstreamCalled: true, method, matched };
  await commitAudit(c, deps.audit);
  return result;
}
