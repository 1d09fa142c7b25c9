/**
 * IKD presentations for tests: a fresh issuer key pair and presentations signed with it, through
 * the project's test issuer (adapters/ikd/issuer.ts), so tests and the demo encode alike.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  ikdPayload,
  ikdPresentation as makePresentation,
  signIkdPayloadText,
  type IkdPresentationOptions,
} from '../../adapters/ikd/issuer.ts';
import { GerbangIkdProfile } from '../../adapters/ikd/profile.ts';

export { ikdPayload, signIkdPayloadText };

export type IkdAlgorithm = 'ed25519' | 'p256';

/** A new issuer key pair of the profile's algorithms. */
export function ikdIssuerKeys(algorithm: IkdAlgorithm = 'ed25519'): {
  privateKey: KeyObject;
  publicKey: KeyObject;
} {
  return algorithm === 'ed25519'
    ? generateKeyPairSync('ed25519')
    : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

/** A presentation as a scanner types it: `IKD1.<payload>.<signature>`. */
export function ikdPresentation(options: IkdPresentationOptions): string {
  return makePresentation(options);
}

/**
 * An IKD profile over a fresh test issuer, for an in-process app (`buildTestApp({ ikd })`) and
 * the presentations it reads: `present(nik, now)` signs one valid for five minutes from `now`.
 */
export function testIkdProfile(keyId = 'test-ikd-1') {
  const { privateKey, publicKey } = ikdIssuerKeys('ed25519');
  const profile = new GerbangIkdProfile({
    issuerKeys: new Map([[keyId, publicKey]]),
    maxClockSkewSeconds: 30,
    maxValiditySeconds: 300,
  });
  return {
    profile,
    privateKey,
    keyId,
    present: (nik: string, now: Date, ttlSeconds = 300): string =>
      makePresentation({ nik, key: privateKey, keyId, now, ttlSeconds }),
  };
}
