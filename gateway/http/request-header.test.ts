/**
 * requestHeader over a real Node server (c.env.incoming) must answer what c.req.header answers:
 * the same value for a header sent once, in any case, with surrounding spaces, duplicated (also
 * for the headers Node's `incoming.headers` keeps only once), and undefined for one not sent.
 */
import { connect, type AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayEnv } from './env.ts';
import { requestHeader } from './request-header.ts';

const NAMES = ['x-operator-id', 'content-type', 'x-request-id', 'sec-fetch-site', 'x-twice'];

/** One raw HTTP/1.1 request, so that duplicates and odd spacing reach the server as written. */
async function rawGet(port: number, headerLines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('utf8');
    });
    socket.on('end', () => {
      resolve(data.slice(data.indexOf('\r\n\r\n') + 4));
    });
    socket.on('error', reject);
    const head = ['GET /h HTTP/1.1', 'Host: localhost', 'Connection: close', ...headerLines];
    socket.write(`${head.join('\r\n')}\r\n\r\n`);
  });
}

describe('requestHeader under the Node server', () => {
  const app = new Hono<GatewayEnv>();
  app.get('/h', (c) =>
    c.json({
      ours: NAMES.map((n) => requestHeader(c, n) ?? null),
      hono: NAMES.map((n) => c.req.header(n) ?? null),
      fromIncoming: c.env.incoming !== undefined,
    }),
  );
  const server = createAdaptorServer({ fetch: app.fetch });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers as c.req.header does, duplicates joined', async () => {
    const body = JSON.parse(
      await rawGet(port, [
        'X-Operator-ID:   clerk-7  ',
        'Content-Type: application/json',
        'content-type: text/plain',
        'X-Twice: a',
        'x-twice: b',
      ]),
    ) as { ours: (string | null)[]; hono: (string | null)[]; fromIncoming: boolean };
    expect(body.fromIncoming).toBe(true);
    expect(body.ours).toEqual(body.hono);
    expect(body.ours).toEqual(['clerk-7', 'application/json, text/plain', null, null, 'a, b']);
  });
});

describe('requestHeader under app.request()', () => {
  it('reads the Request’s headers', async () => {
    const app = new Hono<GatewayEnv>();
    app.get('/h', (c) => c.text(requestHeader(c, 'x-operator-id') ?? 'none'));
    const res = await app.request('/h', { headers: { 'X-Operator-Id': 'clerk-8' } });
    expect(await res.text()).toBe('clerk-8');
    expect(await (await app.request('/h')).text()).toBe('none');
  });
});
