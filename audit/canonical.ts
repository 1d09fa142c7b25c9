/**
 * Canonical JSON for hashing and signing: object keys sorted by UTF-16 code units, no
 * whitespace, numbers in their shortest round-trip form (the JSON Canonicalization Scheme,
 * RFC 8785, for the value types audit records use). `undefined` members are omitted.
 */
export type CanonicalValue =
  | string
  | number
  | boolean
  | null
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue | undefined };

export function canonicalJson(value: CanonicalValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string')
    return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new RangeError('canonical JSON has no representation for non-finite numbers');
    return JSON.stringify(value);
  }
  // Loops rather than filter/sort/map/join chains: every audit record is canonicalised on the
  // request path (the same output, fewer intermediate arrays).
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++)
      out += (i === 0 ? '' : ',') + canonicalJson(value[i] as CanonicalValue);
    return `${out}]`;
  }
  const object = value as { readonly [key: string]: CanonicalValue | undefined };
  let out = '{';
  let first = true;
  for (const key of Object.keys(object).sort()) {
    const member = object[key];
    if (member === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
    first = false;
  }
  return `${out}}`;
}
