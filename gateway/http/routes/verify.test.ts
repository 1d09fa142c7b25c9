/** POST /v1/nik/verify through the real application: verdicts, never values; audited as verify. */
import { describe, expect, it } from 'vitest';
import { buildTestApp, lookupBody } from '../../../test/helpers/in-process-app.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';

type App = Awaited<ReturnType<typeof buildTestApp>>;
const verify = (app: App, body: Record<string, unknown>, cn = 'app-pendaftaran') =>
  app.request(cn, '/v1/nik/verify', { method: 'POST', json: lookupBody(body) });
const code = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error.code;

// The canary SITI KENARI RAHAYU: PEREMPUAN, born BONTANG 1990-09-17, KAWIN, PEDAGANG.
const REGISTRY_VALUES = ['SITI KENARI RAHAYU', 'BONTANG', '1990-09-17', 'PEDAGANG', 'KENARI NO. 7'];

describe('POST /v1/nik/verify', () => {
  it('answers a verdict and score for each claim and nothing else', async () => {
    const app = await buildTestApp();
    const response = await verify(app, {
      claims: {
        nama_lengkap: 'Siti Kenary Rahayu',
        tanggal_lahir: '17-09-1990',
        jenis_kelamin: 'Laki-Laki',
        alamat: 'Jalan Kenari Nomor 7',
      },
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    const body = JSON.parse(text) as {
      requestId: string;
      result: Record<string, { match: boolean; score: number }>;
    };
    expect(Object.keys(body.result).sort()).toEqual([
      'alamat',
      'jenis_kelamin',
      'nama_lengkap',
      'tanggal_lahir',
    ]);
    expect(body.result['nama_lengkap']?.match).toBe(true);
    expect(body.result['nama_lengkap']?.score).toBeLessThan(100);
    expect(body.result['tanggal_lahir']).toEqual({ match: true, score: 100 });
    expect(body.result['jenis_kelamin']).toEqual({ match: false, score: 0 });
    expect(body.result['alamat']?.match).toBe(true);
    for (const value of REGISTRY_VALUES) expect(text).not.toContain(value);
  });

  it('is audited as a verification: elements checked, none released, no values', async () => {
    const app = await buildTestApp();
    await verify(app, { claims: { nama_lengkap: 'X', tempat_lahir: 'BONTANG' } });
    const [record] = app.audit.events;
    expect(record?.type).toBe('verify');
    expect(record?.outcome).toBe('success');
    expect(record?.elementsRequested).toEqual(['nama_lengkap', 'tempat_lahir']);
    expect(record?.elementsReleased).toEqual([]);
    expect(record?.detail).toMatchObject({ claims: 2, matched: 1, threshold: 85 });
    const stored = JSON.stringify(app.audit.events);
    for (const value of ['6474015709900001', ...REGISTRY_VALUES])
      expect(stored).not.toContain(value);
  });

  it('lets Dukcapil compare where the agreement grants CALL_VERIFY_BY_ELEMEN', async () => {
    const app = await buildTestApp();
    const response = await verify(app, { claims: { nama_lengkap: 'SITI KENARI RAHAYU' } });
    expect(response.status).toBe(200);
    expect(app.upstream.verifyCalls).toBe(1);
    expect(app.audit.events[0]?.detail).toMatchObject({ method: 'CALL_VERIFY_BY_ELEMEN' });
  });

  it('compares in the gateway from CALL_NIK where the agreement grants only that', async () => {
    const config = demoConfig(0, 0, DEMO_AGREEMENT.signedOn);
    const onlyCallNik = {
      ...config,
      agreements: config.agreements.map(({ upstreamMethods: _, ...terms }) => terms),
    };
    const app = await buildTestApp({ config: onlyCallNik });
    const response = await verify(app, {
      claims: { nama_lengkap: 'SITI KENARI RAHAYU', tempat_lahir: 'SAMARINDA' },
    });
    const result = ((await response.json()) as { result: Record<string, { match: boolean }> })
      .result;
    expect(result).toEqual({
      nama_lengkap: { match: true, score: 100 },
      tempat_lahir: { match: false, score: expect.any(Number) as number },
    });
    expect(app.upstream.verifyCalls).toBe(0);
    expect(app.upstream.calls).toBe(1);
    expect(app.audit.events[0]?.detail).toMatchObject({ method: 'CALL_NIK', matched: 1 });
  });

  it('advertises the rate and what is left of the daily quota', async () => {
    const app = await buildTestApp();
    const first = await verify(app, { claims: { nama_lengkap: 'SITI KENARI RAHAYU' } });
    const second = await verify(app, { claims: { nama_lengkap: 'SITI KENARI RAHAYU' } });
    const profile = app.deps.config.principals['app-pendaftaran']?.profile;
    expect(first.headers.get('ratelimit-policy')).toBe(
      `"rate";q=${String(profile?.ratePerSecond)};w=1, "daily";q=${String(profile?.dailyQuota)};w=86400`,
    );
    const remaining = (response: Response) =>
      Number(/r=(\d+)/.exec(response.headers.get('ratelimit') ?? '')?.[1]);
    expect(remaining(second)).toBe(remaining(first) - 1);
  });

  it('applies the threshold the client asks for', async () => {
    const app = await buildTestApp();
    const strict = await verify(app, {
      claims: { nama_lengkap: 'Siti Kenary Rahayu' },
      threshold: 99,
    });
    const result = ((await strict.json()) as { result: Record<string, { match: boolean }> }).result;
    expect(result['nama_lengkap']?.match).toBe(false);
  });

  it('refuses claims about elements the client is not granted', async () => {
    const app = await buildTestApp();
    const response = await verify(
      app,
      { purpose: 'pembayaran', claims: { tanggal_lahir: '1990-09-17' } },
      'app-kasir',
    );
    expect(response.status).toBe(403);
    expect(await code(response)).toBe('field_not_allowed');
    expect(app.upstream.calls).toBe(0);
  });

  it.each([
    ['no claims', { claims: {} }, 400, 'invalid_request'],
    ['an unknown element', { claims: { agama: 'ISLAM' } }, 400, 'invalid_request'],
    ['the NIK as a claim', { claims: { nik: '6474015709900001' } }, 400, 'invalid_request'],
    [
      'a threshold over 100',
      { claims: { nama_lengkap: 'A' }, threshold: 101 },
      400,
      'invalid_request',
    ],
    ['an empty claim', { claims: { nama_lengkap: '' } }, 400, 'invalid_request'],
    ['an invalid NIK', { nik: '1234', claims: { nama_lengkap: 'A' } }, 400, 'invalid_nik'],
    [
      'a NIK not in the registry',
      { nik: '6474010101010009', claims: { nama_lengkap: 'A' } },
      404,
      'nik_not_found',
    ],
  ])('answers %s with a coded error', async (_, body, status, expected) => {
    const app = await buildTestApp();
    const response = await verify(app, body);
    expect(response.status).toBe(status);
    expect(await code(response)).toBe(expected);
  });

  it('fails closed: no verdict leaves when the audit cannot be written', async () => {
    const app = await buildTestApp();
    app.audit.failing = true;
    const response = await verify(app, { claims: { nama_lengkap: 'Siti Kenari Rahayu' } });
    expect(response.status).toBe(503);
    expect(await code(response)).toBe('audit_unavailable');
  });
});
