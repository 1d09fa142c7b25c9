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
