/** The officer's audit API, security events and the clock guard, in process on a real SQLite store. */
import { describe, expect, it } from 'vitest';
import {
  createSubjectHasher,
  createSubjectTracer,
  parseExportLines,
  verifyExport,
  type AuditRecord,
} from '../../../audit/index.ts';
import { buildTestApp, HMAC_KEY, lookupBody } from '../../../test/helpers/in-process-app.ts';

const LOOKUP = '/v1/nik/lookup';
const hash = createSubjectHasher(HMAC_KEY);

async function withTraffic() {
  const app = await buildTestApp();
  await app.request('app-pendaftaran', LOOKUP, { method: 'POST', json: lookupBody() });
  await app.request('app-pendaftaran', LOOKUP, {
    method: 'POST',
    json: lookupBody({ nik: '3316010101850002' }),
  });
  await app.request('app-kasir', LOOKUP, {
    method: 'POST',
    json: lookupBody({ purpose: 'pembayaran' }),
    operator: 'kasir.02',
  });
  await app.request('app-kasir', LOOKUP, {
    method: 'POST',
    json: lookupBody({ purpose: 'pendaftaran-wp' }),
    operator: 'kasir.02',
  });
  return app;
}

const codeOf = async (response: Response): Promise<[number, string]> => [
  response.status,
  ((await response.json()) as { error: { code: string } }).error.code,
];

describe('security events', () => {
  it('records a request without a certificate and a revoked one as authentication failures', async () => {
    const { request, audit, revocation } = await buildTestApp();
    await request(undefined, '/healthz');
    revocation.revoked.add(`5E${Buffer.from('app-kasir').toString('hex').toUpperCase()}`);
    await request('app-kasir', LOOKUP, { method: 'POST', json: lookupBody() });
    expect(audit.events.map((e) => [e.type, e.event, e.errorCode])).toEqual([
      ['security', 'authentication_failed', 'unauthenticated'],
      ['security', 'authentication_failed', 'unauthenticated'],
    ]);
  });

  it('records a wrong role as an access refusal naming the principal and route', async () => {
    const { request, audit } = await buildTestApp();
    await request('evaluator-1', LOOKUP, { method: 'POST', json: lookupBody() });
    expect(audit.events).toHaveLength(1);
    expect(audit.events[0]).toMatchObject({
      type: 'security',
      event: 'access_refused',
      outcome: 'denied',
      errorCode: 'forbidden',
      principal: { id: 'evaluator-1', role: 'evaluator' },
      detail: { method: 'POST', route: '/v1/nik/lookup' },
    });
  });
});

describe('clock', () => {
  it('refuses data requests while the wall clock is behind the newest record, and recovers', async () => {
    const { request, setNow, upstream, audit } = await buildTestApp();
    setNow(Date.parse('2026-03-01T00:00:00Z'));
    expect(
      (await request('app-pendaftaran', LOOKUP, { method: 'POST', json: lookupBody() })).status,
    ).toBe(200);
    setNow(Date.parse('2026-02-01T00:00:00Z')); // someone set the clock back a month
    expect(
      await codeOf(
        await request('app-pendaftaran', LOOKUP, { method: 'POST', json: lookupBody() }),
      ),
    ).toEqual([403, 'clock_untrusted']);
    expect(upstream.calls).toBe(1);
    expect(audit.events.at(-1)).toMatchObject({
      type: 'lookup',
      outcome: 'denied',
      errorCode: 'clock_untrusted',
    });
    // Record times never go backwards, even then.
    const times = audit.events.map((e) => e.time);
    expect([...times].sort()).toEqual(times);
    setNow(Date.parse('2026-03-01T00:00:01Z'));
    expect(
      (await request('app-pendaftaran', LOOKUP, { method: 'POST', json: lookupBody() })).status,
    ).toBe(200);
  });
});

