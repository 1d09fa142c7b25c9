/**
 * POST /v1/nik/verify — verification without disclosure. The agency sends what it holds; Dukcapil
 * compares it (CALL_VERIFY_BY_ELEMEN, where the agreement grants it), or the gateway fetches the
 * record, compares each claimed element (policies/claims.ts) and drops the record at once. The answer is a verdict and a score per claimed element, never a value, and
 * never about an element that was not claimed. The audit records the elements checked and
 * releases none.
 */
import { compareClaims, DEFAULT_THRESHOLD, type ElementName } from '../../../policies/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { commitAudit } from '../middleware/audit-data-path.ts';
import { VerifyRequest, VerifyResponse } from '../schemas.ts';
import { authorizeRelease, callUpstream, fetchRecord } from './release.ts';
import { beginResidentRequest, lookupErrorCode, RESIDENT_REQUEST_ERRORS } from './lookup.ts';
import { defineRoute, type RouteSpec } from './route-spec.ts';

export function verifyRoute(deps: AppDeps): RouteSpec {
  return defineRoute({
    method: 'POST',
    path: '/v1/nik/verify',
    roles: ['app'],
    summary: 'Verify claimed elements of a resident; returns {match, score} per claim, no values',
    auditType: 'verify',
    requestBody: VerifyRequest,
    schemaErrorCodes: lookupErrorCode,
    requiresOperator: true,
    responses: {
      200: { description: 'A verdict per claimed element', schema: VerifyResponse },
      ...RESIDENT_REQUEST_ERRORS,
    },
    handler: async function verifyHandler(c) {
      const { draft, now } = beginResidentRequest(c, deps);
      const { body, operatorId: operator } = c.var;
      const claims = Object.entries(body.claims).filter(
        (entry): entry is [ElementName, string] => typeof entry[1] === 'string',
      );

      // The same grant as a lookup: a client may only check elements it could be given.
      authorizeRelease(deps, draft, {
        principalId: c.var.principal.id,
        purpose: body.purpose,
        fields: claims.map(([element]) => element),
        now,
      });
      const threshold = body.threshold ?? DEFAULT_THRESHOLD;
      const claimed = Object.fromEntries(claims) as Partial<Record<ElementName, string>>;
      const upstreamRequest = { principalId: c.var.principal.id, operator, nik: body.nik, now };
      // Where the agreement grants it, Dukcapil compares and the record never reaches us;
      // otherwise we compare against a CALL_NIK record dropped when this handler returns.
      const method = deps.policy.registry
        .inForce(now)
        ?.terms.upstreamMethods?.includes('CALL_VERIFY_BY_ELEMEN')
        ? 'CALL_VERIFY_BY_ELEMEN'
        : 'CALL_NIK';
      const result =
        method === 'CALL_VERIFY_BY_ELEMEN'
          ? (
              await callUpstream(deps, draft, upstreamRequest, (upstream) =>
                upstream.verifyByElements(body.nik, claimed, threshold),
              )
            ).verdicts
          : compareClaims(await fetchRecord(deps, draft, upstreamRequest), claimed, threshold);
      const matched = Object.values(result).filter((verdict) => verdict.match).length;
      draft.elementsReleased = [];
      draft.outcome = 'success';
      draft.detail = { upstreamCalled: true, method, claims: claims.length, matched, threshold };
      await commitAudit(c, deps.audit);
      return c.json({ requestId: c.var.requestId, result });
    },
  });
}
