/**
 * What the simulator answers on the wire, in the shapes of DOMAIN.md, "Dukcapil web service":
 * - the paged envelope `{"content":[…], "totalElements": n, …}`, HTTP 200 even for errors;
 * - `CALL_NIK` failures as `content[0].RESPON` text;
 * - `CALL_VERIFY_BY_ELEMEN` failures as `RESPONSE_CODE` with the text under `RESPONSE`;
 * - `CALL_VERIFY_BY_ELEMEN` success with **no** `RESPONSE_CODE`: a verdict under each claimed key,
 *   `NIK` included (`"NIK": "Sesuai"`), `"Sesuai"` / `"Tidak Sesuai"`, fuzzy elements with their
 *   score (`"Sesuai (92)"`). Verdicts come back under the keys as the request spelt them, so a
 *   regional (lower-case) request gets `"nik": "Sesuai"`; records and codes stay upper case, as
 *   DOMAIN.md lists them.
 */
import {
  isFuzzyElement,
  normaliseUpstreamRecord,
  scoreClaim,
  type ElementName,
} from '../../policies/index.ts';
import type { Claim, VerifyRequest } from './request.ts';

/** The envelope; `total` above `content.length` is a first page of several (`lastPage: false`). */
export const envelope = (content: readonly object[], total = content.length): object => ({
  content,
  lastPage: total <= content.length,
  numberOfElements: content.length,
  sort: null,
  totalElements: total,
  firstPage: true,
  number: 0,
  size: content.length,
});
export const respon = (text: string): object => envelope([{ RESPON: text }]);

export type SimFailure = 'login' | 'ip' | 'quota' | 'not_found' | 'bad_request' | 'ambiguous';
/** CALL_NIK's RESPON texts, spelt (and spaced) as DOMAIN.md lists them. */
export const RESPON_TEXT: Readonly<Record<Exclude<SimFailure, 'ambiguous'>, string>> = {
  login: 'Login Gagal',
  ip: 'IP Client  Tidak terdaftar',
  quota: 'Kuota Akses Hari ini telah Habis',
  not_found: 'Data Tidak Ditemukan',
  bad_request: 'Format Request Tidak Sesuai',
};
/**
 * Verify's codes (DOMAIN.md: 03 login, 04 IP, 05 quota, 12 more than one record, 13 not found).
 * `02` for a request the simulator cannot read is not in DOMAIN.md's list: on purpose, an adapter
 * sending a malformed request sees an unknown code, which is an error of its own, not an outage.
 */
const RESPONSE_CODES: Readonly<Record<SimFailure, readonly [string, string]>> = {
  login: ['03', 'Login Gagal'],
  ip: ['04', 'IP Address Tidak Sesuai'],
  quota: ['05', 'Kuota Akses Hari ini telah Habis'],
  not_found: ['13', 'Data Tidak Ditemukan'],
  bad_request: ['02', 'Parameter Tidak Sesuai'],
  ambiguous: ['12', 'Data Lebih Dari Satu'],
};
export const codeAnswer = (code: string, text: string): object =>
  envelope([{ RESPONSE_CODE: code, RESPONSE: text }]);
export const responseCode = (kind: SimFailure): object => {
  const [code, text] = RESPONSE_CODES[kind];
  return codeAnswer(code, text);
};

const collapse = (value: string): string => value.replace(/\s+/g, ' ').trim().toUpperCase();

/** An address part beside ALAMAT: region numbers compared as numbers, names as normalised text. */
function addressPartMatches(claim: Claim, raw: Readonly<Record<string, unknown>>): boolean {
  const actual = raw[claim.key];
  if (typeof actual !== 'string' && typeof actual !== 'number') return false;
  if (claim.key.startsWith('NO_'))
    return /^\d+$/.test(claim.value.trim()) && Number(claim.value) === Number(actual);
  return collapse(claim.value) === collapse(String(actual));
}

/** CALL_VERIFY_BY_ELEMEN's success answer against one resident's record. */
export function verifyAgainst(
  raw: Readonly<Record<string, unknown>>,
  request: VerifyRequest,
): object {
  const { record } = normaliseUpstreamRecord(raw);
  // The NIK was found: its verdict is "Sesuai" (DOMAIN.md: "`NIK` included").
  const answer: Record<string, string> = { [request.nikKey]: 'Sesuai' };
  for (const claim of request.claims) {
    if (claim.element === undefined) {
      answer[claim.sentKey] = addressPartMatches(claim, raw) ? 'Sesuai' : 'Tidak Sesuai';
      continue;
    }
    const element: ElementName = claim.element;
    const actual = record[element];
    const verdict =
      actual === undefined
        ? { match: false, score: 0 }
        : scoreClaim(element, claim.value, actual, request.threshold);
    const word = verdict.match ? 'Sesuai' : 'Tidak Sesuai';
    answer[claim.sentKey] = isFuzzyElement(element) ? `${word} (${verdict.score})` : word;
  }
  return envelope([answer]);
}
