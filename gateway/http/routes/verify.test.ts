/**
 * POST /v1/nik/verify through the real application: one bit per claimed element, never a value or
 * a score; the agreement's threshold; a few distinct attempts per client and resident per day;
 * audited as verify with the claimed element names and the attempt count.
 */
import { describe, expect, it } from 'vitest';
import { buildTestApp, HMAC_KEY, lookupBody } from '../../../test/helpers/in-process-app.ts';
import { until } from '../../../test/helpers/until.ts';
import { createSubjectHasher } from '../../../audit/index.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';

type App = Awaited<ReturnType<typeof buildTestApp>>;
const verify = (app: App, body: Record<string, unknown>, cn = 'app-pendaftaran') =>
  app.request(cn, '/v1/nik/verify', { method: 'POST', json: lookupBody(body) });
const code = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error.code;

// The canary SITI KENARI RAHAYU: PEREMPUAN, born BONTANG 1990-09-17, KAWIN, PEDAGANG.
const REGISTRY_VALUES = ['SITI KENARI RAHAYU', 'BONTANG', '1990-09-17', 'PEDAGANG', 'KENARI NO. 7'];

describe('POST /v1/nik/verify', () => {
  it('answers match or not for each claim and nothing else: no score, no value', async () => {
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
    const body = JSON.parse(text) as { requestId: string; result: Record<string, unknown> };
    expect(Object.keys(body.result).sort()).toEqual([
      'alamat',
      'jenis_kelamin',
      'nama_lengkap',
      'tanggal_lahir',
    ]);
    expect(body.result).toEqual({
      nama_lengkap: { match: true },
      tanggal_lahir: { match: true },
      jenis_kelamin: { match: false },
      alamat: { match: true },
    });
    expect(text).not.toContain('score');
    for (const value of REGISTRY_VALUES) expect(text).not.toContain(value);
  });

  it('is audited as a verification: claimed element names and the attempt, no values', async () => {
    const app = await buildTestApp();
    await verify(app, { claims: { nama_lengkap: 'X', tempat_lahir: 'BONTANG' } });
    const [record] = app.audit.events;
    expect(record?.type).toBe('verify');
    expect(record?.outcome).toBe('success');
    expect(record?.elementsRequested).toEqual(['nama_lengkap', 'tempat_lahir']);
    expect(record?.elementsReleased).toEqual([]);
    expect(record?.detail).toMatchObject({
      claimed: 'nama_lengkap,tempat_lahir',
      claims: 2,
      matched: 1,
      attempts: 1,
      attemptLimit: 5,
      threshold: 85,
    });
    const stored = JSON.stringify(app.audit.events);
    for (const value of ['6474015709900001', 'X"', ...REGISTRY_VALUES])
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
    expect(result).toEqual({ nama_lengkap: { match: true }, tempat_lahir: { match: false } });
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

  it("applies the agreement's threshold, here and at Dukcapil", async () => {
    const config = demoConfig(0, 0, DEMO_AGREEMENT.signedOn);
    const strictAgreement = {
      ...config,
      agreements: config.agreements.map((terms) => ({ ...terms, verifyThreshold: 99 })),
    };
    const claims = { nama_lengkap: 'Siti Kenary Rahayu' };
    const lenient = await buildTestApp();
    const strict = await buildTestApp({ config: strictAgreement });
    const matchOf = async (app: App) =>
      ((await (await verify(app, { claims })).json()) as { result: Record<string, unknown> })
        .result['nama_lengkap'];
    expect(await matchOf(lenient)).toEqual({ match: true });
    expect(await matchOf(strict)).toEqual({ match: false });
    expect(lenient.upstream.lastThreshold).toBe(85);
    expect(strict.upstream.lastThreshold).toBe(99);
  });

  it('refuses a threshold in the request, saying that the agreement fixes it', async () => {
    const app = await buildTestApp();
    const response = await verify(app, { claims: { nama_lengkap: 'A' }, threshold: 50 });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/threshold .*fixed by the agreement/);
    expect(app.upstream.calls).toBe(0);
    expect(app.audit.events[0]?.errorCode).toBe('invalid_request');
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
      'any field not in the contract',
      { claims: { nama_lengkap: 'A' }, score: 1 },
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

  describe('attempts per client and resident per day', () => {
    const name = (i: number) => ({ claims: { nama_lengkap: `SITI KENARI RAHAYU ${String(i)}` } });

    it('refuses the sixth distinct attempt with 429 verification_limit, before Dukcapil, and alerts', async () => {
      const app = await buildTestApp();
      for (let i = 1; i <= 5; i++) {
        const response = await verify(app, name(i));
        expect(response.status).toBe(200);
      }
      const calls = app.upstream.calls;
      const refused = await verify(app, name(6));
      expect(refused.status).toBe(429);
      expect(await code(refused)).toBe('verification_limit');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(app.upstream.calls).toBe(calls);
      const records = app.audit.events.filter((r) => r.type === 'verify');
      expect(records.map((r) => r.detail?.['attempts'])).toEqual([1, 2, 3, 4, 5, 6]);
      expect(records.at(-1)).toMatchObject({
        outcome: 'denied',
        errorCode: 'verification_limit',
        detail: { claimed: 'nama_lengkap', attemptLimit: 5 },
      });
      await until(() => app.audit.events.some((r) => r.event === 'alert'));
      const alert = app.audit.events.find((r) => r.event === 'alert');
      expect(alert).toMatchObject({
        type: 'security',
        outcome: 'alert',
        subject: createSubjectHasher(HMAC_KEY)('6474015709900001'),
        detail: { rule: 'verification_limit', client: 'app-pendaftaran', attempts: 6, limit: 5 },
      });
      expect(JSON.stringify(app.audit.events)).not.toContain('SITI KENARI RAHAYU');
    });

    it('counts per resident whatever the operator id, and alerts once a day', async () => {
      const app = await buildTestApp();
      for (let i = 1; i <= 7; i++) {
        const response = await app.request('app-pendaftaran', '/v1/nik/verify', {
          method: 'POST',
          json: lookupBody(name(i)),
          operator: `kasir.${String(i)}`,
        });
        expect(response.status).toBe(i <= 5 ? 200 : 429);
      }
      await until(() => app.audit.events.some((r) => r.event === 'alert'));
      const alerts = app.audit.events.filter((r) => r.event === 'alert');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.detail).toMatchObject({ operators: 6 });
    });

    it('answers the same claims again without counting them, even at the limit', async () => {
      const app = await buildTestApp();
      for (let i = 1; i <= 5; i++) await verify(app, name(i));
      const again = await verify(app, name(3));
      expect(again.status).toBe(200);
      expect(app.audit.events.at(-1)?.detail).toMatchObject({ attempts: 5, repeated: true });
    });

    it('leaves other residents, other clients and the next day alone', async () => {
      const app = await buildTestApp();
      for (let i = 1; i <= 6; i++) await verify(app, name(i));
      const otherResident = await verify(app, {
        nik: '3316010101850002',
        claims: { nama_lengkap: 'BUDI' },
      });
      expect(otherResident.status).toBe(200);
      const otherClient = await verify(app, { purpose: 'pembayaran', ...name(7) }, 'app-kasir');
      expect(otherClient.status).toBe(200);
      app.setNow(Date.parse('2026-01-16T03:00:00Z'));
      expect((await verify(app, name(8))).status).toBe(200);
    });

    it('spends no attempt on a request refused before the comparison', async () => {
      const app = await buildTestApp();
      for (let i = 1; i <= 6; i++)
        await verify(app, { purpose: 'pembayaran', ...name(i) }, 'app-pendaftaran');
      // purpose_not_allowed six times: no attempt was counted.
      expect((await verify(app, name(1))).status).toBe(200);
      expect(app.audit.events.at(-1)?.detail).toMatchObject({ attempts: 1 });
    });
  });

  it('fails closed: no verdict leaves when the audit cannot be written', async () => {
    const app = await buildTestApp();
    app.audit.failing = true;
    const response = await verify(app, { claims: { nama_lengkap: 'Siti Kenari Rahayu' } });
    expect(response.status).toBe(503);
    expect(await code(response)).toBe('audit_unavailable');
  });
});
