/**
 * Audit subjects: HMAC-SHA256 of the NIK under a secret key, so that an officer can trace one
 * resident across the trail (by hashing the NIK they hold) while the trail itself holds no NIK
 * and cannot be reversed by enumerating the ~10^10 plausible NIKs without the key.
 */
import { createHmac } from 'node:crypto';

export type SubjectHasher = (nik: string) => string;

/** A NIK's subjects under the current key and every retired one: what a search must match. */
export type SubjectTracer = (nik: string) => string[];

export function createSubjectTracer(
  current: SubjectHasher,
  previousKeys: readonly Uint8Array[],
): SubjectTracer {
  const previous = previousKeys.map(createSubjectHasher);
  return (nik) => [current(nik), ...previous.map((hasher) => hasher(nik))];
}

export function createSubjectHasher(key: Uint8Array): SubjectHasher {
  if (key.length < 32) throw new RangeError('the audit HMAC key must be at least 32 bytes');
  const keyCopy = Buffer.from(key);
  return (nik) => createHmac('sha256', keyCopy).update(nik, 'utf8').digest('hex');
}
