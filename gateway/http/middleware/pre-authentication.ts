/**
 * The per-address throttle in front of authentication (gateway/services/refusals/unauthenticated.ts):
 * a request certain to be refused — its connection has no verified certificate, or its
 * certificate was refused in the last minute for a reason bound to it (revoked, unknown
 * principal) — from an address that has used up its refusals is answered at once with the same
 * coded refusal, before the request log, the revocation check and the audit record. It is
 * counted in the minute's coalesced record. Every other request goes on untouched, and every
 * refusal before a principal is known spends one of its address's tokens.
 *
 * It sits after the request id and the security headers (the answer carries both) and before
 * everything else.
 */
import type { MiddlewareHandler } from 'hono';
import type {
  KnownRefusal,
  UnauthenticatedRequests,
} from '../../services/refusals/unauthenticated.ts';
import { ApiError, errorBody } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';
import type { ConnectionInfo } from '../peer.ts';
import { CERTIFICATE_BOUND_REFUSALS, missingCertificateRefusal } from './principal.ts';
import { securityEventOf } from './security-events.ts';

export const preAuthentication = (options: {
  readonly connection: ConnectionInfo;
  readonly unauthenticated: UnauthenticatedRequests;
}): MiddlewareHandler<GatewayEnv> => {
  const { connection, unauthenticated } = options;
  return async function preAuthenticationMiddleware(c, next) {
    const address = connection.remoteAddress(c);
    const certificate = connection.peerCertificate(c);
    const certain =
      certificate === undefined
        ? refusalOf(missingCertificateRefusal(connection.certificateProblem(c)))
        : unauthenticated.refusalOfCertificate(certificate.fingerprint256);
    if (certain !== undefined) {
      if (!unauthenticated.admit(address)) {
        unauthenticated.refusedWithoutWork(address, certain, {
          requestId: c.get('requestId'),
          detail: { method: c.req.method },
        });
        const refused = new ApiError(
          certain.errorCode === 'forbidden' ? 'forbidden' : 'unauthenticated',
          { message: certain.message },
        );
        return c.json(
          errorBody(refused.code, c.get('requestId'), refused.publicMessage),
          refused.status as 401,
        );
      }
    }
    await next();
    const error = c.error;
    const refusedBeforePrincipal =
      error instanceof ApiError &&
      (error.code === 'unauthenticated' || error.code === 'forbidden') &&
      c.get('principalId') === undefined;
    if (refusedBeforePrincipal) {
      // A token is spent per refusal: up front for a certain one, here for one the check found.
      if (certain === undefined) unauthenticated.admit(address);
      if (certificate !== undefined && CERTIFICATE_BOUND_REFUSALS.has(error.detail ?? ''))
        unauthenticated.rememberRefusedCertificate(certificate.fingerprint256, refusalOf(error));
    }
    return undefined;
  };
};

function refusalOf(error: ApiError): KnownRefusal {
  return {
    event: securityEventOf(error.code),
    errorCode: error.code,
    reason: error.detail ?? error.code,
    message: error.publicMessage,
  };
}
