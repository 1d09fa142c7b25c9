/**
 * What the simulator answers on the wire, in Dukcapil's own format: the paged envelope, the RESPON
 * texts of CALL_NIK, the RESPONSE_CODEs of CALL_VERIFY_BY_ELEMEN, and the per-element verdicts
 * ("Sesuai" / "Tidak Sesuai", with the score for fuzzy elements) of a verify request.
 */
import {
  isFuzzyElement,
  normaliseUpstreamRecord,
  scoreClaims,
  UPSTREAM_ELEMENT_KEYS,
  type ElementName,
  type ScoredVerdict,
} from '../../policies/index.ts';

export const VERIFY_METHOD = 'CALL_VERIFY_BY_ELEMEN';

export const envelope = (content: readonly object[]): object => ({
  content,
  lastPage: true,
  numberOfElements: content.length,
  sort: null,
  totalElements: content.length,
  firstPage: true,
  number: 0,
  size: content.length,
});
export const respon = (text: string): object => envelope([{ RESPON: text }]);

export type SimFailure = 'login' | 'ip' | 'quota' | 'not_found' | 'bad_request';
export const RESPON_TEXT: Readonly<Record<SimFailure, string>> = {
  login: 'Login Gagal',
  ip: 'IP Client  Tidak terdaftar',
  quota: 'Kuota Akses Hari ini telah Habis',
  not_found: 'Data Tidak Ditemukan',
  bad_request: 'Format Request Tidak Sesuai',
};
const RESPONSE_CODES: Readonly<Record<SimFailure, readonly [string, string]>> = {
  login: ['03', 'User ID atau Password Salah'],
  ip: ['04', 'IP Address Tidak Sesuai'],
  quota: ['05', 'Kuota Akses Hari ini telah Habis'],
  not_found: ['13', 'NIK Tidak Ditemukan'],
  bad_request: ['02', 'Parameter Tidak Sesuai'],
};
export const responseCode = (kind: SimFailure): object => {
  const [code, description] = RESPONSE_CODES[kind];
  return envelope([{ RESPONSE_CODE: code, RESPONSE_DESC: description }]);
};

/** Case-insensitive key lookup: clients vary the case of request keys. */
export function field(body: Record<string, unknown>, key: string): unknown {
  for (const [k, v] of Object.entries(body)) if (k.toLowerCase() === key.toLowerCase()) return v;
  return undefined;
}

/** Upstream key → canonical element, for reading the claims of a verify request. */
const CLAIM_KEYS: ReadonlyMap<string, ElementName> = new Map(
  (Object.entries(UPSTREAM_ELEMENT_KEYS) as [ElementName, string][])
    .filter(([element]) => element !== 'nik')
    .map(([element, key]) => [key, element]),
);

/**
 * CALL_VERIFY_BY_ELEMEN against one resident: "Sesuai" / "Tidak Sesuai" per claimed element,
 * with the score in brackets for fuzzy ones. Undefined when the request is not well formed.
 */
export function verifyAgainst(
  raw: Readonly<Record<string, unknown>>,
  body: Record<string, unknown>,
): object | undefined {
  const thresholdText = field(body, 'TRESHOLD');
  const threshold =
    typeof thresholdText === 'string' && /^\d{1,3}$/.test(thresholdText)
      ? Number(thresholdText)
      : NaN;
  if (!(threshold >= 0 && threshold <= 100)) return undefined;
  const claims: Partial<Record<ElementName, string>> = {};
  const keys: Partial<Record<ElementName, string>> = {};
  for (const [key, value] of Object.entries(body)) {
    const element = CLAIM_KEYS.get(key.toUpperCase());
    if (element === undefined) continue;
    if (typeof value !== 'string') return undefined;
    claims[element] = value;
    keys[element] = key.toUpperCase();
  }
  if (Object.keys(claims).length === 0) return undefined;
  const { record } = normaliseUpstreamRecord(raw);
  const answer: Record<string, string> = {
    RESPONSE_CODE: '01',
    RESPONSE_DESC: 'Data Ditemukan',
    NIK: String(raw['NIK']),
  };
  for (const [element, verdict] of Object.entries(scoreClaims(record, claims, threshold)) as [
    ElementName,
    ScoredVerdict,
  ][]) {
    const word = verdict.match ? 'Sesuai' : 'Tidak Sesuai';
    answer[keys[element] ?? element] = isFuzzyElement(element)
      ? `${word} (${verdict.score})`
      : word;
  }
  return envelope([answer]);
}
