/**
 * Reading a request body as a strict Dukcapil endpoint of one profile would: each key exactly as
 * the profile spells it (`NIK` on central `CALL_NIK`, `nik` on the regional one; DOMAIN.md,
 * "Dukcapil web service": key case "a setting of the endpoint"). A key in another case is not
 * that key: credentials spelt wrong are missing credentials (a login failure), and any key the
 * method does not take makes the request malformed. `TGL_LHR` must be in the profile's date form.
 */
import {
  ADDRESS_PART_KEYS,
  type DateFormat,
  type KeyCase,
  type MethodProfile,
} from '../dukcapil/profile.ts';
import { UPSTREAM_ELEMENT_KEYS, type ElementName } from '../../policies/index.ts';

export type Body = Readonly<Record<string, unknown>>;

export interface Credentials {
  readonly userId: unknown;
  readonly password: unknown;
  readonly ipUser: unknown;
}

export const credentialsOf = (body: Body, spec: MethodProfile): Credentials => ({
  userId: body[spec.keys.userId],
  password: body[spec.keys.password],
  ipUser: body[spec.keys.ipUser],
});

const spell = (key: string, keyCase: KeyCase): string =>
  keyCase === 'upper' ? key.toUpperCase() : key.toLowerCase();

/** Verify's element keys (upper case) → the canonical element they carry. */
const ELEMENT_OF_KEY: ReadonlyMap<string, ElementName> = new Map(
  (Object.entries(UPSTREAM_ELEMENT_KEYS) as [ElementName, string][])
    .filter(([element]) => element !== 'nik')
    .map(([element, key]) => [key, element]),
);
const ADDRESS_PARTS: ReadonlySet<string> = new Set(ADDRESS_PART_KEYS);

/** One claim of a verify request: the key as sent, its upper-case name, the value. */
export interface Claim {
  readonly sentKey: string;
  readonly key: string;
  /** The canonical element, or undefined for an address part (`KEL_NAME`, `NO_RT`, …). */
  readonly element: ElementName | undefined;
  /** For `TGL_LHR`, already turned from the profile's form into YYYY-MM-DD. */
  readonly value: string;
}

export interface VerifyRequest {
  readonly nik: string;
  readonly nikKey: string;
  readonly threshold: number;
  readonly claims: readonly Claim[];
}

function ownKeys(spec: MethodProfile): Set<string> {
  return new Set(
    [
      spec.keys.nik,
      spec.keys.userId,
      spec.keys.password,
      spec.keys.ipUser,
      spec.keys.threshold,
    ].filter((key): key is string => key !== undefined),
  );
}

/** CALL_NIK's NIK, or undefined when the request is malformed (no NIK key, a foreign key). */
export function readCallNik(body: Body, spec: MethodProfile): string | undefined {
  const allowed = ownKeys(spec);
  if (Object.keys(body).some((key) => !allowed.has(key))) return undefined;
  const nik = body[spec.keys.nik];
  return typeof nik === 'string' ? nik : undefined;
}

/** DOMAIN.md: "Clients send `TGL_LHR` as `DD-MM-YYYY` or `YYYY-MM-DD`: a setting of the endpoint." */
export function dateInForm(value: string, format: DateFormat): string | undefined {
  const found =
    format === 'DD-MM-YYYY'
      ? /^(\d{2})-(\d{2})-(\d{4})$/.exec(value)
      : /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (found === null) return undefined;
  const [y, m, d] =
    format === 'DD-MM-YYYY' ? [found[3], found[2], found[1]] : [found[1], found[2], found[3]];
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCDate() === Number(d) && date.getUTCMonth() === Number(m) - 1
    ? `${y ?? ''}-${m ?? ''}-${d ?? ''}`
    : undefined;
}

/**
 * A verify request, or undefined when it is malformed: threshold not 0–100, a key the method
 * does not take (an element in the wrong case included), a value not text (region numbers may be
 * numbers), a date not in the profile's form, or nothing claimed. A blank value (`" "`, DOMAIN.md:
 * "Clients send a blank for an element they do not claim") is no claim and gets no verdict.
 */
export function readVerify(
  body: Body,
  spec: MethodProfile,
  dateFormat: DateFormat,
): VerifyRequest | undefined {
  const thresholdKey = spec.keys.threshold ?? 'TRESHOLD';
  const thresholdText = body[thresholdKey];
  if (typeof thresholdText !== 'string' || !/^\d{1,3}$/.test(thresholdText)) return undefined;
  const threshold = Number(thresholdText);
  if (threshold > 100) return undefined;
  const nik = body[spec.keys.nik];
  if (typeof nik !== 'string') return undefined;
  const own = ownKeys(spec);
  const claims: Claim[] = [];
  for (const [sentKey, raw] of Object.entries(body)) {
    if (own.has(sentKey)) continue;
    const key = sentKey.toUpperCase();
    const element = ELEMENT_OF_KEY.get(key);
    if (spell(key, spec.elementKeyCase) !== sentKey) return undefined;
    if (element === undefined && !ADDRESS_PARTS.has(key)) return undefined;
    const text =
      typeof raw === 'string'
        ? raw
        : typeof raw === 'number' && key.startsWith('NO_') && Number.isSafeInteger(raw)
          ? String(raw)
          : undefined;
    if (text === undefined) return undefined;
    if (text.trim() === '') continue;
    const value = key === 'TGL_LHR' ? dateInForm(text.trim(), dateFormat) : text;
    if (value === undefined) return undefined;
    claims.push({ sentKey, key, element, value });
  }
  return claims.length === 0 ? undefined : { nik, nikKey: spec.keys.nik, threshold, claims };
}
