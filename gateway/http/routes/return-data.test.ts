/** Return-data submissions, status and coverage through the real application. */
import { describe, expect, it } from 'vitest';
import { buildTestApp, lookupBody } from '../../../test/helpers/in-process-app.ts';

const body = (overrides: Record<string, unknown> = {}) => ({
  nik: '6474015709900001',
  npwpd: '0001.07.02',
  jenis_pajak: ['PBB_P2', 'BPHTB'],
  reference: 'SURAT/2026/001',
  ...overrides,
});
type App = Awaited<ReturnType<typeof buildTestApp>>;
const submit = (
  app: App,
  json: unknown,
  headers: Record<string, string> = {},
  cn = 'app-pendaftaran',
) => app.request(cn, '/v1/return-data', { method: 'POST', json, headers });
const code = async (response: Response): Promise<[number, string]> => [
  response.status,
  ((await response.json()) as { error?: { code: string } }).error?.code ?? 'ok',
];

describe('POST /v1/return-data', () => {
  it('queues a delivery, answers 202 with its id, and audits the submission by HMAC', async () => {
    const app = await buildTestApp();
    const response = await submit(app, body());
    expect(response.status).toBe(202);
    const delivery = (await response.json()) as { id: string; status: string; attempts: number };
    expect(delivery).toMatchObject({ status: 'queued', attempts: 0 });
    expect(app.outbox.counts()).toMatchObject({ queued: 1, payloads: 1 });
    const record = app.audit.events.find((e) => e.type === 'return_data');
    expect(record).toMatchObject({
      event: 'submitted',
      outcome: 'success',
      principal: { id: 'app-pendaftaran' },
      detail: { delivery: delivery.id, repeat: false, jenisPajak: 'PBB_P2,BPHTB' },
    });
    expect(JSON.stringify(app.audit.events)).not.toMatch(/6474015709900001|0001\.07\.02/);
  });

  it.each<[string, Record<string, unknown>, number, string]>([
    ['an invalid NIK', body({ nik: '6474013002900001' }), 400, 'invalid_nik'],
    ['a NIK as a number', body({ nik: 6474015709900001 }), 400, 'invalid_nik'],
    ['an NPWPD of the wrong form', body({ npwpd: '1.07.02' }), 400, 'invalid_npwpd'],
    ['an NPWPD as a number', body({ npwpd: 10702 }), 400, 'invalid_npwpd'],
    [
      'an unknown tax type',
      body({ jenis_pajak: ['PBB_P2', 'PAJAK_ANJING'] }),
      400,
      'invalid_jenis_pajak',
    ],
    ['no tax type', body({ jenis_pajak: [] }), 400, 'invalid_request'],
    ['an unknown field', body({ nama: 'SITI' }), 400, 'invalid_request'],
  ])('%s → %i %s, and nothing is queued', async (_name, json, status, expected) => {
    const app = await buildTestApp();
    expect(await code(await submit(app, json))).toEqual([status, expected]);
    expect(app.outbox.counts()).toMatchObject({ queued: 0, payloads: 0 });
  });

  it('honours Idempotency-Key: a repeat is the same delivery, a different body under the key is a conflict', async () => {
    const app = await buildTestApp();
    const first = (await (await submit(app, body(), { 'idempotency-key': 'wp-7731' })).json()) as {
      id: string;
    };
    const again = (await (
      await submit(app, body({ jenis_pajak: ['BPHTB', 'PBB_P2'] }), {
        'idempotency-key': 'wp-7731',
      })
    ).json()) as { id: string };
    expect(again.id).toBe(first.id);
    expect(
      await code(
        await submit(app, body({ npwpd: '0001.07.03' }), { 'idempotency-key': 'wp-7731' }),
      ),
    ).toEqual([409, 'conflict']);
    // The key is per client: another app may use the same one.
    expect(
      (await submit(app, body({ reference: 'K-1' }), { 'idempotency-key': 'wp-7731' }, 'app-kasir'))
        .status,
    ).toBe(202);
    expect(app.outbox.counts().queued).toBe(2);
    expect(await code(await submit(app, body(), { 'idempotency-key': 'a b' }))).toEqual([
      400,
      'invalid_request',
    ]);
    expect(
      await code(await submit(app, body(), { 'idempotency-key': 'nik-6474015709900001' })),
    ).toEqual([400, 'invalid_request']);
  });

  it('fails closed: a submission that cannot be audited is not queued', async () => {
    const app = await buildTestApp();
    app.audit.failing = true;
    expect(await code(await submit(app, body()))).toEqual([503, 'audit_unavailable']);
    expect(app.outbox.counts()).toMatchObject({ queued: 0, payloads: 0 });
  });
});

describe('GET /v1/return-data/{id}', () => {
  it('shows the status to the submitting client only', async () => {
    const app = await buildTestApp();
    const { id } = (await (await submit(app, body())).json()) as { id: string };
    expect(await (await app.request('app-pendaftaran', `/v1/return-data/${id}`)).json()).toEqual({
      id,
      status: 'queued',
      attempts: 0,
    });
    expect(await code(await app.request('app-kasir', `/v1/return-data/${id}`))).toEqual([
      404,
      'not_found',
    ]);
    expect(await code(await app.request('app-pendaftaran', '/v1/return-data/nope'))).toEqual([
      404,
      'not_found',
    ]);
  });
});

describe('GET /v1/return-data/coverage', () => {
  it('counts residents accessed, returned and overdue by client and month', async () => {
    const app = await buildTestApp();
    await app.request('app-pendaftaran', '/v1/nik/lookup', { method: 'POST', json: lookupBody() });
    await app.request('app-pendaftaran', '/v1/nik/lookup', {
      method: 'POST',
      json: lookupBody({ nik: '3316010101850002' }),
    });
    await app.request('app-kasir', '/v1/nik/lookup', {
      method: 'POST',
      json: lookupBody({ purpose: 'pembayaran' }),
    });
    const subject = app.audit.events[0]?.subject ?? '';
    await app.audit.append({
      type: 'return_data',
      event: 'delivered',
      outcome: 'success',
      subject,
    });
    app.setNow(app.deps.now() + 8 * 86_400_000);
    const coverage = (await (
      await app.request('evaluator-1', '/v1/return-data/coverage')
    ).json()) as { withinDays: number; rows: unknown[] };
    expect(coverage).toEqual({
      withinDays: 7,
      rows: [
        { client: 'app-kasir', month: '2026-01', accessed: 1, returned: 1, overdue: 0 },
        { client: 'app-pendaftaran', month: '2026-01', accessed: 2, returned: 1, overdue: 1 },
      ],
    });
    expect((await app.request('app-pendaftaran', '/v1/return-data/coverage')).status).toBe(403);
  });
});
