/**
 * A time-stamp authority (RFC 3161) as the time-stamping job sees it: a token over some bytes,
 * already checked against the TSA's CA, or a refusal that says why.
 */
export interface TimeStampToken {
  /** DER ContentInfo (SignedData over a TSTInfo). */
  readonly token: Uint8Array;
  /** The TSA's time. */
  readonly genTime: Date;
  readonly authority: string;
}

export interface TimestampAuthority {
  /** Where it is asked (for logs: the URL without credentials). */
  readonly target: string;
  /** Throws `TimestampRefused` when no checked token came back. */
  stamp(data: Uint8Array): Promise<TimeStampToken>;
  close(): Promise<void>;
}

export class TimestampRefused extends Error {}
