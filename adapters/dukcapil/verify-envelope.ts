/**
 * `CALL_VERIFY_BY_ELEMEN` answers (DOMAIN.md, "Dukcapil web service"):
 *
 * - success: `content[0]` has **no `RESPONSE_CODE`**, and a verdict under each claimed key,
 *   **`NIK` included** (`"NIK": "Sesuai"`, a verdict, not the number): `"Sesuai"` /
 *   `"Tidak Sesuai"`, fuzzy ones with a score, `"Sesuai (92)"`. Read by prefix and score.
 * - failure: `RESPONSE_CODE` with the text under `RESPONSE`. The text is never read; the code goes
 *   through the profile's table (profile.ts), and a code not in it is `unknown response code`,
 *   a failure of its own and not an outage.
 *
 * Keys are read in either case. The score stops here, like the fields outside the nine elements:
 * it is an oracle from which a claimed value can be rebuilt (issue 19, finding 9), so what leaves
 * the adapter is match or not. A `Sesuai` whose score is under the agreement's threshold is no
 * match: the stricter of Dukcapil's verdict and the threshold the gateway sent holds. A NIK judged
 * `Tidak Sesuai` makes nothing of the answer a match: the other verdicts are about someone else.
 */
import type { ClaimVerdict, ElementName } from '../../policies/index.ts';
import { getCaseInsensitive, parseContent, refuseSeveral } from './envelope.ts';
import { DOMAIN_RESPONSE_CODES, type ResponseCodeMeaning } from './profile.ts';
import { classifyRespon, MEANING_FAILURES } from './respon.ts';
import { UpstreamFailure } from './port.ts';

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

/** One claimed element and the wire keys it was sent under (`alamat`: ALAMAT and its parts). */
export interface ClaimedKeys {
  readonly element: ElementName;
  /** Upper-case key names; the answer is read in either case. */
  readonly keys: readonly string[];
}

/** A RESPONSE_CODE as two digits (`5` and `"5"` are `"05"`), or undefined for anything else. */
function codeText(code: unknown): string | undefined {
  const text = typeof code === 'number' && Number.isInteger(code) ? String(code) : code;
  if (typeof text !== 'string' || !/^\s*[0-9]{1,3}\s*$/.test(text)) return undefined;
  return text.trim().padStart(2, '0');
}

function wireVerdict(first: Record<string, unknown>, key: string): WireVerdict | undefined {
  const raw = getCaseInsensitive(first, key);
  return typeof raw === 'string' ? parseVerdict(raw) : undefined;
}

/**
 * Parses the answer for exactly the elements asked about: a verdict missing or unreadable for
 * any key sent (or for `NIK`) makes the whole answer unusable (never half an answer); extra keys
 * are ignored. Each verdict is match or not under `threshold` (the one sent as TRESHOLD).
 */
export function parseVerifyEnvelope(
  text: string,
  claimed: readonly ClaimedKeys[],
  threshold: number,
  responseCodes: Readonly<Record<string, ResponseCodeMeaning>> = DOMAIN_RESPONSE_CODES,
): Partial<Record<ElementName, ClaimVerdict>> {
  const { envelope, content } = parseContent(text);
  const first: unknown = content[0];
  if (typeof first !== 'object' || first === null || Array.isArray(first))
    throw new UpstreamFailure('malformed', 'content[0] is not an object');
  const item = first as Record<string, unknown>;
  // Some deployments refuse a login with CALL_NIK's RESPON text on every method.
  const respon = getCaseInsensitive(item, 'RESPON');
  if (typeof respon === 'string') {
    const { kind, reason } = classifyRespon(respon);
    throw new UpstreamFailure(kind, reason);
  }
  const code = getCaseInsensitive(item, 'RESPONSE_CODE');
  if (code !== undefined && code !== null) {
    const known = codeText(code);
    if (known === undefined) throw new UpstreamFailure('malformed', 'RESPONSE_CODE unreadable');
    const meaning = Object.hasOwn(responseCodes, known) ? responseCodes[known] : undefined;
    if (meaning === undefined) throw new UpstreamFailure('malformed', 'unknown response code');
    const failure = MEANING_FAILURES[meaning];
    throw new UpstreamFailure(failure.kind, failure.reason);
  }
  refuseSeveral(envelope, content);
  const nik = wireVerdict(item, 'NIK');
  if (nik === undefined) throw new UpstreamFailure('malformed', 'NIK has no verdict');
  const nikMatches = nik.sesuai;
  const verdicts: Partial<Record<ElementName, ClaimVerdict>> = {};
  for (const { element, keys } of claimed) {
    let match = nikMatches;
    for (const key of keys) {
      const verdict = key.toUpperCase() === 'NIK' ? nik : wireVerdict(item, key);
      if (verdict === undefined)
        throw new UpstreamFailure('malformed', 'a claimed element has no verdict');
      match &&= verdictUnder(verdict, threshold).match;
    }
    verdicts[element] = { match };
  }
  return verdicts;
}
