/** Request bodies as a profile spells them: keys and their case, the date form, blanks, address parts. */
import { describe, expect, it } from 'vitest';
import { dukcapilMethodUrl } from './method-url.ts';
import { CENTRAL_PROFILE, resolveUpstreamProfile } from './profile.ts';
import { callNikBody, verifyBody } from './request-body.ts';

const NIK = '6474014508900001';
const ACCOUNT = { userId: 'u', password: 'p', ipUser: '10.0.0.5' };

/** docs/upstream.md's worked example: DOMAIN.md's `33-74/IDINSOS_3374/GET_NIK`. */
const IDINSOS = resolveUpstreamProfile({
  name: 'disdukcapil-3374',
  pathTemplate: '/dukcapil/get_json/{region}/{consumer}/{method}',
  methods: {
    CALL_NIK: {
      name: 'GET_NIK',
      keys: { nik: 'nik', userId: 'user_id', password: 'password', ipUser: 'ip_user' },
      elementKeyCase: 'upper',
    },
    CALL_VERIFY_BY_ELEMEN: {
      name: 'CALL_VERIFY_BY_ELEMEN',
      keys: {
        nik: 'NIK',
        userId: 'USER_ID',
        password: 'PASSWORD',
        ipUser: 'IP_USER',
        threshold: 'TRESHOLD',
      },
      elementKeyCase: 'upper',
    },
  },
  dateFormat: 'DD-MM-YYYY',
  addressParts: ['KEL_NAME', 'NO_RT'],
  unclaimed: 'blank',
});

describe('the worked example of docs/upstream.md', () => {
  it('asks GET_NIK under its region with lower-case keys', () => {
    const url = dukcapilMethodUrl(
      'http://10.33.74.1:8080',
      { profile: IDINSOS, consumer: 'IDINSOS_3374', region: '33-74' },
      'CALL_NIK',
    );
    expect(url.pathname).toBe('/dukcapil/get_json/33-74/IDINSOS_3374/GET_NIK');
    expect(callNikBody(IDINSOS, ACCOUNT, NIK)).toEqual({
      nik: NIK,
      user_id: 'u',
      password: 'p',
      ip_user: '10.0.0.5',
    });
  });

  it('sends a blank for every element not claimed, and only its own address parts', () => {
    const { body, claimed } = verifyBody(
      IDINSOS,
      ACCOUNT,
      NIK,
      {
        tanggal_lahir: '1990-08-05',
        alamat: { jalan: 'JL. KENARI NO. 7', kelurahan: 'API-API', rt: '007', kecamatan: 'X' },
      },
      80,
    );
    expect(body).toEqual({
      USER_ID: 'u',
      PASSWORD: 'p',
      IP_USER: '10.0.0.5',
      TRESHOLD: '80',
      NIK,
      TGL_LHR: '05-08-1990',
      ALAMAT: 'JL. KENARI NO. 7',
      KEL_NAME: 'API-API',
      NO_RT: '007',
      NO_KK: ' ',
      NAMA_LGKP: ' ',
      TMPT_LHR: ' ',
      JENIS_KLMIN: ' ',
      JENIS_PKRJN: ' ',
      STATUS_KAWIN: ' ',
    });
    expect(claimed).toEqual([
      { element: 'tanggal_lahir', keys: ['TGL_LHR'] },
      { element: 'alamat', keys: ['ALAMAT', 'KEL_NAME', 'NO_RT'] },
    ]);
  });
});

describe('verifyBody', () => {
  it('sends a free-text address as ALAMAT alone, and leaves unclaimed elements out', () => {
    const { body } = verifyBody(CENTRAL_PROFILE, ACCOUNT, NIK, { alamat: 'JL. KENARI NO. 7' }, 90);
    expect(body).toEqual({
      USER_ID: 'u',
      PASSWORD: 'p',
      IP_USER: '10.0.0.5',
      TRESHOLD: '90',
      NIK,
      ALAMAT: 'JL. KENARI NO. 7',
    });
  });

  it('converts a date claimed in either form to the profile’s', () => {
    for (const claimed of ['1990-08-05', '05-08-1990', '05/08/1990'])
      expect(
        verifyBody(CENTRAL_PROFILE, ACCOUNT, NIK, { tanggal_lahir: claimed }, 90).body['TGL_LHR'],
      ).toBe('05-08-1990');
  });

  it('refuses a structured address with nothing the profile sends', () => {
    expect(() =>
      verifyBody(IDINSOS, ACCOUNT, NIK, { alamat: { provinsi: 'KALIMANTAN TIMUR' } }, 90),
    ).toThrow(RangeError);
  });
});
