/**
 * The simulator speaks each upstream profile strictly and answers in DOMAIN.md's shapes ("Dukcapil
 * web service"): verify success without RESPONSE_CODE and with a verdict under every claimed key,
 * NIK included; failures as RESPONSE_CODE + RESPONSE; residents with two records.
 */
import { describe, expect, it } from 'vitest';
import { CENTRAL_PROFILE, REGIONAL_PROFILE } from '../dukcapil/profile.ts';
import { createSimulatorApp } from './app.ts';
import { AMBIGUOUS_NIKS } from './canaries.ts';
import { SyntheticPopulation } from './population.ts';
import { startSimulator } from './server.ts';

const ACCOUNT = { userId: 'bapenda', password: 'rahasia', allowedIps: ['10.0.0.5'] };
const central = createSimulatorApp({ ...ACCOUNT, consumer: 'BAPENDA_TEST' });
const regional = createSimulatorApp({
  ...ACCOUNT,
  consumer: 'bapenda_6474',
  profile: REGIONAL_PROFILE,
  region: '64-74',
});
const population = new SyntheticPopulation('gerbang-demo');
// A resident of the default population (seed gerbang-demo), and the parts of its record.
const NIK = '6474014508900001';
const resident = population.find(NIK) ?? {};
const text = (key: string): string => String(resident[key]);

async function post(
  app: ReturnType<typeof createSimulatorApp>,
  path: string,
  body: unknown,
): Promise<{
  status: number;
  json: { content: Record<string, unknown>[]; totalElements: number };
}> {
  const response = await app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as never };
}

const CENTRAL_NIK = '/dukcapil/get_json/BAPENDA_TEST/CALL_NIK';
const CENTRAL_VERIFY = '/dukcapil/get_json/BAPENDA_TEST/CALL_VERIFY_BY_ELEMEN';
const REGIONAL_NIK = '/dukcapil/get_json/64-74/bapenda_6474/call_nik';
const REGIONAL_VERIFY = '/dukcapil/get_json/64-74/bapenda_6474/call_verify_by_elemen';
const lookupBody = (nikKey: string, nik = NIK) => ({
  [nikKey]: nik,
  user_id: 'bapenda',
  password: 'rahasia',
  ip_user: '10.0.0.5',
});
const centralVerify = (nik: string, elements: Record<string, string>) => ({
  USER_ID: 'bapenda',
  PASSWORD: 'rahasia',
  IP_USER: '10.0.0.5',
  TRESHOLD: '90',
  NIK: nik,
  ...elements,
});
const regionalVerify = (nik: string, elements: Record<string, string>) => ({
  user_id: 'bapenda',
  password: 'rahasia',
  ip_user: '10.0.0.5',
  treshold: '90',
  nik,
  ...elements,
});
const ddmmyyyy = (iso: string) => iso.split('-').reverse().join('-');

