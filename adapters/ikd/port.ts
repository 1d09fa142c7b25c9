/**
 * The IKD (Identitas Kependudukan Digital) port: what the gateway needs from a digital-ID
 * presentation — the NIK it carries, once the presentation is checked, or a stable code saying
 * why it was refused. No public IKD interface exists, so `GerbangIkdProfile` (profile.ts)
 * implements the project's own QR profile (docs/ikd-profile.md); a real IKD integration would
 * implement this same interface and nothing above it would change.
 */

/** Why a presentation was refused. Stable codes: pages and tests key on them. */
export const IKD_PROBLEMS = [
  /** Not a presentation of the profile: prefix, base64url, JSON, fields, size. */
  'malformed',
  /** The signature does not verify with the key the presentation names. */
  'bad_signature',
  /** Past its expiry (beyond the allowed clock skew). */
  'expired',
  /** Issued in the future (beyond the allowed clock skew). */
  'not_yet_valid',
  /** Names a key id the gateway is not configured with. */
  'unknown_key',
  /** Signed and current, but what it carries is not a NIK of valid form. */
  'invalid_nik',
] as const;
export type IkdProblem = (typeof IKD_PROBLEMS)[number];

export type IkdReading =
  | {
      readonly ok: true;
      readonly nik: string;
      /** Until when the presentation is valid: a replay guard needs to hold its nonce this long. */
      readonly expiresAt: Date;
      /** The presentation's nonce (base64url), for the caller's replay guard. */
      readonly nonce: string;
      /** The issuer key that signed it. */
      readonly keyId: string;
    }
  | { readonly ok: false; readonly problem: IkdProblem };

export interface IkdProfile {
  /** The profile's name, as configured (`gerbang-ikd-1`). */
  readonly name: string;
  /**
   * Checks a presentation as the scanner typed it, at `now`. Never throws; a refusal never
   * carries the input or the NIK.
   */
  read(presentation: string, now: Date): IkdReading;
}
