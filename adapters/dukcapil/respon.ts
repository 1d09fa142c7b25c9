/**
 * What Dukcapil's refusals mean, in the adapter's fixed words. `CALL_NIK` reports them as text in
 * `content[0].RESPON`, with varying case and spacing ("IP Client  Tidak terdaftar" has two
 * spaces): compared normalised, matched loosely. Verify reports them as a `RESPONSE_CODE`, read
 * through the profile's code table into the same meanings (DOMAIN.md, "Dukcapil web service").
 *
 * "tidak aktif" names either the resident's NIK or the agency's account, and the two mean
 * different things to the caller (docs/upstream.md, "Inactive"): a text naming the account (user,
 * pengguna, akun, lembaga, instansi, institusi, konsumen) is a rejection of the agency, whatever
 * else it says — telling a clerk that a resident is inactive when it is the agency's login would
 * be a false statement about a person; a text naming the NIK or the resident (nik, penduduk, ktp)
 * is the resident's; a "tidak aktif" naming neither is not guessed at.
 */
import type { ResponseCodeMeaning } from './profile.ts';
import type { UpstreamFailureKind } from './port.ts';

export interface FailureMeaning {
  readonly kind: UpstreamFailureKind;
  /** A fixed description, never upstream text. */
  readonly reason: string;
}

/** Each meaning of DOMAIN.md's code list as a failure kind with its fixed reason. */
export const MEANING_FAILURES: Readonly<Record<ResponseCodeMeaning, FailureMeaning>> = {
  not_found: { kind: 'not_found', reason: 'data not found' },
  deceased: { kind: 'not_found', reason: 'resident recorded as deceased' },
  // PKS Pasal 2(2)a: a NIK with several records is never taken as one.
  ambiguous: { kind: 'ambiguous', reason: 'more than one record for the NIK' },
  rejected_login: { kind: 'rejected', reason: 'login rejected' },
  rejected_ip: { kind: 'rejected', reason: 'client IP not registered' },
  quota: { kind: 'quota', reason: 'daily quota exhausted' },
  resident_inactive: { kind: 'not_found', reason: 'NIK inactive' },
  institution_inactive: { kind: 'rejected', reason: 'institution inactive' },
  user_inactive: { kind: 'rejected', reason: 'user inactive' },
};

export function normaliseResponText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Tried in order; the first that matches names the meaning. */
const RULES: readonly (readonly [RegExp, ResponseCodeMeaning])[] = [
  [/tidak ditemukan/, 'not_found'],
  [/kuota/, 'quota'],
  [
    /\b(lembaga|instansi|institusi|konsumen)\b.*tidak aktif|tidak aktif.*\b(lembaga|instansi|institusi|konsumen)\b/,
    'institution_inactive',
  ],
  [/\b(user|pengguna|akun)\b.*tidak aktif|tidak aktif.*\b(user|pengguna|akun)\b/, 'user_inactive'],
  [/\b(nik|penduduk|ktp)\b.*tidak aktif|tidak aktif.*\b(nik|penduduk|ktp)\b/, 'resident_inactive'],
  [/login gagal|password|user ?id/, 'rejected_login'],
  [/\bip\b/, 'rejected_ip'],
];

/** Classifies a RESPON text. Unknown texts are "malformed": we do not guess what they mean. */
export function classifyRespon(text: string): FailureMeaning {
  const normalised = normaliseResponText(text);
  for (const [pattern, meaning] of RULES) {
    if (pattern.test(normalised)) return MEANING_FAILURES[meaning];
  }
  return { kind: 'malformed', reason: 'unrecognised RESPON' };
}
