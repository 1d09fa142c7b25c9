/**
 * The request id: a well-formed X-Request-Id is echoed and carried by every log line of the
 * request; one that is malformed, oversized or could carry a NIK (the stored-text guard) is replaced by a
 * fresh UUID, so that a client cannot put anything it likes into the log and the audit trail; the
 * answer says it was refused, and why, without echoing it.
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
    c.var.log().info('handled');
    c.var.log().info('handled again');
    return c.json({ seen: c.var.requestId });
  });
  app.get('/quiet', (c) => c.json({ seen: c.var.requestId }));
  app.get('/refuse', () => {
    throw new ApiError('forbidden');
  });
  app.onError(handleError);
  const get = (path: string, id?: string) =>
    app.request(path, id === undefined ? {} : { headers: { 'x-request-id': id } });
  const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const children = () => childrenMade;
  let childrenMade = 0;
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<typeof child>) => {
    childrenMade++;
    return child(...args);
  }) as typeof logger.child;
  return { get, logged, lines, children };
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
      expect(logged()).toEqual([
        expect.objectContaining({ requestId: offered, msg: 'handled' }),
        expect.objectContaining({ requestId: offered, msg: 'handled again' }),
      ]);
    },
  );

  it('makes the child logger only for a request that logs through it, and once', async () => {
    const { get, children } = testApp();
    expect((await get('/quiet', 'req-1')).status).toBe(200);
    expect(children()).toBe(0);
    expect((await get('/echo', 'req-2')).status).toBe(200);
    expect(children()).toBe(1);
  });

  it.each([
    ['oversized', 'x'.repeat(129)],
    ['with a space', 'req 1'],
    ['with markup', '<script>'],
    ['with a newline-like character', 'req\t1'],
    ['carrying a NIK', '6474015709900001'],
    ['carrying a NIK with separators', 'id-6474.0157.0990.0001'],
    ['carrying a NIK split by colons', '6474:0157:0990:0001'],
    ['carrying a NIK split by several separators', '64..74--01__57::09.90-00_01'],
    ['carrying a longer number', '20261202104151000123'],
  ])('replaces an id %s with a fresh UUID, in the answer and the log', async (_, offered) => {
    const { get, logged, lines } = testApp();
    const response = await get('/echo', offered);
    const id = response.headers.get('x-request-id') ?? '';
    expect(id).toMatch(UUID);
    expect(await response.json()).toEqual({ seen: id });
    expect(logged()[0]?.['requestId']).toBe(id);
    expect(lines.join('')).not.toContain(offered);
  });

  it.each([
    ['malformed', 'req 1'],
    ['nik_like_run', '6474-0157-0990-0001'],
  ])(
    'says why a refused id was not used (%s), in X-Request-Id-Refused, never echoing it',
    async (reason, offered) => {
      const { get, lines } = testApp();
      const response = await get('/echo', offered);
      expect(response.headers.get('x-request-id-refused')).toBe(reason);
      expect(response.headers.get('x-request-id')).toMatch(UUID);
      expect([...response.headers.values()].join(' ')).not.toContain(offered);
      expect(lines.join('')).toContain('"reason":"' + reason + '"');
      expect(lines.join('')).not.toContain(offered);
    },
  );

  it('sets no X-Request-Id-Refused when the id is used or none was sent', async () => {
    const { get } = testApp();
    expect((await get('/echo', 'req-1')).headers.get('x-request-id-refused')).toBeNull();
    expect((await get('/echo')).headers.get('x-request-id-refused')).toBeNull();
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
