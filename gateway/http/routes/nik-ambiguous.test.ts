/**
 * A NIK with more than one record upstream (PKS Pasal 2(2)a) through the real application: the
 * fake Dukcapil client throws what the adapter throws for such an answer, and the gateway answers
 * `409 nik_ambiguous`, releases nothing, audits the request with outcome `ambiguous` and raises an
 * officer alert that names the resident by HMAC subject only.
 */
import { describe, expect, it } from 'vitest';
import { UpstreamFailure } from '../../../adapters/dukcapil/port.ts';
import { createSubjectHasher } from '../../../audit/index.ts';
import { buildTestApp, HMAC_KEY, lookupBody } from '../../../test/helpers/in-process-app.ts';
import { until } from '../../../test/helpers/until.ts';

const NIK = '6474015709900001';

type App = Awaited<ReturnType<typeof buildTestApp>>;

async function ambiguousApp(): Promise<App> {
  const app = await buildTestApp();
  app.upstream.failWith = new UpstreamFailure('ambiguous', 'more than one record for the NIK', 200);
  return app;
}

async function expectAmbiguousHandled(app: App, response: Response, type: 'lookup' | 'verify') {
  const text = await response.text();
  expect(response.status).toBe(409);
  const body = JSON.parse(text) as { error: { code: string }; data?: unknown; result?: unknown };
  expect(body.error.code).toBe('nik_ambiguous');
  expect(body.data).toBeUndefined();
  expect(body.result).toBeUndefined();
  expect(text).not.toContain(NIK);

  const subject = createSubjectHasher(HMAC_KEY)(NIK);
  await until(() => app.audit.events.some((r) => r.detail?.['rule'] === 'nik_ambiguous'));
  const events = app.audit.events;
  const request = events.find((r) => r.type === type);
  expect(request).toMatchObject({
    outcome: 'ambiguous',
    errorCode: 'nik_ambiguous',
    subject,
    elementsReleased: [],
  });
  const alerts = events.filter((r) => r.detail?.['rule'] === 'nik_ambiguous');
  expect(alerts).toHaveLength(1);
  expect(alerts[0]).toMatchObject({
    type: 'security',
    event: 'alert',
    outcome: 'alert',
    subject,
    operator: 'petugas.01',
    detail: { client: 'app-pendaftaran', request: type, requestId: request?.requestId },
  });
  // Neither the request's record nor the alert holds the NIK, anywhere.
  for (const record of events) expect(JSON.stringify(record)).not.toContain(NIK);

  // The officer sees it where alerts are listed.
  const listed = await app.request('officer-1', '/v1/alerts');
  expect(listed.status).toBe(200);
  const listedText = await listed.text();
  expect(listedText).toContain('nik_ambiguous');
  expect(listedText).not.toContain(NIK);
}

describe('a NIK with more than one record upstream', () => {
  it('is never released by a lookup: 409 nik_ambiguous, audited as ambiguous, alerted', async () => {
    const app = await ambiguousApp();
    const response = await app.request('app-pendaftaran', '/v1/nik/lookup', {
      method: 'POST',
      json: lookupBody({ nik: NIK }),
    });
    await expectAmbiguousHandled(app, response, 'lookup');
  });

  it('is never verified as one: 409 nik_ambiguous, audited as ambiguous, alerted', async () => {
    const app = await ambiguousApp();
    const response = await app.request('app-pendaftaran', '/v1/nik/verify', {
      method: 'POST',
      json: lookupBody({ nik: NIK, claims: { nama_lengkap: 'SITI KENARI RAHAYU' } }),
    });
    await expectAmbiguousHandled(app, response, 'verify');
  });

  it('a lookup answered normally raises no such alert (the alert follows the outcome)', async () => {
    const app = await buildTestApp();
    const response = await app.request('app-pendaftaran', '/v1/nik/lookup', {
      method: 'POST',
      json: lookupBody({ nik: NIK }),
    });
    expect(response.status).toBe(200);
    expect(app.audit.events.find((r) => r.type === 'lookup')?.outcome).toBe('success');
    // Then an ambiguous one. The detector hears of records in the order they are committed, so an
    // alert the first lookup raised would be committed before the second's: once the second's is
    // there, the only nik_ambiguous alert must be the second's.
    app.upstream.failWith = new UpstreamFailure(
      'ambiguous',
      'more than one record for the NIK',
      200,
    );
    const second = await app.request('app-pendaftaran', '/v1/nik/lookup', {
      method: 'POST',
      json: lookupBody({ nik: NIK }),
    });
    expect(second.status).toBe(409);
    await until(() => app.audit.events.some((r) => r.detail?.['rule'] === 'nik_ambiguous'));
    const lookups = app.audit.events.filter((r) => r.type === 'lookup');
    expect(lookups.map((r) => r.outcome)).toEqual(['success', 'ambiguous']);
    const alerts = app.audit.events.filter((r) => r.detail?.['rule'] === 'nik_ambiguous');
    expect(alerts.map((r) => r.detail?.['requestId'])).toEqual([lookups[1]?.requestId]);
  });
});
