/** In-process route tests: the real application, fake edges (STYLE.md tier 1). */
import { describe, expect, it } from 'vitest';
import { UpstreamFailure, type UpstreamFailureKind } from '../../adapters/dukcapil/port.ts';
import { createSubjectHasher } from '../../audit/index.ts';
import { CANARY_SITI_DROPPED_VALUES, CANARY_SITI_RELEASED } from '../../test/fixtures/canary.ts';
import { buildTestApp, HMAC_KEY, lookupBody } from '../../test/helpers/in-process-app.ts';

const LOOKUP = '/v1/nik/lookup';

interface ErrorJson {
  error: { code: string; message: string; requestId: string };
}

async function expectError(response: Response, status: number, code: string): Promise<ErrorJson> {
  const body = (await response.json()) as ErrorJson;
  expect({ status: response.status, code: body.error.code }).toEqual({ status, code });
  expect(body.error.requestId).toBe(response.headers.get('x-request-id'));
  expect(response.headers.get('cache-control')).toBe('no-store');
  return body;
}

describe('POST /v1/nik/lookup', () => {
  it('returns exactly the nine elements of the canary to app-pendaftaran, and audits it by HMAC', async () => {
    const { request, audit } = await buildTestApp();
    const response = await request('app-pendaftaran', LOOKUP, {
      method: 'POST',
      json: lookupBody(),
      headers: { 'x-request-id': 'req-1' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-request-id')).toBe('req-1');
    const body = (await response.json()) as { requestId: string; data: Record<string, unknown> };
    expect(body).toEqual({
      requestId: 'req-1',
      data: CANARY_SITI_RELEASED,
    });
    for (const dropped of [...CANARY_SITI_DROPPED_VALUES, 'GOL_DARAH', 'AGAMA'])
      expect(JSON.stringify(body)).not.toContain(dropped);

    expect(audit.events).toHaveLength(1);
    const [event] = audit.events;
    expect(event).toMatchObject({
      type: 'lookup',
      requestId: 'req-1',
      outcome: 'success',
      operator: 'petugas.01',
      purpose: 'pendaftaran-wp',
      reference: 'SURAT/2026/001',
      principal: { id: 'app-pendaftaran', role: 'app' },
      subject: createSubjectHasher(HMAC_KEY)('6474015709900001'),
      upstreamStatus: 200,
    });
    expect(event?.elementsReleased).toHaveLength(9);
    const recorded = JSON.stringify(audit.events);
    expect(recorded).not.toContain('6474015709900001');
    expect(recorded).not.toContain('SITI');
  });

  it.each(['NIK-6474015709900001', '6474.0157.0990.0001', '6474:0157:0990:0001'])(
    'never stores or logs a request id that could carry a NIK (%s): its own id is used',
    async (offered) => {
      const { request, audit } = await buildTestApp();
      const response = await request('app-pendaftaran', LOOKUP, {
        method: 'POST',
        json: lookupBody(),
        headers: { 'x-request-id': offered },
      });
      expect(response.status).toBe(200);
      const id = response.headers.get('x-request-id') ?? '';
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.stringify(audit.events)).not.toContain(offered);
      expect(audit.events.at(-1)?.requestId).toBe(id);
    },
  );

  it('refuses an operator id that could carry a NIK, with or without separators', async () => {
    const { request } = await buildTestApp();
    for (const operator of ['6474015709900001', 'op.6474.0157.0990.0001'])
      await expectError(
        await request('app-pendaftaran', LOOKUP, {
          method: 'POST',
          json: lookupBody(),
          operator,
        }),
        400,
        'invalid_request',
      );
  });

  it('gives app-kasir only nik and nama_lengkap', async () => {
    const { request } = await buildTestApp();
    const response = await request('app-kasir', LOOKUP, {
      method: 'POST',
      json: lookupBody({ purpose: 'pembayaran' }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown }).data).toEqual({
      nik: '6474015709900001',
      nama_lengkap: 'SITI KENARI RAHAYU',
    });
  });

  it('returns the requested subset of granted fields', async () => {
    const { request, audit } = await buildTestApp();
    const response = await request('app-pendaftaran', LOOKUP, {
      method: 'POST',
      json: lookupBody({ fields: ['nama_lengkap', 'tanggal_lahir'] }),
    });
    expect(((await response.json()) as { data: unknown }).data).toEqual({
      nama_lengkap: 'SITI KENARI RAHAYU',
      tanggal_lahir: '1990-09-17',
    });
    expect(audit.events[0]?.elementsRequested).toEqual(['nama_lengkap', 'tanggal_lahir']);
  });

  describe('refuses bad input with a coded error, records the refusal, and never calls upstream', () => {
    const cases: [string, Record<string, unknown> | string, number, string][] = [
      ['NIK as a number', lookupBody({ nik: 6474015709900001 }), 400, 'invalid_nik'],
      ['NIK with letters', lookupBody({ nik: '64740157099OOOO1' }), 400, 'invalid_nik'],
      ['NIK with spaces', lookupBody({ nik: '6474 0157 0990 0001' }), 400, 'invalid_nik'],
      ['NIK of 15 digits', lookupBody({ nik: '647401570990000' }), 400, 'invalid_nik'],
      ['NIK of 17 digits', lookupBody({ nik: '64740157099000011' }), 400, 'invalid_nik'],
      ['province 00', lookupBody({ nik: '0074015709900001' }), 400, 'invalid_nik'],
      ['month 13', lookupBody({ nik: '6474011713900001' }), 400, 'invalid_nik'],
      ['day 32', lookupBody({ nik: '6474013209900001' }), 400, 'invalid_nik'],
      ['female day 72', lookupBody({ nik: '6474017209900001' }), 400, 'invalid_nik'],
      ['30 February', lookupBody({ nik: '6474013002900001' }), 400, 'invalid_nik'],
      ['serial 0000', lookupBody({ nik: '6474015709900000' }), 400, 'invalid_nik'],
      ['missing NIK', { purpose: 'pendaftaran-wp', reference: 'X' }, 400, 'invalid_request'],
      ['unknown key', lookupBody({ agama: 'ISLAM' }), 400, 'invalid_request'],
      [
        '__proto__ key',
        '{"nik":"6474015709900001","purpose":"pendaftaran-wp","reference":"R1","__proto__":{"admin":true}}',
        400,
        'invalid_request',
      ],
      ['constructor key', lookupBody({ constructor: { prototype: {} } }), 400, 'invalid_request'],
      ['malformed JSON', '{"nik": "6474015709900001",', 400, 'invalid_request'],
      ['a JSON array', '[1,2,3]', 400, 'invalid_request'],
      ['JSON null', 'null', 400, 'invalid_request'],
      ['empty body', '', 400, 'invalid_request'],
      ['purpose of wrong form', lookupBody({ purpose: 'Pendaftaran WP!' }), 400, 'invalid_request'],
      [
        'reference missing',
        { nik: '6474015709900001', purpose: 'pendaftaran-wp' },
        400,
        'invalid_request',
      ],
      ['reference too long', lookupBody({ reference: 'R'.repeat(129) }), 400, 'invalid_request'],
      [
        'reference carrying a NIK',
        lookupBody({ reference: 'KTP 6474015709900001' }),
        400,
        'invalid_request',
      ],
      ['fields not an array', lookupBody({ fields: 'nik' }), 400, 'invalid_request'],
      ['duplicate fields', lookupBody({ fields: ['nik', 'nik'] }), 400, 'invalid_request'],
      ['unknown purpose', lookupBody({ purpose: 'penagihan' }), 403, 'purpose_not_allowed'],
      [
        'a field outside the nine',
        lookupBody({ fields: ['nik', 'agama'] }),
        403,
        'field_not_allowed',
      ],
    ];
    it.each(cases)('%s', async (_name, body, status, code) => {
      const { request, upstream, audit } = await buildTestApp();
      const init =
        typeof body === 'string'
          ? { body, headers: { 'content-type': 'application/json' } }
          : { json: body };
      const response = await request('app-pendaftaran', LOOKUP, { method: 'POST', ...init });
      const error = await expectError(response, status, code);
      expect(error.error.message).not.toMatch(
        /6474|ajv|instancePath|Error:|at .*\.ts|must be (string|object|array|equal)/,
      );
      expect(upstream.calls).toBe(0);
      expect(audit.events).toHaveLength(1);
      expect(audit.events[0]).toMatchObject({
        type: 'lookup',
        outcome: 'denied',
        errorCode: code,
        elementsReleased: [],
      });
    });

    it('says which field is wrong without echoing client keys', async () => {
      const { request } = await buildTestApp();
      const response = await request('app-pendaftaran', LOOKUP, {
        method: 'POST',
        json: lookupBody({ 'secret-key-6474015709900001': 1 }),
      });
      const body = await expectError(response, 400, 'invalid_request');
      expect(body.error.message).toBe('The request body has a field that is not allowed.');
    });

    it('refuses a field not granted to app-kasir', async () => {
      const { request } = await buildTestApp();
      const response = await request('app-kasir', LOOKUP, {
        method: 'POST',
        json: lookupBody({ purpose: 'pembayaran', fields: ['alamat'] }),
      });
      await expectError(response, 403, 'field_not_allowed');
    });
  });

  describe('X-Operator-Id', () => {
    it.each([
      ['missing', null],
      ['empty', ''],
      ['with a space', 'petugas satu'],
      ['65 characters', 'a'.repeat(65)],
      ['carrying a NIK', 'nik6474015709900001'],
      ['non-ASCII', 'pétugas'],
    ])('%s → 400 invalid_request', async (_name, operator) => {
      const { request, upstream } = await buildTestApp();
      const response = await request('app-pendaftaran', LOOKUP, {
        method: 'POST',
        json: lookupBody(),
        operator,
      });
      await expectError(response, 400, 'invalid_request');
      expect(upstream.calls).toBe(0);
    });
  });

  describe('body limits and media type', () => {
    it('refuses a declared oversized body without reading it', async () => {
      const { request } = await buildTestApp();
      const response = await request('app-pendaftaran', LOOKUP, {
        method: 'POST',
        body: 'x',
        headers: { 'content-type': 'application/json', 'content-length': '16385' },
      });
      await expectError(response, 413, 'payload_too_large');
    });

    it('refuses an oversized body that declares no length (chunked)', async () => {
      const { request } = await buildTestApp();
      const chunk = new TextEncoder().encode(' '.repeat(4096));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 10) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const response = await request('app-pendaftaran', LOOKUP, {
        method: 'POST',
        body: stream,
        headers: { 'content-type': 'application/json' },
        duplex: 'half',
      });
      await expectError(response, 413, 'payload_too_large');
    });

    it('accepts a body of exactly the limit', async () => {
      const { request } = await buildTestApp();
      const json = JSON.stringify(lookupBody());
      const padded = json.slice(0, -1) + ' '.repeat(16_384 - json.length) + '}';
      expect(Buffer.byteLength(padded)).toBe(16_384);
      const response = await request('app-pendaftaran', LOOKUP, {
        method: 'POST',
        body: padded,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(200);
    });

    it.each([
      ['text/plain'],
      ['application/x-www-form-urlencoded'],
      ['application/json; charset=latin1'],
      [''],
    ])('content type "%s" → 415', async (type) => {
      const { request } = await buildTestApp();
      const response = await request('app-pendaftaran', LOOKUP, {
        method: 'POST',
        body: JSON.stringify(lookupBody()),
        headers: { 'content-type': type },
      });
      await expectError(response, 415, 'unsupported_media_type');
    });

    it('refuses a body that is not UTF-8', async () => {
      const { request } = await buildTestApp();
      const response = await request('app-pendaftaran', LOOKUP, {
        method: 'POST',
        body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
        headers: { 'content-type': 'application/json' },
      });
      await expectError(response, 400, 'invalid_request');
    });
  });

  describe('identity and roles', () => {
    it('no verified certificate → 401', async () => {
      const { request } = await buildTestApp();
      await expectError(
        await request(undefined, LOOKUP, { method: 'POST', json: lookupBody() }),
        401,
        'unauthenticated',
      );
    });
    it('a revoked certificate → 401', async () => {
      const { request, revocation } = await buildTestApp();
      revocation.revoked.add(`5E${Buffer.from('app-pendaftaran').toString('hex').toUpperCase()}`);
      await expectError(
        await request('app-pendaftaran', LOOKUP, { method: 'POST', json: lookupBody() }),
        401,
        'unauthenticated',
      );
    });
    it('unknown revocation status → 401 (fail closed)', async () => {
      const { request } = await buildTestApp({
        revocation: { status: () => Promise.resolve('unknown'), healthy: () => false },
      });
      await expectError(
        await request('app-pendaftaran', LOOKUP, { method: 'POST', json: lookupBody() }),
        401,
        'unauthenticated',
      );
    });
    it('an unknown CN → 403 forbidden', async () => {
      const { request } = await buildTestApp();
      await expectError(
        await request('app-siluman', LOOKUP, { method: 'POST', json: lookupBody() }),
        403,
        'forbidden',
      );
    });
    it.each(['officer-1', 'evaluator-1', 'admin-1', 'reader-01'])(
      'role of %s → 403 forbidden, and the refusal is recorded',
      async (cn) => {
        const { request, upstream } = await buildTestApp();
        await expectError(
          await request(cn, LOOKUP, { method: 'POST', json: lookupBody() }),
          403,
          'forbidden',
        );
        expect(upstream.calls).toBe(0);
      },
    );
    it('a certificate whose OU contradicts the configured role → 403', async () => {
      const { request } = await buildTestApp();
      await expectError(
        await request('app-pendaftaran/officer', LOOKUP, { method: 'POST', json: lookupBody() }),
        403,
        'forbidden',
      );
    });
  });

  describe('agreement', () => {
    const end = Date.parse('2027-02-11T16:00:00.000Z'); // midnight WITA after 11 Feb 2027
    it('serves until the last millisecond of the last day and refuses from the first of the next', async () => {
      const { request, setNow, upstream } = await buildTestApp();
      setNow(end - 1);
      expect(
        (await request('app-pendaftaran', LOOKUP, { method: 'POST', json: lookupBody() })).status,
      ).toBe(200);
      setNow(end);
      await expectError(
        await request('app-pendaftaran', LOOKUP, { method: 'POST', json: lookupBody() }),
        403,
        'agreement_inactive',
      );
      expect(upstream.calls).toBe(1);
    });
    it('refuses before the agreement starts', async () => {
      const { request, setNow } = await buildTestApp();
      setNow(Date.parse('2025-02-11T15:59:59.999Z'));
      await expectError(
        await request('app-pendaftaran', LOOKUP, { method: 'POST', json: lookupBody() }),
        403,
        'agreement_inactive',
      );
    });
  });

  describe('upstream outcomes', () => {
    it('not found → 404 nik_not_found, recorded as not_found', async () => {
      const { request, audit } = await buildTestApp();
      await expectError(
        await request('app-pendaftaran', LOOKUP, {
          method: 'POST',
          json: lookupBody({ nik: '6474010101010009' }),
        }),
        404,
        'nik_not_found',
      );
      expect(audit.events[0]).toMatchObject({ outcome: 'not_found', errorCode: 'nik_not_found' });
    });
    it.each<[UpstreamFailureKind, number, string]>([
      ['rejected', 502, 'upstream_rejected'],
      ['quota', 429, 'upstream_quota_exhausted'],
      ['malformed', 502, 'upstream_error'],
      ['timeout', 504, 'upstream_timeout'],
      ['unavailable', 503, 'upstream_unavailable'],
    ])('%s → %i %s', async (kind, status, code) => {
      const { request, upstream, audit } = await buildTestApp();
      upstream.failWith = new UpstreamFailure(kind, 'IP Client  Tidak terdaftar', 200);
      const body = await expectError(
        await request('app-pendaftaran', LOOKUP, { method: 'POST', json: lookupBody() }),
        status,
        code,
      );
      expect(body.error.message).not.toContain('Tidak');
      expect(audit.events[0]).toMatchObject({ errorCode: code, upstreamStatus: 200 });
    });
    it('an unexpected error → 500 internal_error with nothing of the error in the answer', async () => {
      const { request, upstream } = await buildTestApp();
      upstream.failWith = new Error('boom 6474015709900001 at /secret/path.ts:1');
      const response = await request('app-pendaftaran', LOOKUP, {
        method: 'POST',
        json: lookupBody(),
      });
      const text = await response.clone().text();
      await expectError(response, 500, 'internal_error');
      expect(text).not.toMatch(/boom|6474|secret|\.ts/);
    });
  });

  it('fails closed: no data leaves when the audit record cannot be written', async () => {
    const { request, audit } = await buildTestApp();
    audit.failing = true;
    const response = await request('app-pendaftaran', LOOKUP, {
      method: 'POST',
      json: lookupBody(),
    });
    const text = await response.clone().text();
    await expectError(response, 503, 'audit_unavailable');
    expect(text).not.toContain('SITI');
    expect(text).not.toContain('6474015709900001');
  });
});

describe('other endpoints', () => {
  it('unknown paths → 404 not_found as JSON', async () => {
    const { request } = await buildTestApp();
    await expectError(await request('app-pendaftaran', '/v1/nope'), 404, 'not_found');
  });
  it('GET on the lookup path → 404', async () => {
    const { request } = await buildTestApp();
    await expectError(await request('app-pendaftaran', LOOKUP), 404, 'not_found');
  });
  it('healthz and readyz answer any principal', async () => {
    const { request } = await buildTestApp();
    expect(await (await request('reader-01', '/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await request('evaluator-1', '/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      ready: true,
      checks: {
        audit: 'ok',
        revocationList: 'ok',
        upstreamBreaker: 'closed',
        upstreamBreakers: { default: 'closed' },
        agreement: 'active',
        clock: 'trusted',
        storedState: 'ok',
      },
    });
  });
  it('readyz is 503 while the audit cannot be written', async () => {
    const { request, audit } = await buildTestApp();
    audit.failing = true;
    const ready = await request('officer-1', '/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, checks: { audit: 'failing' } });
  });
  it('metrics are for officers, and count dropped requests by code', async () => {
    const { request } = await buildTestApp();
    await request('app-pendaftaran', LOOKUP, { method: 'POST', json: lookupBody({ nik: '1' }) });
    await expectError(await request('app-pendaftaran', '/metrics'), 403, 'forbidden');
    const metrics = await (await request('officer-1', '/metrics')).text();
    expect(metrics).toContain(
      'gerbang_http_requests_total{method="POST",route="/v1/nik/lookup",status="400",code="invalid_nik"} 1',
    );
    expect(metrics).not.toContain('6474');
  });
  it('openapi.json describes every route of the table', async () => {
    const { request, routes } = await buildTestApp();
    const document = (await (await request('app-kasir', '/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(document.openapi).toBe('3.1.0');
    for (const route of routes)
      expect(document.paths[route.path.replace(/:(\w+)/g, '{$1}')]).toHaveProperty(
        route.method.toLowerCase(),
      );
    expect(JSON.stringify(document.paths['/v1/nik/lookup'])).toContain(
      '"$ref":"#/components/schemas/LookupRequest"',
    );
    expect(document.components.schemas['LookupRequest']).toMatchObject({
      additionalProperties: false,
    });
  });
});

describe('authorisation matrix: every route of the table', () => {
  const principals = {
    'app-pendaftaran': 'app',
    'reader-01': 'reader',
    'officer-1': 'officer',
    'evaluator-1': 'evaluator',
    'admin-1': 'admin',
  } as const;

  it('refuses a request without a certificate on every route, and every role a route does not grant', async () => {
    const { request, routes } = await buildTestApp();
    const outcomes: string[] = [];
    for (const route of routes) {
      const path = route.path.replace(/:(\w+)/g, 'x');
      const init = route.method === 'POST' ? { method: 'POST', json: {} } : { method: 'GET' };
      outcomes.push(
        `${route.method} ${route.path} none ${(await request(undefined, path, init)).status}`,
      );
      if (route.roles === 'any') continue;
      for (const [principal, role] of Object.entries(principals)) {
        if (route.roles.includes(role)) continue;
        outcomes.push(
          `${route.method} ${route.path} ${principal} ${(await request(principal, path, init)).status}`,
        );
      }
    }
    expect(outcomes.filter((line) => !/ (none 401|\S+ 403)$/.test(line))).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(routes.length);
  });
});

describe('caching headers', () => {
  it('every answer is no-store and no-cache, and data answers carry no ETag', async () => {
    const { request } = await buildTestApp();
    const answers = [
      await request('app-pendaftaran', LOOKUP, { method: 'POST', json: lookupBody() }),
      await request('app-pendaftaran', LOOKUP, { method: 'POST', json: lookupBody({ nik: '1' }) }),
      await request(undefined, '/healthz'),
      await request('officer-1', '/v1/audit/events'),
      await request('app-pendaftaran', '/openapi.json'),
      await request('app-pendaftaran', '/nope'),
    ];
    for (const answer of answers) {
      expect([
        answer.status,
        answer.headers.get('cache-control'),
        answer.headers.get('pragma'),
        answer.headers.get('etag'),
      ]).toEqual([answer.status, 'no-store', 'no-cache', null]);
    }
    expect(answers.map((a) => a.status)).toEqual([200, 400, 401, 200, 200, 404]);
  });
});
