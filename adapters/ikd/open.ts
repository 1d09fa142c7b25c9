/**
 * Builds the configured IKD profile: reads each issuer's public key file (PEM, SPKI) and checks
 * that it is one of the profile's algorithms. Throws with a message naming the key id and file,
 * for the start-up's configuration error.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { assertIssuerKey, GerbangIkdProfile, IKD_PROFILE_NAME } from './profile.ts';
import type { IkdProfile } from './port.ts';

/** The `ikd` section of the configuration, paths resolved. */
export interface IkdSettings {
  readonly profile: string;
  readonly issuerKeys: readonly { readonly id: string; readonly publicKeyFile: string }[];
  readonly maxClockSkewSeconds: number;
  readonly maxValiditySeconds: number;
}

export class IkdKeyError extends Error {
  override readonly name = 'IkdKeyError';
}

function readPublicKey(id: string, file: string): KeyObject {
  let key: KeyObject;
  try {
    const text = readFileSync(file, 'utf8');
    // createPublicKey would derive the public half of a private key: the gateway must never hold
    // an issuer's private key, so such a file is a mistake to report, not to work around.
    if (text.includes('PRIVATE KEY'))
      throw new IkdKeyError(`ikd issuer key ${id}: ${file} is a private key; give the public key`);
    key = createPublicKey(text);
  } catch (error) {
    if (error instanceof IkdKeyError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'not a PEM public key';
    throw new IkdKeyError(`ikd issuer key ${id}: ${file} cannot be read (${code})`);
  }
  try {
    assertIssuerKey(id, key);
  } catch (error) {
    throw new IkdKeyError(`ikd issuer key ${id}: ${file}: ${(error as Error).message}`);
  }
  return key;
}

export function openIkdProfile(settings: IkdSettings): IkdProfile {
  if (settings.profile !== IKD_PROFILE_NAME)
    throw new IkdKeyError(
      `ikd profile ${settings.profile} is not known (known: ${IKD_PROFILE_NAME})`,
    );
  const issuerKeys = new Map<string, KeyObject>();
  for (const { id, publicKeyFile } of settings.issuerKeys)
    issuerKeys.set(id, readPublicKey(id, publicKeyFile));
  return new GerbangIkdProfile({
    issuerKeys,
    maxClockSkewSeconds: settings.maxClockSkewSeconds,
    maxValiditySeconds: settings.maxValiditySeconds,
  });
}
