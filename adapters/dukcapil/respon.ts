/**
 * Dukcapil reports errors as text in `content[0].RESPON`, with varying case and spacing
 * ("IP Client  Tidak terdaftar" has two spaces). Compare normalised, match loosely.
 */
import type { UpstreamFailureKind } from './port.ts';

export function normaliseResponText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

const RULES: readonly (readonly [RegExp, UpstreamFailureKind, string])[] = [
  [/tidak ditemukan/, 'not_found', 'data not found'],
  [/kuota/, 'quota', 'daily quota exhausted'],
  [/login gagal|password|user ?id|tidak aktif/, 'rejected', 'login rejected'],
  [/\bip\b/, 'rejected', 'client IP not registered'],
];

/** Classifies a RESPON text. Unknown texts are "malformed": we do not guess what they mean. */
export function classifyRespon(text: string): { kind: UpstreamFailureKind; reason: string } {
  const normalised = normaliseResponText(text);
  for (const [pattern, kind, reason] of RULES) {
    if (pattern.test(normalised)) return { kind, reason };
  }
  return { kind: 'malformed', reason: 'unrecognised RESPON' };
}
