/**
 * Who is calling: the verified client certificate's CN is the principal id; configuration gives
 * the role and, for apps, the profile. Revoked certificates, unknown revocation status, unknown
 * ids and a certificate OU that contradicts the configured role are all refused.
 */
import type { MiddlewareHandler } from 'hono';
import type { GerbangConfig } from '../../config/index.ts';
import type { ConnectionInfo } from '../../tls/peer.ts';
import type { RevocationChecker } from '../../tls/revocation.ts';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv, Principal } from '../env.ts';

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
    if (certificate === undefined)
      throw new ApiError('unauthenticated', { detail: 'no verified client certificate' });
    const revocation = await options.revocation.status(certificate.serialNumber);
    if (revocation !== 'good')
      throw new ApiError('unauthenticated', {
        detail: `certificate revocation status ${revocation}`,
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
