/**
 * What to do with each row of a bulk verification file, decided locally before anything is sent:
 * the header must name canonical elements (`nik` and any of the others); a row with the wrong
 * number of fields, a NIK of invalid form or a claim that cannot be compared is `invalid_format`
 * (the Pergub's quality standard); a sex or marital status outside the registry's code list is
 * `unclassified` (its classification); a row without a NIK or without any claim is `incomplete`
 * (its completeness). Only the rest reach the gateway, and with only the non-empty claims; its
 * answer settles existence (`nik_not_found`, `nik_ambiguous`) and accuracy (`mismatch`).
 */
import {
  ELEMENTS,
  isClaimWellFormed,
  isInCodeList,
  isValidNik,
  type ElementName,
} from '../../../policies/index.ts';

export const OUTCOMES = [
  'valid',
  'mismatch',
  'nik_not_found',
  'nik_ambiguous',
  'invalid_format',
  'unclassified',
  'incomplete',
  'error',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** A row's result: an outcome and element names (never a value), plus an error code. */
export interface RowResult {
  readonly outcome: Outcome;
  readonly mismatched?: readonly ElementName[];
  readonly missing?: readonly ElementName[];
  readonly invalid?: readonly ElementName[];
  /** Coded elements whose value is not in the registry's code list. */
  readonly unclassified?: readonly ElementName[];
  readonly error?: string;
}

export type ClaimElement = Exclude<ElementName, 'nik'>;

export interface FileLayout {
  /** Column position of `nik`. */
  readonly nikColumn: number;
  /** The claim columns, in file order. */
  readonly claimColumns: readonly { readonly element: ClaimElement; readonly column: number }[];
  readonly width: number;
}

export type RowPlan =
  | { readonly kind: 'done'; readonly result: RowResult }
  | {
      readonly kind: 'query';
      readonly nik: string;
      readonly claims: Readonly<Partial<Record<ClaimElement, string>>>;
      readonly missing: readonly ElementName[];
    };

export class LayoutError extends Error {
  override readonly name = 'LayoutError';
}

const isElement = (name: string): name is ElementName =>
  (ELEMENTS as readonly string[]).includes(name);

/** Reads the header; throws LayoutError with a message for the person who prepared the file. */
export function readLayout(header: readonly string[]): FileLayout {
  const names = header.map((name) => name.trim().toLowerCase());
  const unknown = names.filter((name) => !isElement(name));
  if (unknown.length > 0)
    throw new LayoutError(
      `the header names columns that are not elements: ${unknown.map((n) => JSON.stringify(n)).join(', ')}; ` +
        `allowed: ${ELEMENTS.join(', ')}`,
    );
  const duplicated = names.filter((name, i) => names.indexOf(name) !== i);
  if (duplicated.length > 0)
    throw new LayoutError(
      `the header names a column twice: ${[...new Set(duplicated)].join(', ')}`,
    );
  const nikColumn = names.indexOf('nik');
  if (nikColumn < 0) throw new LayoutError('the header has no nik column');
  const claimColumns = names.flatMap((name, column) =>
    name === 'nik' ? [] : [{ element: name as ClaimElement, column }],
  );
  if (claimColumns.length === 0)
    throw new LayoutError('the header names no element to verify besides nik');
  return { nikColumn, claimColumns, width: names.length };
}

export function planRow(layout: FileLayout, fields: readonly string[]): RowPlan {
  if (fields.length !== layout.width)
    return { kind: 'done', result: { outcome: 'invalid_format', error: 'wrong_field_count' } };
  const nik = (fields[layout.nikColumn] ?? '').trim();
  const missing: ElementName[] = [];
  const invalid: ElementName[] = [];
  const unclassified: ElementName[] = [];
  const claims: Partial<Record<ClaimElement, string>> = {};
  if (nik === '') missing.push('nik');
  else if (!isValidNik(nik)) invalid.push('nik');
  for (const { element, column } of layout.claimColumns) {
    const value = (fields[column] ?? '').trim();
    if (value === '') missing.push(element);
    else if (!isClaimWellFormed(element, value)) invalid.push(element);
    else if (!isInCodeList(element, value)) unclassified.push(element);
    else claims[element] = value;
  }
  const also = {
    ...(missing.length > 0 ? { missing } : {}),
    ...(unclassified.length > 0 ? { unclassified } : {}),
  };
  // Settled here, without a request: a value that cannot be read (quality standard) is not
  // classified either; one outside its code list cannot be verified (classification).
  if (invalid.length > 0)
    return { kind: 'done', result: { outcome: 'invalid_format', invalid, ...also } };
  if (unclassified.length > 0)
    return { kind: 'done', result: { outcome: 'unclassified', ...also } };
  if (nik === '' || Object.keys(claims).length === 0)
    return { kind: 'done', result: { outcome: 'incomplete', missing } };
  return { kind: 'query', nik, claims, missing };
}

/** The outcome of a verified row from the gateway's verdicts. */
export function resultFromVerdicts(
  verdicts: Readonly<Partial<Record<ElementName, { readonly match: boolean }>>>,
  missing: readonly ElementName[],
): RowResult {
  const mismatched = ELEMENTS.filter((element) => verdicts[element]?.match === false);
  const withMissing = missing.length > 0 ? { missing } : {};
  if (mismatched.length > 0) return { outcome: 'mismatch', mismatched, ...withMissing };
  return missing.length > 0 ? { outcome: 'incomplete', missing } : { outcome: 'valid' };
}
