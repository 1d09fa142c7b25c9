/**
 * Builds the configured IKD profile from the `ikd` section (paths resolved): the issuer keys are
 * read and checked by the configuration's own reader (gateway/config/ikd-keys.ts), which
 * loadConfig already ran, so that a key file changed since then is refused the same way.
 */
import { readIkdIssuerKeys } from '../../gateway/config/ikd-keys.ts';
import type { IkdConfig } from '../../gateway/config/schema.ts';
import { GerbangIkdProfile, IKD_PROFILE_NAME } from './profile.ts';
import type { IkdProfile } from './port.ts';

export type IkdSettings = Pick<
  IkdConfig,
  'issuerKeys' | 'maxClockSkewSeconds' | 'maxValiditySeconds'
> & { readonly profile: string };

export class IkdKeyError extends Error {
  override readonly name = 'IkdKeyError';
}

export function openIkdProfile(settings: IkdSettings): IkdProfile {
  if (settings.profile !== IKD_PROFILE_NAME)
    throw new IkdKeyError(
      `/ikd/profile ${settings.profile} is not known (known: ${IKD_PROFILE_NAME})`,
    );
  const read = readIkdIssuerKeys(settings.issuerKeys);
  if (!read.ok) throw new IkdKeyError(read.problems.join('; '));
  return new GerbangIkdProfile({
    issuerKeys: read.keys,
    maxClockSkewSeconds: settings.maxClockSkewSeconds,
    maxValiditySeconds: settings.maxValiditySeconds,
  });
}
