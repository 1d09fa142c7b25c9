/**
 * The JSON body reader: application/json only; the byte limit on what is declared and on what
 * actually arrives (a chunked body, or one longer than its Content-Length, cannot slip past it);
 * strict UTF-8; JSON.parse. Each refusal has its code, and a good body reaches `c.var.body`.
 */
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { request } from 'undici';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../env.ts';
import { handleError } from '../error-handler.ts';
import { jsonBody } from './json-body.ts';
import { requestId } from './request-id.ts';

const LIMIT = 64;

function testApp() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const app = new Hono<GatewayEnv>();
  let handled = 0;
  app.use(requestId({ logger }));
  app.post('/body', jsonBody({ limitBytes: LIMIT }), (c) => {
    handled++;
    return c.json({ received: c.var.body });
  });
  app.onError(handleError);
  const post = (body: NonNullable<RequestInit['body']>, headers: Record<string, string> = {}) =>
    app.request(
      new Request('http://localhost/body', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
        ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      }),
    );
  /** Why the error handler refused, as it logged (never sent). */
  const details = () =>
    lines.map((line) => (JSON.parse(line) as { detail?: string }).detail).filter(Boolean);
  return { post, details, handled: () => handled, fetch: app.fetch };
}

const chunked = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

async function expectError(response: Response, status: number, code: string): Promise<void> {
  const body = (await response.json()) as { error: { code: string } };
  expect([response.status, body.error.code]).toEqual([status, code]);
}

describe('jsonBody', () => {
  it('hands a good body to the handler as parsed', async () => {
    const app = testApp();
    const response = await app.post('{"nik":"6474015709900001","n":[1,2]}');
    expect(await response.json()).toEqual({ received: { nik: '6474015709900001', n: [1, 2] } });
  });

  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'APPLICATION/JSON;charset=UTF-8',
  ])('accepts the content type %s', async (type) => {
    const app = testApp();
    expect((await app.post('{}', { 'content-type': type })).status).toBe(200);
  });

  it.each(['text/plain', 'application/json; charset=latin1', 'application/jsonx', ''])(
    'refuses the content type "%s" with 415 unsupported_media_type, the handler never runs',
    async (type) => {
      const app = testApp();
      await expectError(
        await app.post('{}', { 'content-type': type }),
        415,
        'unsupported_media_type',
      );
      expect(app.handled()).toBe(0);
    },
  );

  it('takes a body of exactly the limit', async () => {
    const body = JSON.stringify({ a: 'x'.repeat(LIMIT - 8) });
    expect(body).toHaveLength(LIMIT);
    expect((await testApp().post(body)).status).toBe(200);
  });

  it('refuses a declared Content-Length over the limit with 413 and closes the connection', async () => {
    const response = await testApp().post('{}', { 'content-length': String(LIMIT + 1) });
    expect(response.headers.get('connection')).toBe('close');
    await expectError(response, 413, 'payload_too_large');
  });

  it('refuses a body over the limit that declared less than it sent', async () => {
    const body = JSON.stringify({ a: 'x'.repeat(LIMIT) });
    await expectError(
      await testApp().post(body, { 'content-length': '2' }),
      413,
      'payload_too_large',
    );
  });

  it('refuses a chunked body over the limit, with no Content-Length, counting what arrives', async () => {
    const app = testApp();
    const half = 'x'.repeat(LIMIT / 2);
    const response = await app.post(chunked(`{"a":"${half}`, half, '"}'));
    expect(response.headers.get('connection')).toBe('close');
    await expectError(response, 413, 'payload_too_large');
    expect(app.handled()).toBe(0);
  });

  it('takes a chunked body under the limit', async () => {
    const response = await testApp().post(chunked('{"a":', '"b"}'));
    expect(await response.json()).toEqual({ received: { a: 'b' } });
  });

  it('refuses a body that is JSON but not UTF-8 with 400 invalid_request', async () => {
    // Decoded leniently, {"a":"\xff"} would become valid JSON with a replacement character.
    const app = testApp();
    const bytes = new Uint8Array([...Buffer.from('{"a":"'), 0xff, ...Buffer.from('"}')]);
    await expectError(await app.post(bytes), 400, 'invalid_request');
    expect(app.details()).toEqual(['body is not UTF-8']);
    expect(app.handled()).toBe(0);
  });

  it.each(['{"a":', '', "{'a':1}", '{"a":1}}'])(
    'refuses the malformed JSON %j with 400 invalid_request',
    async (body) => {
      const app = testApp();
      await expectError(await app.post(body), 400, 'invalid_request');
      expect(app.details()).toEqual(['body is not JSON']);
    },
  );

  it('refuses a limit that is not a positive integer when the app is built', () => {
    for (const limitBytes of [0, -1, 1.5, Number.NaN])
      expect(() => jsonBody({ limitBytes })).toThrow(RangeError);
  });
});

/**
 * Under the server the body is read from the Node request (c.env.incoming), not from a WHATWG
 * Request: the same limit, counted on what arrives, over a real socket.
 */
describe('jsonBody over a real Node server', () => {
  const app = testApp();
  const server = createAdaptorServer({ fetch: app.fetch });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/body`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  // A stream body: undici sends it chunked, with no Content-Length.
  const post = (...chunks: (string | Uint8Array)[]) =>
    request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Readable.from(
        chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk)),
      ),
    });

  it('takes a chunked body under the limit', async () => {
    const response = await post('{"a":', '"b"}');
    expect([response.statusCode, await response.body.json()]).toEqual([
      200,
      { received: { a: 'b' } },
    ]);
  });

  it('refuses a chunked body over the limit with 413, and the handler never runs', async () => {
    const before = app.handled();
    const half = 'x'.repeat(LIMIT / 2);
    const response = await post(`{"a":"${half}`, half, '"}');
    const body = (await response.body.json()) as { error: { code: string } };
    expect([response.statusCode, body.error.code, response.headers['connection']]).toEqual([
      413,
      'payload_too_large',
      'close',
    ]);
    expect(app.handled()).toBe(before);
  });

  it('refuses a body that is not UTF-8 with 400', async () => {
    const response = await post(
      new Uint8Array([...Buffer.from('{"a":"'), 0xff, ...Buffer.from('"}')]),
    );
    expect(response.statusCode).toBe(400);
    await response.body.dump();
  });
});
