/**
 * The one guard for client text that the gateway stores or logs: request ids, operator ids,
 * references, idempotency keys, administrators' notes and reasons, and whatever field is added
 * later. The audit trail cannot be cleaned (it is append-only and forwarded to the SIEM), so text
 * that could carry population data must be refused before it is written, not found afterwards.
 *
 * What is refused, whatever the field:
 *
 *  - **A NIK-like run**: 16 or more decimal digits that are separated only by characters that are
 *    neither letters nor digits — `6474015709900001`, `6474-0157-0990-0001`,
 *    `6474@0157@0990@0001`, `6474 0157 0990 0001`, `6474_0157/0990.0001`, with any number of
 *    separators between the groups, zero-width characters included. Text is NFKC-normalised first
 *    (full-width digits are digits) and any Unicode decimal digit counts. Sixteen is the length of
 *    a NIK, of a KK number and of the 16-digit NPWP; a longer run may hold one. A letter ends a
 *    run: `SPT-2026-000123` is a 10-digit run, and a hexadecimal request id is a string of short
 *    runs.
 *  - **A control or invisible character**: C0/C1 controls (a CR/LF forges log lines), format
 *    characters (bidirectional overrides, zero-width characters), line and paragraph separators,
 *    unpaired surrogates.
 *
 * And for identifiers (request id, operator id, reference, idempotency key) also:
 *
 *  - **Whitespace**: an identifier is not prose, so a name cannot be put there as it is written
 *    ("SITI KENARI RAHAYU"). A name spelled as an identifier cannot be told from a case reference;
 *    the record names the client and operator that sent it.
 *
 * Not refused, deliberately: runs of 12–15 digits (phone numbers would be, but so would the
 * millisecond timestamps clients put in keys and ids; the gateway handles no phone numbers), and
 * NIKs interleaved with letters (`6474a0157…`), which no one writes a NIK as.
 */

export type StoredTextKind = 'identifier' | 'text';

export type StoredTextRefusal = 'nik_like_run' | 'control_character' | 'whitespace';

/** The shortest digit run, counted across separators, that is refused. */
export const REFUSED_DIGIT_RUN = 16;

/** For a field's error message: what is wrong, never the value itself. */
export const STORED_TEXT_MESSAGES: Readonly<Record<StoredTextRefusal, string>> = {
  nik_like_run:
    'could carry a NIK: 16 or more digits, counted across spaces, dots, dashes and other separators, are never stored (a letter between numbers keeps them apart)',
  control_character: 'holds a control or invisible character',
  whitespace: 'is an identifier and may not contain spaces',
};

const DIGIT = /^\p{Nd}$/u;
const LETTER = /^\p{L}$/u;
const CONTROL = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
const WHITESPACE = /\s/u;

/**
 * The longest number of digits in `text` that follow each other with nothing but separators
 * (anything that is neither a letter nor a digit) between them: what the text reads as once its
 * separators are taken out.
 */
export function longestDigitRun(text: string): number {
  let longest = 0;
  let current = 0;
  for (const character of text.normalize('NFKC')) {
    if (DIGIT.test(character)) {
      current++;
      if (current > longest) longest = current;
    } else if (LETTER.test(character)) {
      current = 0;
    }
  }
  return longest;
}

/** Why `text` may not be stored or logged, or undefined when it may. Never throws. */
export function checkStoredText(text: string, kind: StoredTextKind): StoredTextRefusal | undefined {
  if (CONTROL.test(text)) return 'control_character';
  if (longestDigitRun(text) >= REFUSED_DIGIT_RUN) return 'nik_like_run';
  if (kind === 'identifier' && WHITESPACE.test(text)) return 'whitespace';
  return undefined;
}

/** Whether `text` may be stored or logged as a field of this kind. */
export function isStorableText(text: string, kind: StoredTextKind): boolean {
  return checkStoredText(text, kind) === undefined;
}
