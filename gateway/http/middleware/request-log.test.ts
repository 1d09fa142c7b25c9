/**
 * One line per request: method, route pattern, status, code, principal and duration, and the
 * request counter labelled the same way. Never the URL (its path or query may carry a NIK), the
 * body or a header.
 */
import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../observability/logging.ts';
import { createGatewayMetrics } from '../../observability/metrics.ts';
import type { GatewayEnv, Principal } from '../env.ts';
import { ApiError } from '../error-catalogue.ts';
import { handleError, handleNotFound } from '../error-handler.ts';
import { requestId } from './request-id.ts';
import { requestLog } from './request-log.ts';

const NIK = '6474015709900001';
const BODY_CANARY = 'SITI KENARI RAHAYU';
const KASIR: Principal = {
  id: 'app-kasir',
  role: 'app',
  certificateFingerprint: 'FP:app-kasir',
  certificateSerial: '5E01',
};

function testApp(gatewayLogger = false) {
  const lines: string[] = [];
  const destination = { write: (line: string) => void lines.push(line) };
  const logger = gatewayLogger
    ? createLogger('info', destination)
    : pino({ level: 'info' }, destination);
  const metrics = createGatewayMetrics();
  const app = new Hono<GatewayEnv>();
  app.use(requestId({ logger }));
  app.use(requestLog({ metrics, logger }));
  app.use(async (c, next) => {
    if (c.req.header('x-as-kasir') !== undefined) {
      c.set('principal', KASIR);
      c.set('principalId', KASIR.id);
    }
    await next();
  });
  app.post('/v1/residents/:nik', () => {
    throw new ApiError('invalid_nik', { detail: 'bad_day' });
  });
  app.get('/v1/residents/:nik', (c) => c.json({ ok: true }));
  app.get('/v1/broken', () => {
    throw new Error(`failed for ${NIK}`);
  });
  app.onError(handleError);
  app.notFound(handleNotFound);
  /** The request log's own line (the error handler writes one more on a refusal). */
  const requestLine = () =>
    lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line['msg'] === 'request');
  return { app, metrics, lines, requestLine };
}

describe('requestLog', () => {
  it('writes only its fixed fields, which the logger would not redact (it writes without redaction)', async () => {
    const { app, lines, requestLine } = testApp(true);
    const response = await app.request(`/v1/residents/${NIK}?nik=${NIK}`, {
      method: 'POST',
      headers: { 'x-as-kasir': '1' },
      body: JSON.stringify({ nik: NIK, nama: BODY_CANARY }),
    });
    expect(response.status).toBe(400);
    const [line] = requestLine();
    // A new field here must be one the gateway's redaction would leave alone (REDACT_PATHS).
    expect(Object.keys(line ?? {}).sort()).toEqual([
      'code',
      'level',
      'method',
      'ms',
      'msg',
      'principal',
      'requestId',
      'route',
      'service',
      'status',
      'time',
    ]);
    expect(line?.['requestId']).toBe(response.headers.get('x-request-id'));
    const everything = lines.join('\n');
    for (const secret of [NIK, BODY_CANARY]) expect(everything).not.toContain(secret);
  });

  it('logs a refusal by route pattern and code, never the path, query, body or headers', async () => {
    const { app, lines, requestLine } = testApp();
    const response = await app.request(`/v1/residents/${NIK}?nik=${NIK}&q=secret-query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-operator-id': 'petugas.secret' },
      body: JSON.stringify({ nama: BODY_CANARY }),
    });
    expect(response.status).toBe(400);
    expect(requestLine()).toEqual([
      expect.objectContaining({
        method: 'POST',
        route: '/v1/residents/:nik',
        status: 400,
        code: 'invalid_nik',
        requestId: response.headers.get('x-request-id'),
        ms: expect.any(Number) as unknown,
      }),
    ]);
    const everything = lines.join('\n');
    for (const secret of [NIK, 'secret-query', BODY_CANARY, 'petugas.secret'])
      expect(everything).not.toContain(secret);
  });

  it('logs a good request without a code, with the principal once it is known', async () => {
    const { app, requestLine } = testApp();
    const response = await app.request(`/v1/residents/${NIK}`, { headers: { 'x-as-kasir': '1' } });
    expect(await response.json()).toEqual({ ok: true });
    const [line] = requestLine();
    expect(line).toMatchObject({
      route: '/v1/residents/:nik',
      status: 200,
      principal: 'app-kasir',
    });
    expect(line).not.toHaveProperty('code');
  });

  it('logs an unexpected error as internal_error, its message not in the request line', async () => {
    const { app, requestLine } = testApp();
    expect((await app.request('/v1/broken')).status).toBe(500);
    const [line] = requestLine();
    expect(line).toMatchObject({ route: '/v1/broken', status: 500, code: 'internal_error' });
    expect(JSON.stringify(line)).not.toContain(NIK);
  });

  it('counts each request by method, route pattern, status and code', async () => {
    const { app, metrics } = testApp();
    await app.request(`/v1/residents/${NIK}`, { method: 'POST' });
    await app.request('/v1/residents/6474015709900002', { method: 'POST' });
    await app.request(`/v1/residents/${NIK}`);
    const route = '/v1/residents/:nik';
    const { values } = await metrics.requests.get();
    expect(values).toEqual([
      { labels: { method: 'POST', route, status: '400', code: 'invalid_nik' }, value: 2 },
      { labels: { method: 'GET', route, status: '200', code: '' }, value: 1 },
    ]);
    expect((await metrics.render()).text).not.toContain(NIK);
  });

  it('times each request by route pattern, method and status class', async () => {
    const { app, metrics } = testApp();
    await app.request(`/v1/residents/${NIK}`, { method: 'POST' });
    await app.request(`/v1/residents/${NIK}`);
    await app.request(`/v1/nowhere/${NIK}`);
    const { values } = await metrics.requestDuration.get();
    const counts = values
      .filter((v) => v.metricName === 'gerbang_http_request_duration_seconds_count')
      .map((v) => [v.labels, v.value]);
    expect(counts).toEqual([
      [{ method: 'POST', route: '/v1/residents/:nik', status_class: '4xx' }, 1],
      [{ method: 'GET', route: '/v1/residents/:nik', status_class: '2xx' }, 1],
      [{ method: 'GET', route: '/*', status_class: '4xx' }, 1],
    ]);
    expect((await metrics.render()).text).not.toContain(NIK);
  });

  it('labels a method outside those of HTTP as other', async () => {
    const { app, metrics } = testApp();
    await app.request(`/v1/residents/${NIK}`, { method: 'PROPFIND' });
    const { values } = await metrics.requests.get();
    expect(values.map((v) => v.labels['method'])).toEqual(['other']);
  });

  it('logs an unknown path by the pattern that caught it, never the path itself', async () => {
    const { app, requestLine } = testApp();
    const response = await app.request(`/v1/nowhere/${NIK}`);
    expect(response.status).toBe(404);
    const [line] = requestLine();
    expect(line).toMatchObject({ route: '/*', status: 404 });
    expect(JSON.stringify(line)).not.toContain(NIK);
  });
});
