/**
 * The Dukcapil response envelope: `{"content":[{...}], "numberOfElements": 1, ...}` with HTTP 200
 * even for errors. Returns the first record, a RESPON failure, or a malformed verdict.
 */
import { classifyRespon } from './respon.ts';
import { UpstreamFailure } from './port.ts';

export type UpstreamRawRecord = Readonly<Record<string, unknown>>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Finds a key case-insensitively (clients and servers vary the case of keys). */
export function getCaseInsensitive(object: Record<string, unknown>, key: string): unknown {
  const wanted = key.toUpperCase();
  for (const [k, v] of Object.entries(object)) if (k.toUpperCase() === wanted) return v;
  return undefined;
}

/** The envelope's `content[0]`. Throws UpstreamFailure; never includes upstream text. */
export function firstContentObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UpstreamFailure('malformed', 'response is not JSON');
  }
  if (!isPlainObject(parsed)) throw new UpstreamFailure('malformed', 'response is not an object');
  const content = getCaseInsensitive(parsed, 'content');
  if (!Array.isArray(content) || content.length === 0) {
    throw new UpstreamFailure('malformed', 'response has no content');
  }
  const first: unknown = content[0];
  if (!isPlainObject(first)) throw new UpstreamFailure('malformed', 'content[0] is not an object');
  return first;
}

/** Parses a `CALL_NIK` envelope: the first record, or the RESPON failure it carries. */
export function parseCallNikEnvelope(text: string): UpstreamRawRecord {
  const first = firstContentObject(text);
  const respon = getCaseInsensitive(first, 'RESPON');
  if (respon !== undefined) {
    if (typeof respon !== 'string') throw new UpstreamFailure('malformed', 'RESPON is not text');
    const { kind, reason } = classifyRespon(respon);
    throw new UpstreamFailure(kind, reason);
  }
  return first;
}
