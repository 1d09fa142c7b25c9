/**
 * Records refusals that happen before a data path could record them (no or revoked certificate,
 * unknown principal, wrong role, on any endpoint) as security events. Recording is best effort:
 * the request is refused either way, and a failing trail shows in /readyz.
 */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AuditTrail } from '../../../audit/index.ts';
import type { ConnectionInfo } from '../peer.ts';
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

export const recordSecurityEvents = (options: {
  readonly trail: AuditTrail;
  readonly connection: ConnectionInfo;
}): MiddlewareHandler<GatewayEnv> =>
  async function recordSecurityEventsMiddleware(c, next) {
    await next();
    const error = c.error;
    if (!(error instanceof ApiError) || !RECORDED.has(error.code)) return;
    if (c.var.audit?.recorded) return;
    const principal = c.var.principalId === undefined ? undefined : c.var.principal;
    const address = options.connection.remoteAddress(c);
    await options.trail
      .append({
        type: 'security',
        event:
          error.code === 'unauthenticated'
            ? 'authentication_failed'
            : error.code === 'forbidden'
              ? 'access_refused'
              : 'reader_refused',
        requestId: c.var.requestId,
        outcome: 'denied',
        errorCode: error.code,
        ...(principal
          ? {
              principal: {
                id: principal.id,
                role: principal.role,
                certificateFingerprint: principal.certificateFingerprint,
              },
            }
          : {}),
        ...(address === undefined ? {} : { sourceAddress: address }),
        detail: {
          method: c.req.method,
          route: routePath(c, -1),
          reason: error.detail ?? error.code,
        },
      })
      .catch(() => {
        c.var.log.error({ event: 'audit_write_failed' }, 'could not record a security event');
      });
  };
