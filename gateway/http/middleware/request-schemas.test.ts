/**
 * The schema checks a route declares, with the lookup route's own body schema and codes and the
 * audit search's query: a body or query that fails is refused with the route's code before the
 * handler runs, with a message of ours that never echoes what the client sent; an accepted one is
 * left in `c.var.body` / `c.var.query`. A repeated query parameter is refused where the route
 * asks for that (the audit search does), and counts with its last value elsewhere.
 */
import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { lookupBody } from '../../../test/helpers/in-process-app.ts';
import type { GatewayEnv } from '../env.ts';
import { handleError } from '../error-handler.ts';
import { AuditEventsQuery } from '../routes/audit.ts';
import { lookupErrorCode } from '../routes/lookup.ts';
import { LookupRequest } from '../schemas.ts';
import { jsonBody } from './json-body.ts';
import { requestId } from './request-id.ts';
import { checkBody, checkQuery } from './request-schemas.ts';

const auditQueryCode = (path: string) => (path === '/nik' ? 'invalid_nik' : undefined);

function testApp() {
  const app = new Hono<GatewayEnv>();
  let handled = 0;
  app.use(requestId({ logger: pino({ level: 'silent' }) }));
  app.post(
    '/lookup',
    jsonBody({ limitBytes: 4096 }),
    checkBody(LookupRequest, lookupErrorCode),
    (c) => {
      handled++;
      return c.json({ body: c.var.body });
    },
  );
  app.get('/events', checkQuery(AuditEventsQuery, auditQueryCode, true), (c) =>
    c.json({ query: c.var.query }),
  );
  app.get('/lenient', checkQuery(AuditEventsQuery), (c) => c.json({ query: c.var.query }));
  app.onError(handleError);
  const post = (body: unknown) =>
    app.request('/lookup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  return { app, post, handled: () => handled };
}

async function answer(response: Response): Promise<[number, string, string]> {
  const body = (await response.json()) as { error?: { code: string; message: string } };
  return [response.status, body.error?.code ?? 'ok', body.error?.message ?? ''];
}

describe('checkBody', () => {
  it('leaves a body the schema accepts in c.var.body', async () => {
    const body = lookupBody({ fields: ['nama_lengkap'] });
    const response = await testApp().post(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ body });
  });

  it.each([
    ['a NIK of the wrong type', lookupBody({ nik: 6474015709900001 }), 400, 'invalid_nik'],
    ['an element that does not exist', lookupBody({ fields: ['gol'] }), 403, 'field_not_allowed'],
    [
      'a reference with a NIK',
      lookupBody({ reference: 'A 6474015709900001' }),
      400,
      'invalid_request',
    ],
  ])("refuses %s with the route's code, before the handler", async (_, body, status, code) => {
    const app = testApp();
    expect((await answer(await app.post(body))).slice(0, 2)).toEqual([status, code]);
    expect(app.handled()).toBe(0);
  });

  it('says which field of our schema is wrong, never what the client sent', async () => {
    const app = testApp();
    expect(await answer(await app.post({ ...lookupBody(), purpose: undefined }))).toEqual([
      400,
      'invalid_request',
      'The request body is missing the required field "purpose".',
    ]);
    const smuggled = { ...lookupBody(), 'x-6474015709900001': 'SITI' };
    const [, code, message] = await answer(await app.post(smuggled));
    expect([code, message]).toEqual([
      'invalid_request',
      'The request body has a field that is not allowed.',
    ]);
  });
});

describe('checkQuery', () => {
  it('leaves a query the schema accepts in c.var.query', async () => {
    const response = await testApp().app.request('/events?type=lookup&operator=petugas.01');
    expect(await response.json()).toEqual({ query: { type: 'lookup', operator: 'petugas.01' } });
  });

  it("refuses a query that fails the schema with the route's code", async () => {
    const { app } = testApp();
    expect((await answer(await app.request(`/events?nik=${'1'.repeat(33)}`))).slice(0, 2)).toEqual([
      400,
      'invalid_nik',
    ]);
    expect(await answer(await app.request('/events?type=everything'))).toEqual([
      400,
      'invalid_request',
      'Field /type has a value that is not allowed.',
    ]);
    expect((await answer(await app.request('/events?unknown=1'))).slice(0, 2)).toEqual([
      400,
      'invalid_request',
    ]);
  });

  it('refuses a repeated parameter where the route asks for that, else takes the last value', async () => {
    const { app } = testApp();
    expect(await answer(await app.request('/events?type=lookup&type=verify'))).toEqual([
      400,
      'invalid_request',
      'A query parameter is repeated.',
    ]);
    const response = await app.request('/lenient?type=everything&type=verify');
    expect(await response.json()).toEqual({ query: { type: 'verify' } });
  });
});
