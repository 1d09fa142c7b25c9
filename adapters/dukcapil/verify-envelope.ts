/**
 * `CALL_VERIFY_BY_ELEMEN`: Dukcapil compares what the agency claims and answers per element
 * `"Sesuai"` / `"Tidak Sesuai"`, fuzzy ones with a score (`"Sesuai (92)"`). Errors come as
 * `RESPONSE_CODE` / `RESPONSE_DESC` in the same envelope as `CALL_NIK`. The description is never
 * read: codes are classified, and an unknown code is "malformed" rather than guessed at.
 *
 * The score stops here, like the fields outside the nine elements: it is an oracle from which a
 * claimed value can be rebuilt (issue 19, finding 9), so what leaves the adapter is match or not.
 * A `Sesuai` whose score is under the agreement's threshold is no match: the stricter of
 * Dukcapil's verdict and the threshold the gateway sent holds.
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

/** One verdict as the wire carries it; the score only where Dukcapil gave one. */
export interface WireVerdict {
  readonly sesuai: boolean;
  readonly score?: number;
}

/** `"Sesuai (92)"` → {sesuai: true, score: 92}; `"Tidak Sesuai"` → {sesuai: false}. */
export function parseVerdict(text: string): WireVerdict | undefined {
  const found = VERDICT.exec(text.trim());
  if (found === null) return undefined;
  const sesuai = found[1] === undefined;
  if (found[2] === undefined) return { sesuai };
  const score = Number(found[2]);
  return score > 100 ? undefined : { sesuai, score };
}

/** Match or not, under the agreement's threshold; the score goes no further. */
export function verdictUnder(wire: WireVerdict, threshold: number): ClaimVerdict {
  return { match: wire.sesuai && (wire.score === undefined || wire.score >= threshold) };
}

/**
 * Parses the answer for exactly the elements asked about: a verdict missing or unreadable for
 * any of them makes the whole answer unusable (never half an answer); extra keys are ignored.
 * Each verdict is match or not under `threshold` (the one sent as TRESHOLD).
 */
export function parseVerifyEnvelope(
  text: string,
  nik: string,
  elements: readonly ElementName[],
  threshold: number,
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
    verdicts[element] = verdictUnder(verdict, threshold);
  }
  return verdicts;
}
