/**
 * NIK (Nomor Induk Kependudukan) form validation, per DOMAIN.md: 16 digits
 * `PP KK CC DDMMYY SSSS`, with 40 added to the day for women. There is no check digit, so
 * "valid" means "could have been issued", never "exists".
 */

/** Province codes of Kemendagri / BPS, including the 2022 Papua provinces (91–96). */
export const PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
  '17',
  '18',
  '19',
  '21',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '51',
  '52',
  '53',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '72',
  '73',
  '74',
  '75',
  '76',
  '81',
  '82',
  '91',
  '92',
  '93',
  '94',
  '95',
  '96',
]);

export type NikRejection =
  | 'not_a_string'
  | 'wrong_length'
  | 'not_digits'
  | 'unknown_province'
  | 'bad_month'
  | 'bad_day'
  | 'no_such_date'
  | 'zero_serial';

export type NikCheck =
  | { readonly valid: true; readonly sex: 'LAKI-LAKI' | 'PEREMPUAN'; readonly provinceCode: string }
  | { readonly valid: false; readonly reason: NikRejection };

const DIGITS_16 = /^[0-9]{16}$/;

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** Checks that a value is a NIK of valid form. Never throws. */
export function checkNik(value: unknown): NikCheck {
  if (typeof value !== 'string') return { valid: false, reason: 'not_a_string' };
  if (value.length !== 16) return { valid: false, reason: 'wrong_length' };
  if (!DIGITS_16.test(value)) return { valid: false, reason: 'not_digits' };
  const provinceCode = value.slice(0, 2);
  if (!PROVINCE_CODES.has(provinceCode)) return { valid: false, reason: 'unknown_province' };
  const encodedDay = Number(value.slice(6, 8));
  const month = Number(value.slice(8, 10));
  const yy = Number(value.slice(10, 12));
  if (month < 1 || month > 12) return { valid: false, reason: 'bad_month' };
  const female = encodedDay > 40;
  const day = female ? encodedDay - 40 : encodedDay;
  if (day < 1 || day > 31) return { valid: false, reason: 'bad_day' };
  // The century is not encoded: a date is real if it exists in 19yy or 20yy (29 Feb "00" does).
  if (!isRealDate(1900 + yy, month, day) && !isRealDate(2000 + yy, month, day)) {
    return { valid: false, reason: 'no_such_date' };
  }
  if (value.slice(12) === '0000') return { valid: false, reason: 'zero_serial' };
  return { valid: true, sex: female ? 'PEREMPUAN' : 'LAKI-LAKI', provinceCode };
}

/** True when `value` is a NIK of valid form; narrows the type to string. */
export function isValidNik(value: unknown): value is string {
  return checkNik(value).valid;
}
