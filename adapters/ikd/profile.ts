/**
 * The project's own IKD QR profile, `gerbang-ikd-1` (docs/ikd-profile.md): the text a
 * keyboard-wedge scanner types is `IKD1.` + base64url(payload) + `.` + base64url(signature),
 * the payload a canonical JSON object naming the NIK, its validity, a nonce and the issuer key,
 * signed (Ed25519, or ECDSA P-256 in IEEE P1363 form) over the ASCII text before the last dot.
 * Checks run cheapest first and every refusal is a bare code: neither the input nor the NIK is
 * ever part of what this module returns or throws.
 */
import { verify, type KeyObject } from 'node:crypto';
import { isValidNik } from '../../policies/index.ts';
import { ikdIssuerKeyProblem } from '../../gateway/config/ikd-keys.ts';
import { IKD_KEY_ID_PATTERN as KEY_ID, IKD_PROFILE } from '../../gateway/config/schema.ts';
import type { IkdProblem, IkdProfile, IkdReading } from './port.ts';

export const IKD_PROFILE_NAME = IKD_PROFILE;
export const IKD_PREFIX = 'IKD1.';
export const IKD_VERSION = 1;
/** Far above what the profile produces (about 300 characters): more is not a presentation. */
export const IKD_MAX_LENGTH = 1024;
export const IKD_KEY_ID_PATTERN = new RegExp(KEY_ID);
const NONCE_PATTERN = /^[A-Za-z0-9_-]{22,43}$/;
const SHAPE = /^IKD1\.([A-Za-z0-9_-]{1,1000})\.([A-Za-z0-9_-]{1,200})$/;

/** The payload's members, in the one order the canonical encoding writes them. */
export interface IkdPayload {
  readonly v: number;
  readonly kid: string;
  readonly nik: string;
  /** Issued at, seconds since the epoch. */
  readonly iat: number;
  /** Expires at, seconds since the epoch. */
  readonly exp: number;
  /** At least 16 random bytes, base64url. */
  readonly nonce: string;
}

/** The canonical encoding: the members in IkdPayload's order, no whitespace. */
export function canonicalIkdPayload(payload: IkdPayload): string {
  const { v, kid, nik, iat, exp, nonce } = payload;
  return JSON.stringify({ v, kid, nik, iat, exp, nonce });
}

export interface GerbangIkdProfileOptions {
  /** Issuer public keys by key id: Ed25519 or EC P-256. */
  readonly issuerKeys: ReadonlyMap<string, KeyObject>;
  readonly maxClockSkewSeconds: number;
  /** The longest validity (exp − iat) a presentation may claim. */
  readonly maxValiditySeconds: number;
}

/** Strict base64url: no padding, and the text must be the canonical encoding of its bytes. */
function decodeBase64url(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

const isSeconds = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

/**
 * The payload's bytes as an IkdPayload, or undefined. Requiring the canonical encoding refuses
 * duplicate keys, unknown or missing members, other orders and whitespace in one comparison,
 * so that exactly one text means a given payload.
 */
function parsePayload(bytes: Buffer): IkdPayload | undefined {
  const text = bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const candidate = parsed as Record<string, unknown>;
  const { v, kid, nik, iat, exp, nonce } = candidate;
  if (v !== IKD_VERSION) return undefined;
  if (typeof kid !== 'string' || !IKD_KEY_ID_PATTERN.test(kid)) return undefined;
  if (typeof nik !== 'string' || nik.length > 64) return undefined;
  if (!isSeconds(iat) || !isSeconds(exp) || exp <= iat) return undefined;
  if (typeof nonce !== 'string' || !NONCE_PATTERN.test(nonce)) return undefined;
  if (decodeBase64url(nonce) === undefined) return undefined;
  const payload: IkdPayload = { v, kid, nik, iat, exp, nonce };
  return canonicalIkdPayload(payload) === text ? payload : undefined;
}

/** Ed25519 signs the message itself; P-256 signs its SHA-256, in the 64-byte r‖s form. */
function signatureVerifies(key: KeyObject, message: Buffer, signature: Buffer): boolean {
  try {
    if (key.asymmetricKeyType === 'ed25519') return verify(null, message, key, signature);
    return verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

const refuse = (problem: IkdProblem): IkdReading => ({ ok: false, problem });

export class GerbangIkdProfile implements IkdProfile {
  readonly name = IKD_PROFILE_NAME;
  private readonly options: GerbangIkdProfileOptions;

  constructor(options: GerbangIkdProfileOptions) {
    for (const [id, key] of options.issuerKeys) assertIssuerKey(id, key);
    this.options = options;
  }

  read(presentation: string, now: Date): IkdReading {
    if (typeof presentation !== 'string' || presentation.length > IKD_MAX_LENGTH)
      return refuse('malformed');
    // A scanner may end its text with Enter or a tab; nothing else around it is accepted.
    const match = SHAPE.exec(presentation.replace(/^[\r\n\t ]+|[\r\n\t ]+$/g, ''));
    if (match === null) return refuse('malformed');
    const [, encodedPayload = '', encodedSignature = ''] = match;
    const payloadBytes = decodeBase64url(encodedPayload);
    const signature = decodeBase64url(encodedSignature);
    if (payloadBytes === undefined || signature === undefined || signature.length !== 64)
      return refuse('malformed');
    const payload = parsePayload(payloadBytes);
    if (payload === undefined) return refuse('malformed');
    if (payload.exp - payload.iat > this.options.maxValiditySeconds) return refuse('malformed');
    const key = this.options.issuerKeys.get(payload.kid);
    if (key === undefined) return refuse('unknown_key');
    const signed = Buffer.from(`${IKD_PREFIX}${encodedPayload}`, 'ascii');
    if (!signatureVerifies(key, signed, signature)) return refuse('bad_signature');
    const skewMs = this.options.maxClockSkewSeconds * 1000;
    const nowMs = now.getTime();
    if (!Number.isFinite(nowMs)) return refuse('expired');
    if (nowMs < payload.iat * 1000 - skewMs) return refuse('not_yet_valid');
    if (nowMs >= payload.exp * 1000 + skewMs) return refuse('expired');
    if (!isValidNik(payload.nik)) return refuse('invalid_nik');
    return {
      ok: true,
      nik: payload.nik,
      expiresAt: new Date(payload.exp * 1000 + skewMs),
      nonce: payload.nonce,
      keyId: payload.kid,
    };
  }
}

/** Only the two algorithms of the profile: any other key is a configuration mistake. */
export function assertIssuerKey(id: string, key: KeyObject): void {
  if (!IKD_KEY_ID_PATTERN.test(id)) throw new Error(`IKD issuer key id ${id} is not a valid id`);
  const problem = ikdIssuerKeyProblem(key);
  if (problem !== undefined) throw new Error(`IKD issuer key ${id} ${problem}`);
}
