/**
 * The request id: a well-formed X-Request-Id is echoed and carried by every log line of the
 * request; one that is malformed, oversized or could carry a NIK is replaced by a fresh UUID, so
 * that a client cannot put anything it likes into the log and the audit trail.
 */
import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../env.ts';
import { ApiError } from '../error-catalogue.ts';
import { handleError } from '../error-handler.ts';
import { requestId } from './request-id.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function testApp() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const app = new Hono<GatewayEnv>();
  app.use(requestId({ logger }));
  app.get('/echo', (c) => {
    c.var.log.info('handled');
    return c.json({ seen: c.var.requestId });
  });
  app.get('/refuse', () => {
    throw new ApiError('forbidden');
  });
  app.onError(handleError);
  const get = (path: string, id?: string) =>
    app.request(path, id === undefined ? {} : { headers: { 'x-request-id': id } });
  const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { get, logged, lines };
}

describe('requestId', () => {
  it.each(['req-1', 'A.b_c:d-9', 'x'.repeat(128)])(
    'echoes a well-formed id (%s) and gives it to the handler and its log',
    async (offered) => {
      const { get, logged } = testApp();
      const response = await get('/echo', offered);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toBe(offered);
      expect(await response.json()).toEqual({ seen: offered });
      expect(logged()).toEqual([expect.objectContaining({ requestId: offered, msg: 'handled' })]);
    },
  );

  it.each([
    ['oversized', 'x'.repeat(129)],
    ['with a space', 'req 1'],
    ['with markup', '<script>'],
    ['with a newline-like character', 'req\t1'],
    ['carrying a NIK', '6474015709900001'],
    ['carrying a NIK with separators', 'id-6474.0157.0990.0001'],
  ])('replaces an id %s with a fresh UUID, in the answer and the log', async (_, offered) => {
    const { get, logged, lines } = testApp();
    const response = await get('/echo', offered);
    const id = response.headers.get('x-request-id') ?? '';
    expect(id).toMatch(UUID);
    expect(await response.json()).toEqual({ seen: id });
    expect(logged()[0]?.['requestId']).toBe(id);
    expect(lines.join('')).not.toContain(offered);
  });

  it('generates a different id for each request that brings none', async () => {
    const { get } = testApp();
    const first = (await get('/echo')).headers.get('x-request-id') ?? '';
    const second = (await get('/echo')).headers.get('x-request-id') ?? '';
    expect(first).toMatch(UUID);
    expect(second).toMatch(UUID);
    expect(second).not.toBe(first);
  });

  it('names the same id in the header and the body of a coded error', async () => {
    const { get } = testApp();
    const response = await get('/refuse', 'req-err');
    expect(response.status).toBe(403);
    expect(response.headers.get('x-request-id')).toBe('req-err');
    expect(await response.json()).toMatchObject({
      error: { code: 'forbidden', requestId: 'req-err' },
    });
  });
});
