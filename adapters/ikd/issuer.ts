/**
 * A TEST issuer of the project's IKD profile: makes the presentations a digital-ID app would
 * show, for the demo and the tests. A real IKD is issued by Dukcapil's app, never by the
 * gateway; the gateway itself only ever holds issuer public keys.
 */
import { randomBytes, sign, type KeyObject } from 'node:crypto';
import { canonicalIkdPayload, IKD_PREFIX, IKD_VERSION, type IkdPayload } from './profile.ts';

export interface IkdPresentationOptions {
  readonly nik: string;
  /** The issuer's private key: Ed25519 or EC P-256. */
  readonly key: KeyObject;
  readonly keyId: string;
  readonly now: Date;
  /** Validity from `now`; default 300 seconds (the profile's maximum by default). */
  readonly ttlSeconds?: number;
  /** Default: 16 random bytes. */
  readonly nonce?: string;
}

/** Signs an already-encoded payload text: for tests that need a payload the encoder refuses. */
export function signIkdPayloadText(payloadText: string, key: KeyObject): string {
  const encodedPayload = Buffer.from(payloadText, 'utf8').toString('base64url');
  const signed = Buffer.from(`${IKD_PREFIX}${encodedPayload}`, 'ascii');
  const signature =
    key.asymmetricKeyType === 'ed25519'
      ? sign(null, signed, key)
      : sign('sha256', signed, { key, dsaEncoding: 'ieee-p1363' });
  return `${IKD_PREFIX}${encodedPayload}.${signature.toString('base64url')}`;
}

export function ikdPayload(options: Omit<IkdPresentationOptions, 'key'>): IkdPayload {
  const iat = Math.floor(options.now.getTime() / 1000);
  return {
    v: IKD_VERSION,
    kid: options.keyId,
    nik: options.nik,
    iat,
    exp: iat + (options.ttlSeconds ?? 300),
    nonce: options.nonce ?? randomBytes(16).toString('base64url'),
  };
}

/** A presentation of the profile, as the scanner would type it. */
export function ikdPresentation(options: IkdPresentationOptions): string {
  return signIkdPayloadText(canonicalIkdPayload(ikdPayload(options)), options.key);
}