describe('GET /v1/audit/events', () => {
  it('traces one resident by NIK (hashed by the gateway) and records the search', async () => {
    const { request } = await withTraffic();
    const response = await request('officer-1', '/v1/audit/events?nik=3316010101850002');
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: AuditRecord[]; next: number | null };
    expect(page.items.map((r) => [r.type, r.subject])).toEqual([
      ['lookup', hash('3316010101850002')],
      ['audit', hash('3316010101850002')], // the search itself, recorded before it was answered
    ]);
    expect(page.next).toBeNull();
    expect(JSON.stringify(page)).not.toContain('3316010101850002');
  });

  it('traces across an HMAC key rotation: the NIK is matched under the current and retired keys', async () => {
    const retiredKey = Buffer.alloc(32, 9);
    const retired = createSubjectHasher(retiredKey);
    const { request, audit } = await buildTestApp({
      traceSubjects: createSubjectTracer(hash, [retiredKey]),
    });
    // A lookup recorded before the rotation, under the retired key; one after, under the current.
    await audit.append({
      type: 'lookup',
      outcome: 'success',
      subject: retired('3316010101850002'),
    });
    await request('app-pendaftaran', LOOKUP, {
      method: 'POST',
      json: lookupBody({ nik: '3316010101850002' }),
    });
    await audit.append({
      type: 'lookup',
      outcome: 'success',
      subject: retired('6474015709900001'),
    });
    const page = (await (
      await request('officer-1', '/v1/audit/events?nik=3316010101850002&type=lookup')
    ).json()) as { items: AuditRecord[] };
    expect(page.items.map((r) => r.subject)).toEqual([
      retired('3316010101850002'),
      hash('3316010101850002'),
    ]);
  });

  it('filters by client, operator, outcome and time, and pages', async () => {
    const { request } = await withTraffic();
    const byClient = (await (
      await request('officer-1', '/v1/audit/events?client=app-kasir&type=lookup')
    ).json()) as { items: AuditRecord[] };
    expect(byClient.items.map((r) => r.outcome)).toEqual(['success', 'denied']);
    const denied = (await (
      await request('officer-1', '/v1/audit/events?operator=kasir.02&outcome=denied')
    ).json()) as { items: AuditRecord[] };
    expect(denied.items.map((r) => r.errorCode)).toEqual(['purpose_not_allowed']);
    const none = (await (await request('officer-1', '/v1/audit/events?to=2020-01-01')).json()) as {
      items: AuditRecord[];
    };
    expect(none.items).toEqual([]);
    const first = (await (
      await request('officer-1', '/v1/audit/events?type=lookup&limit=3')
    ).json()) as { items: AuditRecord[]; next: number };
    expect(first.items).toHaveLength(3);
    const second = (await (
      await request('officer-1', `/v1/audit/events?type=lookup&limit=3&after=${first.next}`)
    ).json()) as { items: AuditRecord[]; next: number | null };
    expect(second.items.map((r) => r.seq)).toEqual([4]);
    expect(second.next).toBeNull();
  });

  it.each([
    ['an unknown parameter', '?agama=ISLAM', 400, 'invalid_request'],
    ['a repeated parameter', '?client=a&client=b', 400, 'invalid_request'],
    ['a bad time', '?from=yesterday', 400, 'invalid_request'],
    ['a limit too large', '?limit=501', 400, 'invalid_request'],
    ['an invalid NIK', '?nik=123', 400, 'invalid_nik'],
    ['an unknown type', '?type=everything', 400, 'invalid_request'],
  ])('refuses %s', async (_name, query, status, code) => {
    const { request } = await buildTestApp();
    expect(await codeOf(await request('officer-1', `/v1/audit/events${query}`))).toEqual([
      status,
      code,
    ]);
  });

  it.each(['app-pendaftaran', 'evaluator-1', 'admin-1', 'reader-01'])(
    'refuses %s, and records the refusal',
    async (cn) => {
      const { request, audit } = await buildTestApp();
      for (const path of ['/v1/audit/events', '/v1/audit/verify', '/v1/audit/export']) {
        expect(await codeOf(await request(cn, path))).toEqual([403, 'forbidden']);
      }
      expect(audit.events.map((e) => e.event)).toEqual([
        'access_refused',
        'access_refused',
        'access_refused',
      ]);
    },
  );

  it('refuses to answer when the search cannot be recorded', async () => {
    const { request, audit } = await withTraffic();
    audit.failing = true;
    expect(await codeOf(await request('officer-1', '/v1/audit/events'))).toEqual([
      503,
      'audit_unavailable',
    ]);
  });
});

describe('GET /v1/audit/verify and /v1/audit/export', () => {
  it('verifies the live trail', async () => {
    const { request } = await withTraffic();
    expect(await (await request('officer-1', '/v1/audit/verify')).json()).toMatchObject({
      ok: true,
      records: 4,
    });
  });

  it('exports JSON Lines that verify offline, ending with a fresh checkpoint and the seal', async () => {
    const { request, deps } = await withTraffic();
    const response = await request('officer-1', '/v1/audit/export');
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const text = await response.text();
    const result = verifyExport(parseExportLines(text), {
      caCertificatePem: deps.caCertificatePem,
      requireFinalCheckpoint: true,
    });
    // The four lookups and the export's own record, which is written before the export is read.
    expect(result).toMatchObject({ ok: true, records: 5 });
    expect(text).not.toMatch(/6474015709900001|3316010101850002|SITI|BUDI/);
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string });
    expect(lines.map((l) => l.kind).slice(-2)).toEqual(['checkpoint', 'seal']);
  });

  it('exports a time range', async () => {
    const { request, deps, setNow } = await buildTestApp();
    setNow(Date.parse('2026-01-10T00:00:00Z'));
    await request('app-pendaftaran', LOOKUP, { method: 'POST', json: lookupBody() });
    setNow(Date.parse('2026-01-20T00:00:00Z'));
    await request('app-pendaftaran', LOOKUP, { method: 'POST', json: lookupBody() });
    const text = await (
      await request('officer-1', '/v1/audit/export?from=2026-01-15&to=2026-01-21')
    ).text();
    const result = verifyExport(parseExportLines(text), {
      caCertificatePem: deps.caCertificatePem,
      requireFinalCheckpoint: true,
    });
    expect(result).toMatchObject({ ok: true, records: 2 }); // the second lookup and the export record
  });
});
