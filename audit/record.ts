/**
 * The stored audit record and its chain hash.
 *
 *   body = canonical JSON of the record without `hash` (it includes `prevHash` and `seq`)
 *   hash = SHA-256("gerbang-audit-record/1\n" ‖ body), hex
 *
 * so every record commits to its content, its position and everything before it. The first
 * record's `prevHash` is 64 zeros (or, after a retention purge, the last purged record's hash).
 * The record's shape (`RecordBody`, `AuditRecord`) lives in types.ts with the other shared types.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.ts';
import type { AuditEvent, RecordBody } from './types.ts';

export const GENESIS_HASH = '0'.repeat(64);
const DOMAIN = 'gerbang-audit-record/1\n';

/** The fields an audit record may carry: anything else in an event is not stored. */
const FIELDS = [
  'type',
  'event',
  'requestId',
  'principal',
  'operator',
  'sourceAddress',
  'purpose',
  'reference',
  'subject',
  'readerId',
  'elementsRequested',
  'elementsReleased',
  'outcome',
  'errorCode',
  'upstreamStatus',
  'upstreamLatencyMs',
  'detail',
] as const;

export function recordBody(
  event: AuditEvent,
  seq: number,
  time: string,
  prevHash: string,
): RecordBody {
  const body: Record<string, unknown> = { seq, time, prevHash };
  for (const field of FIELDS) {
    const value = event[field];
    if (value !== undefined)
      body[field] =
        field === 'principal' && event.principal
          ? {
              id: event.principal.id,
              role: event.principal.role,
              certificateFingerprint: event.principal.certificateFingerprint,
            }
          : value;
  }
  return body as RecordBody;
}

export function canonicalBody(body: RecordBody): string {
  return canonicalJson(body);
}

export function hashCanonicalBody(canonical: string): string {
  return createHash('sha256').update(DOMAIN).update(canonical).digest('hex');
}
