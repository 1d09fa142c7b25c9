/**
 * Records refusals that happen before a data path could record them (no or revoked certificate,
 * unknown principal, wrong role, on any endpoint) as security events. Recording is best effort:
 * the request is refused either way, and a failing trail shows in /readyz.
 *
 * Refusals before a principal is known (no, foreign, expired or revoked certificate, unknown
 * principal) can be sent by anyone who reaches the port: they are coalesced per address, reason
 * and minute (gateway/services/refusals), so that a flood cannot fill the trail. The first of a
 * minute is recorded at once under its request id, the rest as one record with their count.
 * Refusals of a known principal (wrong role, a reader's) keep one record each.
 */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AuditTrail } from '../../../audit/index.ts';
import type { ConnectionInfo } from '../peer.ts';
import type { UnauthenticatedRequests } from '../../services/refusals/unauthenticated.ts';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';

/** Refusals that say something about who is knocking; others are ordinary client errors. */
const RECORDED = new Set<string>([
  'unauthenticated',
  'forbidden',
  'reader_not_active',
  'reader_proof_invalid',
  'nonce_used',
]);

/** The audit event of a refusal's code. */
export function securityEventOf(code: string): string {
  return code === 'unauthenticated'
    ? 'authentication_failed'
    : code === 'forbidden'
      ? 'access_refused'
      : 'reader_refused';
}

export const recordSecurityEvents = (options: {
  readonly trail: AuditTrail;
  readonly connection: ConnectionInfo;
  readonly unauthenticated: UnauthenticatedRequests;
}): MiddlewareHandler<GatewayEnv> =>
  async function recordSecurityEventsMiddleware(c, next) {
    await next();
    const error = c.error;
    if (!(error instanceof ApiError) || !RECORDED.has(error.code)) return;
    if (c.get('audit')?.recorded) return;
    const principal = c.get('principalId') === undefined ? undefined : c.get('principal');
    const address = options.connection.remoteAddress(c);
    const detail = { method: c.req.method, route: routePath(c, -1) };
    if (principal === undefined) {
      await options.unauthenticated.refused(
        address,
        {
          event: securityEventOf(error.code),
          errorCode: error.code,
          reason: error.detail ?? error.code,
        },
        { requestId: c.get('requestId'), detail },
      );
      return;
    }
    await options.trail
      .append({
        type: 'security',
        event: securityEventOf(error.code),
        requestId: c.get('requestId'),
        outcome: 'denied',
        errorCode: error.code,
        principal: {
          id: principal.id,
          role: principal.role,
          certificateFingerprint: principal.certificateFingerprint,
        },
        ...(principal.operator === undefined ? {} : { operator: principal.operator }),
        ...(address === undefined ? {} : { sourceAddress: address }),
        detail: { ...detail, reason: error.detail ?? error.code },
      })
      .catch(() => {
        c.get('log')().error({ event: 'audit_write_failed' }, 'could not record a security event');
      });
  };
