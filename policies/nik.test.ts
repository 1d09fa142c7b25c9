import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkNik, PROVINCE_CODES } from './nik.ts';

describe('checkNik', () => {
  it.each([
    ['6474015709900001', 'PEREMPUAN'], // canary: day 57 = 17 + 40
    ['3316010101850002', 'LAKI-LAKI'],
    ['6474010101010009', 'LAKI-LAKI'],
    ['3171012902000001', 'LAKI-LAKI'], // 29 Feb 2000 exists
    ['9171014112990001', 'PEREMPUAN'], // Papua, female, 1 Dec 1999
  ])('accepts %s', (nik, sex) => {
    expect(checkNik(nik)).toEqual({ valid: true, sex, provinceCode: nik.slice(0, 2) });
  });

  it.each([
    [6474015709900001, 'not_a_string'],
    [null, 'not_a_string'],
    ['647401570990000', 'wrong_length'], // 15 digits
    ['64740157099000011', 'wrong_length'], // 17 digits
    ['64740157099O0001', 'not_digits'], // letter O
    ['6474 15709900001', 'not_digits'],
    ['６４７４０１５７０９９００００１', 'not_digits'], // full-width digits: 16 characters, none ASCII
    ['0074015709900001', 'unknown_province'], // province 00
    ['9974015709900001', 'unknown_province'],
    ['6474011713900001', 'bad_month'], // month 13
    ['6474011700900001', 'bad_month'], // month 00
    ['6474013209900001', 'bad_day'], // day 32
    ['6474017209900001', 'bad_day'], // female day 72 = 32
    ['6474010009900001', 'bad_day'], // day 00
    ['6474014009900001', 'bad_day'], // day 40 = female day 0
    ['6474013002900001', 'no_such_date'], // 30 February
    ['6474012902010001', 'no_such_date'], // 29 Feb 1901 and 2001
    ['6474015709900000', 'zero_serial'],
  ])('rejects %s (%s)', (nik, reason) => {
    expect(checkNik(nik)).toEqual({ valid: false, reason });
  });

  it('accepts every NIK built from valid parts', () => {
    const provinces = [...PROVINCE_CODES];
    fc.assert(
      fc.property(
        fc.constantFrom(...provinces),
        fc.integer({ min: 0, max: 9999 }),
        fc.date({
          min: new Date('1901-01-01T00:00:00Z'),
          max: new Date('2025-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.boolean(),
        fc.integer({ min: 1, max: 9999 }),
        (province, region, birth, female, serial) => {
          const day = birth.getUTCDate() + (female ? 40 : 0);
          const nik = `${province}${String(region).padStart(4, '0')}${String(day).padStart(2, '0')}${String(birth.getUTCMonth() + 1).padStart(2, '0')}${String(birth.getUTCFullYear() % 100).padStart(2, '0')}${String(serial).padStart(4, '0')}`;
          const check = checkNik(nik);
          expect(check).toEqual({
            valid: true,
            sex: female ? 'PEREMPUAN' : 'LAKI-LAKI',
            provinceCode: province,
          });
        },
      ),
    );
  });

  it('never throws and accepts only 16 ASCII digits', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.anything()), (value) => {
        const check = checkNik(value);
        if (check.valid) expect(value).toMatch(/^[0-9]{16}$/);
      }),
    );
  });
});
