/**
 * The Dukcapil response envelope: `{"content":[{...}], "totalElements": 1, ...}` with HTTP 200
 * even for errors (DOMAIN.md, "Dukcapil web service"). Returns the one record, a RESPON failure,
 * or a malformed verdict. "`content` may hold more than one record": a NIK with several records
 * (more than one object in `content`, or `totalElements` / `numberOfElements` above one) is
 * `ambiguous`, never its first record (PKS Pasal 2(2)a makes the agency answer for the uniqueness
 * of the NIKs it uses).
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
  // for…in over own keys visits them in Object.keys order without building an entries array per
  // call (asked for every envelope key of every upstream answer).
  for (const k in object)
    if (Object.hasOwn(object, k) && k.toUpperCase() === wanted) return object[k];
  return undefined;
}

/** The parsed envelope's `content`: a non-empty array. Throws UpstreamFailure. */
export function parseContent(text: string): {
  envelope: Record<string, unknown>;
  content: unknown[];
} {
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
  return { envelope: parsed, content };
}

/** The envelope's `content[0]`. Throws UpstreamFailure; never includes upstream text. */
export function firstContentObject(text: string): Record<string, unknown> {
  const first: unknown = parseContent(text).content[0];
  if (!isPlainObject(first)) throw new UpstreamFailure('malformed', 'content[0] is not an object');
  return first;
}

/** A count of the envelope (`totalElements`, `numberOfElements`), as a number when it is one. */
function countOf(envelope: Record<string, unknown>, key: string): number | undefined {
  const value = getCaseInsensitive(envelope, key);
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^[0-9]{1,9}$/.test(value)) return Number(value);
  return undefined;
}

/**
 * Refuses an envelope that says there is more than one record: several objects in `content`, or
 * a count above one (the other records may be on a later page).
 */
export function refuseSeveral(
  envelope: Record<string, unknown>,
  content: readonly unknown[],
): void {
  const counts = [countOf(envelope, 'totalElements'), countOf(envelope, 'numberOfElements')];
  if (content.length > 1 || counts.some((count) => count !== undefined && count > 1))
    throw new UpstreamFailure('ambiguous', 'more than one record for the NIK');
}

/** Parses a `CALL_NIK` envelope: the one record, or the RESPON failure it carries. */
export function parseCallNikEnvelope(text: string): UpstreamRawRecord {
  const { envelope, content } = parseContent(text);
  const first: unknown = content[0];
  if (!isPlainObject(first)) throw new UpstreamFailure('malformed', 'content[0] is not an object');
  const respon = getCaseInsensitive(first, 'RESPON');
  if (respon !== undefined) {
    if (typeof respon !== 'string') throw new UpstreamFailure('malformed', 'RESPON is not text');
    const { kind, reason } = classifyRespon(respon);
    throw new UpstreamFailure(kind, reason);
  }
  // Only a record answer is judged for uniqueness: a refusal carries no record at all.
  refuseSeveral(envelope, content);
  return first;
}