describe('the central profile', () => {
  it('answers a verify success with no RESPONSE_CODE and a verdict under every claimed key, NIK included', async () => {
    const { status, json } = await post(
      central,
      CENTRAL_VERIFY,
      centralVerify(NIK, {
        NAMA_LGKP: text('NAMA_LGKP').toLowerCase(),
        TGL_LHR: ddmmyyyy(text('TGL_LHR')),
        JENIS_KLMIN: 'PEREMPUAN',
        TMPT_LHR: 'MERAUKE',
        KEL_NAME: text('KEL_NAME'),
        NO_RT: String(resident['NO_RT']).padStart(3, '0'),
        NO_RW: '999',
      }),
    );
    expect(status).toBe(200);
    const [answer] = json.content;
    expect(answer).not.toHaveProperty('RESPONSE_CODE');
    expect(answer).toEqual({
      NIK: 'Sesuai',
      NAMA_LGKP: 'Sesuai (100)',
      TGL_LHR: 'Sesuai',
      JENIS_KLMIN: 'Sesuai',
      TMPT_LHR: expect.stringMatching(/^Tidak Sesuai \(\d{1,2}\)$/) as unknown,
      KEL_NAME: 'Sesuai',
      NO_RT: 'Sesuai',
      NO_RW: 'Tidak Sesuai',
    });
  });

  it('answers failures with RESPONSE_CODE and the text under RESPONSE', async () => {
    const notFound = await post(
      central,
      CENTRAL_VERIFY,
      centralVerify('6474010101010009', { NAMA_LGKP: 'X' }),
    );
    expect(notFound.json.content).toEqual([
      { RESPONSE_CODE: '13', RESPONSE: 'Data Tidak Ditemukan' },
    ]);
    const login = await post(central, CENTRAL_VERIFY, {
      ...centralVerify(NIK, { NAMA_LGKP: 'X' }),
      PASSWORD: 'salah',
    });
    expect(login.json.content).toEqual([{ RESPONSE_CODE: '03', RESPONSE: 'Login Gagal' }]);
  });

  it('refuses the other forms as a strict server: a date in the other form, lower-case keys, the regional path', async () => {
    const isoDate = await post(
      central,
      CENTRAL_VERIFY,
      centralVerify(NIK, { TGL_LHR: text('TGL_LHR') }),
    );
    expect(isoDate.json.content[0]).toMatchObject({ RESPONSE_CODE: '02' });
    const lowerElement = await post(
      central,
      CENTRAL_VERIFY,
      centralVerify(NIK, { nama_lgkp: text('NAMA_LGKP') }),
    );
    expect(lowerElement.json.content[0]).toMatchObject({ RESPONSE_CODE: '02' });
    // CALL_NIK takes `NIK`: a lower-case `nik` is no NIK at all.
    const lowerNik = await post(central, CENTRAL_NIK, lookupBody('nik'));
    expect(lowerNik.json.content).toEqual([{ RESPON: 'Format Request Tidak Sesuai' }]);
    expect((await post(central, REGIONAL_NIK, lookupBody('NIK'))).status).toBe(404);
    expect((await post(central, '/dukcapil/get_json/BAPENDA_TEST/call_nik', {})).status).toBe(404);
  });
});

describe('the regional profile', () => {
  it('serves its path with the region segment and lower-case method names, and nothing else', async () => {
    const found = await post(regional, REGIONAL_NIK, lookupBody('nik'));
    expect(found.status).toBe(200);
    expect(found.json.content).toHaveLength(1);
    expect(found.json.content[0]).toMatchObject({ NAMA_LGKP: text('NAMA_LGKP') });
    for (const path of [
      '/dukcapil/get_json/bapenda_6474/call_nik', // the central form
      '/dukcapil/get_json/64-74/bapenda_6474/CALL_NIK', // the method in upper case
      '/dukcapil/get_json/12-05/bapenda_6474/call_nik', // another region
    ])
      expect((await post(regional, path, lookupBody('nik'))).status, path).toBe(404);
    // Upper-case `NIK` where `nik` is read: a malformed request.
    expect((await post(regional, REGIONAL_NIK, lookupBody('NIK'))).json.content).toEqual([
      { RESPON: 'Format Request Tidak Sesuai' },
    ]);
    // Doctor's probe form on the regional path: a login failure with HTTP 200.
    const probe = await post(regional, REGIONAL_NIK, {});
    expect([probe.status, probe.json.content]).toEqual([200, [{ RESPON: 'Login Gagal' }]]);
  });

  it('reads lower-case verify keys, YYYY-MM-DD dates, and answers under the keys as sent', async () => {
    const { json } = await post(
      regional,
      REGIONAL_VERIFY,
      regionalVerify(NIK, {
        nama_lgkp: text('NAMA_LGKP'),
        tgl_lhr: text('TGL_LHR'),
        alamat: text('ALAMAT'),
        prop_name: text('PROP_NAME'),
        no_prop: '64',
      }),
    );
    expect(json.content[0]).toEqual({
      nik: 'Sesuai',
      nama_lgkp: 'Sesuai (100)',
      tgl_lhr: 'Sesuai',
      alamat: 'Sesuai (100)',
      prop_name: 'Sesuai',
      no_prop: 'Sesuai',
    });
    const centralDate = await post(
      regional,
      REGIONAL_VERIFY,
      regionalVerify(NIK, { tgl_lhr: ddmmyyyy(text('TGL_LHR')) }),
    );
    expect(centralDate.json.content[0]).toMatchObject({ RESPONSE_CODE: '02' });
    const upperKeys = await post(
      regional,
      REGIONAL_VERIFY,
      centralVerify(NIK, { NAMA_LGKP: text('NAMA_LGKP') }),
    );
    expect(upperKeys.json.content[0]).toMatchObject({ RESPONSE_CODE: '03' }); // no user_id read
  });

  it('takes a blank element as not claimed: no verdict for it', async () => {
    const { json } = await post(
      regional,
      REGIONAL_VERIFY,
      regionalVerify(NIK, { nama_lgkp: text('NAMA_LGKP'), jenis_pkrjn: ' ' }),
    );
    expect(json.content[0]).toEqual({ nik: 'Sesuai', nama_lgkp: 'Sesuai (100)' });
  });
});

