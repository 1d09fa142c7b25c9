/**
 * X-Operator-Id names the person at the client on every data request: a missing or malformed one
 * is refused with its own message, and one that could carry a NIK (the stored-text guard,
 * policies/stored-text.ts) with that one; a good one reaches the
 * handler and, on a data path, the audit record of whatever happens next.
 */
import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { InMemoryAuditTrail } from '../../../audit/index.ts';
import type { GatewayEnv } from '../env.ts';
import { ApiError } from '../error-catalogue.ts';
import { handleError } from '../error-handler.ts';
import type { ConnectionInfo } from '../peer.ts';
import { auditDataPath } from './audit-data-path.ts';
import { requireOperator } from './operator.ts';
import { requestId } from './request-id.ts';

const MISSING = 'The X-Operator-Id header is required.';
const MALFORMED = 'X-Operator-Id must be 1-64 characters of A-Z a-z 0-9 . _ @ -.';
const connection: ConnectionInfo = {
  peerCertificate: () => undefined,
  certificateProblem: () => 'none',
  remoteAddress: () => undefined,
};

function testApp() {
  const trail = new InMemoryAuditTrail();
  const app = new Hono<GatewayEnv>();
  app.use(requestId({ logger: pino({ level: 'silent' }) }));
  app.use(async (c, next) => {
    c.set('principal', {
      id: 'app-kasir',
      role: 'app',
      certificateFingerprint: 'FP:app-kasir',
      certificateSerial: '5E01',
    });
    await next();
  });
  app.get('/plain', requireOperator(), (c) => c.json({ operator: c.var.operatorId ?? null }));
  app.post('/data', auditDataPath({ type: 'lookup', trail, connection }), requireOperator(), () => {
    throw new ApiError('purpose_not_allowed');
  });
  app.onError(handleError);
  const get = (operator?: string) =>
    app.request('/plain', operator === undefined ? {} : { headers: { 'x-operator-id': operator } });
  return { app, trail, get };
}

async function answer(response: Response): Promise<[number, string, string]> {
  const body = (await response.json()) as { error?: { code: string; message: string } };
  return [response.status, body.error?.code ?? 'ok', body.error?.message ?? ''];
}

describe('requireOperator', () => {
  it.each(['petugas.01', 'a', 'o.p_e-r@tor', 'x'.repeat(64)])(
    'passes %s through to the handler as c.var.operatorId',
    async (operator) => {
      const response = await testApp().get(operator);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ operator });
    },
  );

  it('refuses a request without X-Operator-Id: 400 invalid_request, saying it is required', async () => {
    expect(await answer(await testApp().get())).toEqual([400, 'invalid_request', MISSING]);
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(65)],
    ['with a space', 'petugas 01'],
    ['with a slash', 'petugas/01'],
  ])('refuses an operator id %s: 400 invalid_request, saying its form', async (_, operator) => {
    expect(await answer(await testApp().get(operator))).toEqual([
      400,
      'invalid_request',
      MALFORMED,
    ]);
  });

  it.each([
    ['a NIK', '6474015709900001'],
    ['a NIK split by dots', 'op.6474.0157.0990.0001'],
    ['a NIK split by @', '6474@0157@0990@0001'],
    ['a NIK split by dashes', '6474-0157-0990-0001'],
    ['a NIK split by underscores', '6474_0157_0990_0001'],
    ['a NIK split by several separators', '64.74-01_57@@09.90--00.01'],
  ])(
    'refuses an operator id carrying %s: 400 invalid_request, saying it could carry a NIK',
    async (_, operator) => {
      const [status, code, message] = await answer(await testApp().get(operator));
      expect([status, code]).toEqual([400, 'invalid_request']);
      expect(message).toMatch(/^X-Operator-Id could carry a NIK/);
      expect(message).not.toContain(operator);
    },
  );

  it("writes the checked operator into a data path's record of a later refusal", async () => {
    const { app, trail } = testApp();
    const response = await app.request('/data', {
      method: 'POST',
      headers: { 'x-operator-id': 'petugas.07' },
    });
    expect(response.status).toBe(403);
    expect(trail.events).toEqual([
      expect.objectContaining({ operator: 'petugas.07', errorCode: 'purpose_not_allowed' }),
    ]);
  });

  it('leaves no malformed operator in the record of its own refusal', async () => {
    const { app, trail } = testApp();
    await app.request('/data', {
      method: 'POST',
      headers: { 'x-operator-id': '6474015709900001' },
    });
    expect(trail.events).toHaveLength(1);
    expect(trail.events[0]).toMatchObject({ errorCode: 'invalid_request' });
    expect(trail.events[0]?.operator).toBeUndefined();
    expect(JSON.stringify(trail.events)).not.toContain('6474015709900001');
  });
});
