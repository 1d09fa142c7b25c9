/**
 * POST /v1/nik/verify — verification without disclosure. The agency sends what it holds; the
 * gateway fetches the record, compares each claimed element (policies/claims.ts) and drops the
 * record at once. The answer is a verdict and a score per claimed element, never a value, and
 * never about an element that was not claimed. The audit records the elements checked and
 * releases none.
 */
import {
  compareClaim,
  DEFAULT_THRESHOLD,
  type ClaimVerdict,
  type ElementName,
} from '../../policies/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { commitAudit } from '../http/middleware/audit-data-path.ts';
import { VerifyRequest, VerifyResponse } from '../http/schemas.ts';
import { compileBodyValidator } from '../http/validate.ts';
import { authorizeRelease, fetchRecord } from './release.ts';
import { beginResidentRequest, lookupErrorCode, RESIDENT_REQUEST_ERRORS } from './lookup.ts';
import type { RouteSpec } from './route-spec.ts';

export function verifyRoute(deps: AppDeps): RouteSpec {
  const validateBody = compileBodyValidator(VerifyRequest, lookupErrorCode);
  return {
    method: 'POST',
    path: '/v1/nik/verify',
    roles: ['app'],
    summary: 'Verify claimed elements of a resident; returns {match, score} per claim, no values',
    auditType: 'verify',
    requestBody: VerifyRequest,
    requiresOperator: true,
    responses: {
      200: { description: 'A verdict per claimed element', schema: VerifyResponse },
      ...RESIDENT_REQUEST_ERRORS,
    },
    handler: async function verifyHandler(c) {
      const { draft, body, now, operator } = beginResidentRequest(c, deps, validateBody);
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
      const record = await fetchRecord(deps, draft, {
        principalId: c.var.principal.id,
        operator,
        nik: body.nik,
        now,
      });

      const threshold = body.threshold ?? DEFAULT_THRESHOLD;
      const result: Partial<Record<ElementName, ClaimVerdict>> = {};
      let matched = 0;
      for (const [element, claimed] of claims) {
        const actual = record[element];
        const verdict: ClaimVerdict =
          actual === undefined
            ? { match: false, score: 0 }
            : compareClaim(element, claimed, actual, threshold);
        if (verdict.match) matched++;
        result[element] = verdict;
      }
      draft.elementsReleased = [];
      draft.outcome = 'success';
      draft.detail = { upstreamCalled: true, claims: claims.length, matched, threshold };
      await commitAudit(c, deps.audit);
      return c.json({ requestId: c.var.requestId, result });
    },
  };
}