describe('NIKs with more than one record', () => {
  const [twoRecords, paged] = [
    Object.keys(AMBIGUOUS_NIKS).find((nik) => AMBIGUOUS_NIKS[nik] === 'two_records') ?? '',
    Object.keys(AMBIGUOUS_NIKS).find((nik) => AMBIGUOUS_NIKS[nik] === 'first_of_two_pages') ?? '',
  ];

  it('CALL_NIK answers two records in content, or one of a total of two', async () => {
    const both = await post(central, CENTRAL_NIK, lookupBody('NIK', twoRecords));
    expect(both.json.totalElements).toBe(2);
    expect(both.json.content.map((r) => String(r['NIK']))).toEqual([twoRecords, twoRecords]);
    expect(both.json.content[0]?.['NAMA_LGKP']).not.toBe(both.json.content[1]?.['NAMA_LGKP']);
    const first = await post(regional, REGIONAL_NIK, lookupBody('nik', paged));
    expect(first.json).toMatchObject({ totalElements: 2, numberOfElements: 1, lastPage: false });
    expect(first.json.content).toHaveLength(1);
  });

  it('CALL_VERIFY_BY_ELEMEN answers code 12 for them', async () => {
    for (const nik of Object.keys(AMBIGUOUS_NIKS)) {
      const { json } = await post(central, CENTRAL_VERIFY, centralVerify(nik, { NAMA_LGKP: 'X' }));
      expect(json.content[0]).toMatchObject({ RESPONSE_CODE: '12' });
      expect(json.content[0]).toHaveProperty('RESPONSE');
    }
  });
});

describe('the timeout fault', () => {
  it('holds a share of calls for stallMs and cuts them without an answer', async () => {
    const simulator = await startSimulator({ ...ACCOUNT, consumer: 'BAPENDA_TEST', port: 0 });
    try {
      await fetch(`${simulator.url}/__sim/config`, {
        method: 'POST',
        body: JSON.stringify({ timeoutRate: 1, stallMs: 150 }),
      });
      const started = performance.now();
      await expect(
        fetch(`${simulator.url}${CENTRAL_NIK}`, {
          method: 'POST',
          body: JSON.stringify(lookupBody('NIK')),
        }),
      ).rejects.toThrow();
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      await simulator.close();
    }
    expect(CENTRAL_PROFILE.name).toBe('central'); // the default the simulator plays
  });
});

describe('faults struck on one method', () => {
  it('faultMethod confines the faults to verification: lookups answer, verify gets the fault', async () => {
    const app = createSimulatorApp({ ...ACCOUNT, consumer: 'BAPENDA_TEST' });
    const configured = await app.request('/__sim/config', {
      method: 'POST',
      body: JSON.stringify({ fault: 'http_503', faultMethod: 'CALL_VERIFY_BY_ELEMEN' }),
    });
    expect(configured.status).toBe(200);
    expect((await post(app, CENTRAL_NIK, lookupBody('NIK'))).json.content[0]).toMatchObject({
      NAMA_LGKP: text('NAMA_LGKP'),
    });
    const verify = await app.request(CENTRAL_VERIFY, {
      method: 'POST',
      body: JSON.stringify(centralVerify(NIK, { NAMA_LGKP: 'X' })),
    });
    expect(verify.status).toBe(503);
    const refused = await app.request('/__sim/config', {
      method: 'POST',
      body: JSON.stringify({ faultMethod: 'call_nik' }),
    });
    expect(refused.status).toBe(400);
  });
});
