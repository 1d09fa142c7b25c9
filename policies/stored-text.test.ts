import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkStoredText, isStorableText, longestDigitRun } from './stored-text.ts';

/** Separators a NIK has been seen written with, and some it could be. */
const SEPARATORS = [' ', '-', '@', '.', '_', '/', ':', '#', ',', '+', '*', '\u00a0', '\u3000'];
const separator = fc.constantFrom(...SEPARATORS);
const separatorRun = fc.array(separator, { minLength: 1, maxLength: 3 }).map((s) => s.join(''));
const digits = (length: number) =>
  fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length })
    .map((d) => d.join(''));
const letters = fc.stringMatching(/^[A-Za-z]{1,6}$/);

/** `digits` written with the digits of another script, whose zero is `zero`. */
const toScript = (text: string, zero: number): string =>
  Array.from(text, (d) => String.fromCodePoint(zero + Number(d))).join('');

/** Splits `text` at the given cut points (sorted, deduplicated) and joins the parts with `joints`. */
function split(text: string, cuts: readonly number[], joints: readonly string[]): string {
  const points = [...new Set(cuts)].sort((a, b) => a - b).filter((p) => p > 0 && p < text.length);
  let out = '';
  let from = 0;
  points.forEach((point, index) => {
    out += text.slice(from, point) + (joints[index % joints.length] ?? '-');
    from = point;
  });
  return out + text.slice(from);
}

/** A 16-digit number written with separators between arbitrary groups of its digits. */
const splitNumber = fc
  .record({
    number: digits(16),
    cuts: fc.array(fc.integer({ min: 1, max: 15 }), { maxLength: 15 }),
    joints: fc.array(separatorRun, { minLength: 1, maxLength: 4 }),
  })
  .map(({ number, cuts, joints }) => split(number, cuts, joints));

describe('checkStoredText: NIK-like runs', () => {
  it.each([
    '6474015709900001',
    'NIK-6474015709900001',
    '6474 0157 0990 0001',
    '6474-0157-0990-0001',
    '6474@0157@0990@0001',
    '6474.0157.0990.0001',
    '6474_0157_0990_0001',
    '6474/0157/0990/0001',
    '6474  0157   0990 0001',
    '64-74-01-57-09-90-00-01',
    toScript('6474015709900001', 0xff10), // full-width digits
    toScript('6474015709900001', 0x0660), // Arabic-Indic digits
    '12345678901234567890', // longer than a NIK: may hold one
    'KEY-1733145600000-123', // 13 + 3 digits: reads as 16 once the dash is gone
  ])('refuses %j', (text) => {
    expect(checkStoredText(text, 'text')).toBe('nik_like_run');
    expect(isStorableText(text, 'identifier')).toBe(false);
  });

  it.each([
    'SPT-2026-000123',
    'SURAT/2026/001',
    '400.12.4.3/9/DKPS/2025',
    'LOKET-3/2026',
    'batch:input.csv#1234',
    '3f6c2a1b-9d4e-4c1a-8f3e-2b7d9c0a1e5f',
    'req-1733145600000', // a millisecond timestamp (13 digits)
    '081234567890', // a phone number is not refused (12 digits)
    '2026-12-02T10:41:51Z',
    '6474a0157b0990c0001', // letters end runs
  ])('accepts %j', (text) => {
    expect(checkStoredText(text, 'identifier')).toBeUndefined();
  });

  it('refuses any 16-digit number split by any separators into any groups, in either kind', () => {
    fc.assert(
      fc.property(splitNumber, letters, letters, (written, before, after) => {
        for (const text of [
          written,
          `${before}-${written}`,
          `${written}/${after}`,
          `${before}${written}${after}`,
        ]) {
          expect(checkStoredText(text, 'text')).toBe('nik_like_run');
          expect(checkStoredText(text, 'identifier')).toBe('nik_like_run');
        }
      }),
    );
  });

  it('refuses a split number whose separators include zero-width or control characters', () => {
    fc.assert(
      fc.property(
        digits(16),
        fc.integer({ min: 1, max: 15 }),
        fc.constantFrom('\u200b', '\u2060', '\ufeff', '\u0000', '\n'),
        (number, at, joint) => {
          expect(isStorableText(`${number.slice(0, at)}${joint}${number.slice(at)}`, 'text')).toBe(
            false,
          );
        },
      ),
    );
  });

  it('counts digits exactly as a reader does once every separator is taken out (ASCII model)', () => {
    const ascii = fc.string({
      unit: fc.constantFrom(...'0123456789aZ -@._/:#,'.split('')),
      maxLength: 60,
    });
    fc.assert(
      fc.property(ascii, (text) => {
        const stripped = text.replace(/[^A-Za-z0-9]/g, '');
        const model = Math.max(0, ...(stripped.match(/[0-9]+/g) ?? []).map((run) => run.length));
        expect(longestDigitRun(text)).toBe(model);
        expect(checkStoredText(text, 'text') === 'nik_like_run').toBe(model >= 16);
      }),
    );
  });

  it('accepts references whose digit groups between letters stay below 16 digits', () => {
    const block = fc
      .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 })
      .filter((lengths) => lengths.reduce((a, b) => a + b, 0) <= 15)
      .chain((lengths) => fc.tuple(...lengths.map(digits)))
      .chain((groups) => fc.constantFrom('-', '/', '.').map((joint) => groups.join(joint)));
    const reference = fc
      .array(fc.tuple(letters, fc.constantFrom('-', '/', '.', ':', '#'), block), {
        minLength: 1,
        maxLength: 4,
      })
      .map((parts) => parts.map(([word, joint, numbers]) => `${word}${joint}${numbers}`).join('-'));
    fc.assert(
      fc.property(reference, (text) => {
        expect(checkStoredText(text, 'identifier')).toBeUndefined();
      }),
    );
  });
});

describe('checkStoredText: characters and whitespace', () => {
  it.each(['a\nb', 'a\rb', 'a\u0000b', 'a\u202eb', 'a\u200bb', 'a\u2028b', 'a\ud800b', 'a\u0085b'])(
    'refuses a control or invisible character in %j',
    (text) => {
      expect(checkStoredText(text, 'text')).toBe('control_character');
    },
  );

  it('refuses whitespace in identifiers only: a name cannot be given as it is written', () => {
    expect(checkStoredText('SITI KENARI RAHAYU', 'identifier')).toBe('whitespace');
    expect(checkStoredText('a\u2003b', 'identifier')).toBe('whitespace');
    expect(checkStoredText('Perpanjangan sesuai addendum 2/2027', 'text')).toBeUndefined();
  });

  it('never throws, for any string', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.constantFrom('text' as const, 'identifier' as const),
        (text, kind) => {
          const refusal = checkStoredText(text, kind);
          expect(refusal === undefined || typeof refusal === 'string').toBe(true);
        },
      ),
    );
  });
});
