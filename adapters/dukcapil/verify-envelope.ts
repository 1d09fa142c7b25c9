/**
 * `CALL_VERIFY_BY_ELEMEN`: Dukcapil compares what the agency claims and answers per element
 * `"Sesuai"` / `"Tidak Sesuai"`, fuzzy ones with a score (`"Sesuai (92)"`). Errors come as
 * `RESPONSE_CODE` / `RESPONSE_DESC` in the same envelope as `CALL_NIK`. The description is never
 * read: codes are classified, and an unknown code is "malformed" rather than guessed at.
 */
import {
  UPSTREAM_ELEMENT_KEYS,
  type ClaimVerdict,
  type ElementName,
} from '../../policies/index.ts';
import { firstContentObject, getCaseInsensitive } from './envelope.ts';
import { classifyRespon } from './respon.ts';
import { UpstreamFailure, type UpstreamFailureKind } from './port.ts';

/** RESPONSE_CODE values used by integrators (DOMAIN.md), as failure kinds with fixed reasons. */
const RESPONSE_CODES: Readonly<Record<string, readonly [UpstreamFailureKind, string]>> = {
  '03': ['rejected', 'login rejected'],
  '04': ['rejected', 'client IP not registered'],
  '10': ['rejected', 'client IP not registered'],
  '05': ['quota', 'daily quota exhausted'],
  '11': ['not_found', 'resident recorded as deceased'],
  '12': ['malformed', 'more than one record for the NIK'],
  '13': ['not_found', 'data not found'],
  '15': ['not_found', 'data not found'],
  '14': ['not_found', 'NIK inactive'],
  '16': ['rejected', 'institution inactive'],
  '17': ['rejected', 'user inactive'],
};

const VERDICT = /^(tidak\s+)?sesuai(?:\s*\(\s*(\d{1,3})\s*\))?$/i;

/** `"Sesuai (92)"` → {match: true, score: 92}; `"Tidak Sesuai"` → {match: false, score: 0}. */
export function parseVerdict(text: string): ClaimVerdict | undefined {
  const found = VERDICT.exec(text.trim());
  if (found === null) return undefined;
  const match = found[1] === undefined;
  const score = found[2] === undefined ? (match ? 100 : 0) : Number(found[2]);
  return score > 100 ? undefined : { match, score };
}

/**
 * Parses the answer for exactly the elements asked about: a verdict missing or unreadable for
 * any of them makes the whole answer unusable (never half an answer); extra keys are ignored.
 */
export function parseVerifyEnvelope(
  text: string,
  nik: string,
  elements: readonly ElementName[],
): Partial<Record<ElementName, ClaimVerdict>> {
  const first = firstContentObject(text);
  const respon = getCaseInsensitive(first, 'RESPON');
  if (typeof respon === 'string') {
    const { kind, reason } = classifyRespon(respon);
    throw new UpstreamFailure(kind, reason);
  }
  const code = getCaseInsensitive(first, 'RESPONSE_CODE');
  const codeText = typeof code === 'number' ? String(code).padStart(2, '0') : code;
  if (typeof codeText !== 'string') throw new UpstreamFailure('malformed', 'no RESPONSE_CODE');
  if (codeText !== '01') {
    const known = RESPONSE_CODES[codeText];
    throw known === undefined
      ? new UpstreamFailure('malformed', 'unrecognised RESPONSE_CODE')
      : new UpstreamFailure(known[0], known[1]);
  }
  const answeredNik = getCaseInsensitive(first, 'NIK');
  const answeredText =
    typeof answeredNik === 'number' || typeof answeredNik === 'string'
      ? String(answeredNik).padStart(16, '0')
      : answeredNik;
  if (answeredText !== undefined && answeredText !== nik)
    throw new UpstreamFailure('malformed', 'verdict for another NIK');
  const verdicts: Partial<Record<ElementName, ClaimVerdict>> = {};
  for (const element of elements) {
    const raw = getCaseInsensitive(first, UPSTREAM_ELEMENT_KEYS[element]);
    const verdict = typeof raw === 'string' ? parseVerdict(raw) : undefined;
    if (verdict === undefined)
      throw new UpstreamFailure('malformed', 'a claimed element has no verdict');
    verdicts[element] = verdict;
  }
  return verdicts;
}
