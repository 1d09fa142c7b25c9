/**
 * Every data-path request leaves exactly one audit record: the handler's own on success, and on
 * any earlier end this middleware's, with the refusal's code, nothing released, and the outcome
 * the code implies. A trail that cannot record a refusal leaves the refusal as it was.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { UpstreamFailure } from '../../../adapters/dukcapil/port.ts';
import { InMemoryAuditTrail } from '../../../audit/index.ts';
import {
  certificateFor,
  TEST_CERT_HEADER,
  headerConnection,
} from '../../../test/helpers/in-process-app.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';
import type { GatewayEnv } from '../env.ts';
import { ApiError } from '../error-catalogue.ts';
import { handleError } from '../error-handler.ts';
import { auditDataPath, commitAudit, dataPathDraft, nameAuditEvent } from './audit-data-path.ts';
import { jsonBody } from './json-body.ts';
import { principal } from './principal.ts';
import { requestId } from './request-id.ts';

const connection = headerConnection({ remoteAddress: '192.0.2.7' });

function testApp() {
  const trail = new InMemoryAuditTrail();
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const app = new Hono<GatewayEnv>();
  app.use(requestId({ logger }));
  app.use(
    principal({
      principals: demoConfig(0, 0, DEMO_AGREEMENT.signedOn).principals,
      connection,
      revocation: { status: () => Promise.resolve('good'), healthy: () => true },
    }),
  );
  const dataPath = (path: string, ...chain: MiddlewareHandler<GatewayEnv>[]) =>
    app.post(path, auditDataPath({ type: 'lookup', trail, connection }), ...chain);
  dataPath('/body', jsonBody({ limitBytes: 64 }), (c) => Promise.resolve(c.json({})));
  const throwing = (error: unknown) => () => {
    throw error;
  };
  dataPath('/purpose', nameAuditEvent('lookup_nik'), throwing(new ApiError('purpose_not_allowed')));
  dataPath('/not-found', throwing(new UpstreamFailure('not_found', 'no such NIK')));
  dataPath('/timeout', throwing(new UpstreamFailure('timeout', 'upstream slow')));
  dataPath('/bug', throwing(new Error('bug')));
  dataPath('/success', async (c) => {
    const draft = dataPathDraft(c);
    draft.outcome = 'success';
    draft.elementsReleased = ['nama_lengkap'];
    if (c.req.header('x-fail-commit') !== undefined) trail.failing = true;
    try {
      await commitAudit(c, trail);
    } finally {
      trail.failing = false;
    }
    return c.json({ released: true });
  });
  app.post('/not-a-data-path', (c) => {
    dataPathDraft(c);
    return c.json({});
  });
  app.onError(handleError);
  const post = (path: string, headers: Record<string, string> = {}) =>
    app.request(path, { method: 'POST', headers: { [TEST_CERT_HEADER]: 'app-kasir', ...headers } });
  return { trail, post, lines };
}

const codeOf = async (response: Response) =>
  ((await response.json()) as { error?: { code: string } }).error?.code;

describe('auditDataPath', () => {
  it('records a refusal by a later check once, with its code, the principal and nothing released', async () => {
    const { trail, post } = testApp();
    const response = await post('/body', { 'content-type': 'text/plain' });
    expect(await codeOf(response)).toBe('unsupported_media_type');
    expect(trail.events).toEqual([
      {
        type: 'lookup',
        requestId: response.headers.get('x-request-id'),
        principal: {
          id: 'app-kasir',
          role: 'app',
          certificateFingerprint: certificateFor('app-kasir').fingerprint256,
        },
        sourceAddress: '192.0.2.7',
        elementsReleased: [],
        outcome: 'denied',
        errorCode: 'unsupported_media_type',
      },
    ]);
  });

  it.each([
    ['/purpose', 'purpose_not_allowed', 'denied'],
    ['/not-found', 'nik_not_found', 'not_found'],
    ['/timeout', 'upstream_timeout', 'error'],
    ['/bug', 'internal_error', 'error'],
  ])('records the end at %s as %s, outcome %s', async (path, code, outcome) => {
    const { trail, post } = testApp();
    expect(await codeOf(await post(path))).toBe(code);
    expect(trail.events).toHaveLength(1);
    expect(trail.events[0]).toMatchObject({ type: 'lookup', errorCode: code, outcome });
  });

  it('carries the event name given after it into the record of a refusal', async () => {
    const { trail, post } = testApp();
    await post('/purpose');
    expect(trail.events[0]).toMatchObject({ event: 'lookup_nik' });
  });

  it("adds nothing to the handler's own record of a success", async () => {
    const { trail, post } = testApp();
    const response = await post('/success', { 'x-request-id': 'req-ok' });
    expect(await response.json()).toEqual({ released: true });
    expect(trail.events).toEqual([
      expect.objectContaining({
        requestId: 'req-ok',
        outcome: 'success',
        elementsReleased: ['nama_lengkap'],
      }),
    ]);
  });

  it('records a success whose record failed as an error that released nothing', async () => {
    const { trail, post } = testApp();
    const response = await post('/success', { 'x-fail-commit': '1' });
    expect([response.status, await codeOf(response)]).toEqual([503, 'audit_unavailable']);
    expect(trail.events).toEqual([
      expect.objectContaining({
        outcome: 'error',
        errorCode: 'audit_unavailable',
        elementsReleased: [],
      }),
    ]);
  });

  it('answers a refusal with its own code when the trail cannot record it, and logs that', async () => {
    const { trail, post, lines } = testApp();
    trail.failing = true;
    const response = await post('/purpose');
    expect([response.status, await codeOf(response)]).toEqual([403, 'purpose_not_allowed']);
    expect(lines.map((line) => JSON.parse(line) as { event?: string })).toContainEqual(
      expect.objectContaining({ event: 'audit_write_failed' }),
    );
  });

  it('gives a route that asks for a draft it does not have a 500, a wiring error', async () => {
    const { trail, post } = testApp();
    expect(await codeOf(await post('/not-a-data-path'))).toBe('internal_error');
    expect(trail.events).toEqual([]);
  });
});
