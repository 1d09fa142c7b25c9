/**
 * Who is calling: the verified client certificate's CN is the principal id; configuration gives
 * the role and, for apps, the profile. Revoked certificates, unknown revocation status, unknown
 * ids and a certificate OU that contradicts the configured role are all refused. An operator
 * (OU `operator`) is not configured: its certificate names the app principal it acts for, which
 * must be configured and not suspended; the CRL is consulted on every request, so revoking a
 * clerk's certificate ends their session at their next request.
 */
import type { MiddlewareHandler } from 'hono';
import type { GerbangConfig } from '../../config/index.ts';
import type { CertificateProblem, ConnectionInfo, PeerCertificate } from '../peer.ts';
import { revocationListCondition, type RevocationChecker } from '../../../certs/revocation.ts';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv, Principal } from '../env.ts';

/** Says which certificate problem it is, so that the caller knows what to ask the admin for. */
const CERTIFICATE_MESSAGES: Readonly<Record<CertificateProblem | 'revoked' | 'unknown', string>> = {
  none: 'No client certificate was presented.',
  untrusted: "The client certificate is not issued by the gateway's client CA.",
  expired: 'The client certificate has expired.',
  not_yet_valid: 'The client certificate is not valid yet.',
  invalid: 'The client certificate is not valid for this gateway.',
  revoked: 'The client certificate has been revoked.',
  unknown:
    'The revocation status of the client certificate cannot be established: the gateway has no current revocation list.',
};

/**
 * The health probes answer a certificate the CA vouches for (TLS verified it) while no CRL is
 * usable, so that monitoring can read why every other request is refused (`/readyz` names it);
 * they carry no data. A certificate the CRL revokes is refused there too.
 */
const PROBES: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

/** The refusal of a request whose connection has no verified certificate. */
export function missingCertificateRefusal(problem: CertificateProblem): ApiError {
  return new ApiError('unauthenticated', {
    detail: `client certificate ${problem}`,
    message: CERTIFICATE_MESSAGES[problem],
  });
}

const REVOKED = 'certificate revocation status revoked';
const UNKNOWN_PRINCIPAL = 'unknown principal';
const ROLE_DIFFERS = 'certificate role differs from configuration';
const OPERATOR_UNBOUND = 'operator certificate bound to no configured app';

/**
 * Refusals (by their detail) that follow from the certificate and the configuration alone, so
 * that the same certificate gets them again: the pre-authentication throttle may repeat them
 * without the check (pre-authentication.ts). An unknown revocation status is not one of them: a
 * fresh CRL ends it.
 */
export const CERTIFICATE_BOUND_REFUSALS: ReadonlySet<string> = new Set([
  REVOKED,
  UNKNOWN_PRINCIPAL,
  ROLE_DIFFERS,
  OPERATOR_UNBOUND,
]);

export interface PrincipalOptions {
  readonly principals: GerbangConfig['principals'];
  readonly connection: ConnectionInfo;
  readonly revocation: RevocationChecker;
  /** Why a client may not act now (suspended), or undefined; asked of an operator's client. */
  readonly clientRefusal?: (clientId: string) => string | undefined;
}

/** An operator certificate's principal: the bound app, with the operator named. */
function operatorPrincipal(
  certificate: PeerCertificate,
  known: ReadonlyMap<string, GerbangConfig['principals'][string]>,
  clientRefusal: PrincipalOptions['clientRefusal'],
): Principal {
  const clientId = certificate.boundClient;
  const client = typeof clientId === 'string' ? known.get(clientId) : undefined;
  if (typeof clientId !== 'string' || client?.role !== 'app' || client.profile === undefined)
    throw new ApiError('forbidden', {
      detail: OPERATOR_UNBOUND,
      message: 'The operator certificate is not bound to a client of this gateway.',
    });
  const refusal = clientRefusal?.(clientId);
  if (refusal !== undefined) throw new ApiError('client_suspended', { detail: refusal });
  return {
    id: clientId,
    role: 'operator',
    operator: certificate.commonName,
    certificateFingerprint: certificate.fingerprint256,
    certificateSerial: certificate.serialNumber,
    profile: { elements: client.profile.elements, purposes: client.profile.purposes },
  };
}

export const principal = (options: PrincipalOptions): MiddlewareHandler<GatewayEnv> => {
  if (Object.keys(options.principals).length === 0)
    throw new RangeError('no principals configured');
  const known = new Map(Object.entries(options.principals));
  return async function principalMiddleware(c, next) {
    const certificate = options.connection.peerCertificate(c);
    if (certificate === undefined)
      throw missingCertificateRefusal(options.connection.certificateProblem(c));
    const revocation = await options.revocation.status(certificate.serialNumber);
    if (revocation === 'revoked' || (revocation === 'unknown' && !PROBES.has(c.req.path)))
      throw new ApiError('unauthenticated', {
        // Unknown: the reason code of /readyz (invalid, rolled_back, expired) for the operator.
        detail:
          revocation === 'unknown'
            ? `certificate revocation status unknown: revocation list ${revocationListCondition(options.revocation)}`
            : REVOKED,
        message: CERTIFICATE_MESSAGES[revocation],
      });
    const configured = known.get(certificate.commonName);
    if (configured === undefined && certificate.organizationalUnit === 'operator') {
      const resolved = operatorPrincipal(certificate, known, options.clientRefusal);
      c.set('principal', resolved);
      c.set('principalId', resolved.id);
      await next();
      return;
    }
    if (configured === undefined) throw new ApiError('forbidden', { detail: UNKNOWN_PRINCIPAL });
    if (
      certificate.organizationalUnit !== undefined &&
      certificate.organizationalUnit !== configured.role
    ) {
      throw new ApiError('forbidden', { detail: ROLE_DIFFERS });
    }
    const resolved: Principal = {
      id: certificate.commonName,
      role: configured.role,
      certificateFingerprint: certificate.fingerprint256,
      certificateSerial: certificate.serialNumber,
      ...(configured.profile
        ? {
            profile: {
              elements: configured.profile.elements,
              purposes: configured.profile.purposes,
            },
            ...(configured.profile.requireAuthenticatedOperators === true
              ? { requireAuthenticatedOperators: true }
              : {}),
          }
        : {}),
    };
    c.set('principal', resolved);
    c.set('principalId', resolved.id);
    await next();
  };
};
