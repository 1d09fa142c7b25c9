/**
 * The doctor's judgement of a signing certificate's profile (part of the certificates check): the
 * audit signer and the report signer each carry their own extended key usages (certs/verify.ts).
 * A certificate of the old profile (codeSigning only, issued before key purposes were bound) is a
 * warning for the audit signer, which goes on sealing and verifying, and a failure for the report
 * signer, whose reports the gateway no longer signs (stock OpenSSL would refuse them); both name
 * the rotation (docs/operations.md).
 */
import type { X509Certificate } from 'node:crypto';
import { signingProfileMatch, type SigningProfile } from '../../../certs/index.ts';
import type { CheckStatus } from './context.ts';

/** The configuration keys that name a signing certificate, and the profile each must have. */
const SIGNING_CERTIFICATES: Readonly<Record<string, SigningProfile>> = {
  'audit.signingCertFile': 'audit',
  'reports.signingCertFile': 'reports',
};

export function judgeSigningProfile(
  key: string,
  certificate: X509Certificate,
): { readonly status: Exclude<CheckStatus, 'ok' | 'skip'>; readonly detail: string } | undefined {
  const profile = SIGNING_CERTIFICATES[key];
  if (profile === undefined) return undefined;
  const rotate = `gerbang certs signing --purpose ${profile}, then rotate as docs/operations.md says`;
  switch (signingProfileMatch(certificate, profile)) {
    case 'current':
      return undefined;
    case 'legacy':
      return profile === 'audit'
        ? {
            status: 'warn',
            detail: `${key} has the old profile (codeSigning only): ${rotate}`,
          }
        : {
            status: 'fail',
            detail: `${key} has the old profile (codeSigning only), with which no report is signed: ${rotate}`,
          };
    case 'wrong':
      return {
        status: 'fail',
        detail: `${key} is not ${profile === 'audit' ? 'an audit' : 'a report'} signing certificate (docs/pki.md): ${rotate}`,
      };
  }
}
