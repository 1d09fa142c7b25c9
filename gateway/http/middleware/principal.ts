/**
 * Who is calling: the verified client certificate's CN is the principal id; configuration gives
 * the role and, for apps, the profile. Revoked certificates, unknown revocation status, unknown
 * ids and a certificate OU that contradicts the configured role are all refused.
 */
import type { MiddlewareHandler } from 'hono';
import type { GerbangConfig } from '../../config/index.ts';
import type { CertificateProblem, ConnectionInfo } from '../peer.ts';
import type { RevocationChecker } from '../../../certs/revocation.ts';
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
  unknown: 'The revocation status of the client certificate cannot be established.',
};

export interface PrincipalOptions {
  readonly principals: GerbangConfig['principals'];
  readonly connection: ConnectionInfo;
  readonly revocation: RevocationChecker;
}

export const principal = (options: PrincipalOptions): MiddlewareHandler<GatewayEnv> => {
  if (Object.keys(options.principals).length === 0)
    throw new RangeError('no principals configured');
  const known = new Map(Object.entries(options.principals));
  return async function principalMiddleware(c, next) {
    const certificate = options.connection.peerCertificate(c);
    if (certificate === undefined) {
      const problem = options.connection.certificateProblem(c);
      throw new ApiError('unauthenticated', {
        detail: `client certificate ${problem}`,
        message: CERTIFICATE_MESSAGES[problem],
      });
    }
    const revocation = await options.revocation.status(certificate.serialNumber);
    if (revocation !== 'good')
      throw new ApiError('unauthenticated', {
        detail: `certificate revocation status ${revocation}`,
        message: CERTIFICATE_MESSAGES[revocation],
      });
    const configured = known.get(certificate.commonName);
    if (configured === undefined) throw new ApiError('forbidden', { detail: 'unknown principal' });
    if (
      certificate.organizationalUnit !== undefined &&
      certificate.organizationalUnit !== configured.role
    ) {
      throw new ApiError('forbidden', { detail: 'certificate role differs from configuration' });
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
          }
        : {}),
    };
    c.set('principal', resolved);
    c.set('principalId', resolved.id);
    await next();
  };
};
