/**
 * What the route table declares is what runs before a handler, in the order the checks answered
 * when each handler made them itself: the operator before the body, a route's own guard before
 * its body's schema, and each route's way with repeated query parameters.
 */
import { describe, expect, it } from 'vitest';
import { buildTestApp, lookupBody } from '../../test/helpers/in-process-app.ts';

type App = Awaited<ReturnType<typeof buildTestApp>>;
const answer = async (response: Response): Promise<[number, string, string]> => {
  const body = (await response.json()) as { error?: { code: string; message: string } };
  return [response.status, body.error?.code ?? 'ok', body.error?.message ?? ''];
};
const lastRecord = (app: App) => app.audit.events.at(-1);

describe('the pipeline a route declares', () => {
  it('tells a data request without X-Operator-Id so before it looks at the body', async () => {
    const app = await buildTestApp();
    const response = await app.request('app-pendaftaran', '/v1/nik/lookup', {
      method: 'POST',
      json: { nik: 42 },
      operator: null,
    });
    expect(await answer(response)).toEqual([
      400,
      'invalid_request',
      'The X-Operator-Id header is required.',
    ]);
    expect(lastRecord(app)).toMatchObject({ type: 'lookup', errorCode: 'invalid_request' });
    expect(lastRecord(app)?.operator).toBeUndefined();
  });

  it('checks the body once the operator is known, and records the operator of the refusal', async () => {
    const app = await buildTestApp();
    const response = await app.request('app-pendaftaran', '/v1/nik/lookup', {
      method: 'POST',
      json: lookupBody({ nik: 42 }),
    });
    expect((await answer(response)).slice(0, 2)).toEqual([400, 'invalid_nik']);
    expect(lastRecord(app)).toMatchObject({ operator: 'petugas.01', errorCode: 'invalid_nik' });
  });

  it('tells a reader that is not active so, whatever its body', async () => {
    const app = await buildTestApp();
    const response = await app.request('reader-01', '/v1/readers/reader-01/card-reads', {
      method: 'POST',
      json: {},
    });
    expect((await answer(response)).slice(0, 2)).toEqual([403, 'reader_not_active']);
    expect(lastRecord(app)).toMatchObject({ type: 'card_read', operator: 'petugas.01' });
  });

  it('does not find a client whose id cannot be one, whatever the body', async () => {
    const app = await buildTestApp();
    const response = await app.request('admin-1', `/v1/admin/clients/-x/suspend`, {
      method: 'POST',
      json: {},
    });
    expect((await answer(response)).slice(0, 2)).toEqual([404, 'not_found']);
  });

  it('records a return-data refusal by the operator check as a submission', async () => {
    const app = await buildTestApp();
    const response = await app.request('app-pendaftaran', '/v1/return-data', {
      method: 'POST',
      json: {},
      operator: null,
    });
    expect((await answer(response)).slice(0, 2)).toEqual([400, 'invalid_request']);
    expect(lastRecord(app)).toMatchObject({ type: 'return_data', event: 'submitted' });
  });

  it('refuses a repeated parameter of the audit search, and takes the last one of the alerts', async () => {
    const app = await buildTestApp();
    expect(
      await answer(await app.request('officer-1', '/v1/audit/events?limit=5&limit=6')),
    ).toEqual([400, 'invalid_request', 'A query parameter is repeated.']);
    expect(await answer(await app.request('officer-1', '/v1/alerts?limit=x&limit=5'))).toEqual([
      200,
      'ok',
      '',
    ]);
  });
});
