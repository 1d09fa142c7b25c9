/**
 * The pool's write notice against a real HTTP server on loopback: told once per request written,
 * before the answer, on a fresh connection and a reused one. It fails if undici stops calling
 * `onRequestSent` on its callback handlers (sent-pool.ts's header).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SentNoticePool } from './sent-pool.ts';

let server: Server;
let origin: string;
/** Requests the server has read. */
let received = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    received++;
    request.resume();
    request.on('end', () => {
      // Answer later, so that a notice is plainly before the answer.
      setTimeout(() => response.end('{"ok":true}'), 20);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('SentNoticePool', () => {
  it('says when each request was written: once each, before its answer', async () => {
    const pool = new SentNoticePool(origin, { connections: 1, pipelining: 1 });
    const events: string[] = [];
    try {
      for (const round of [1, 2, 3]) {
        const response = await pool.request({
          path: '/',
          method: 'POST',
          body: `{"round":${round}}`,
          onSent: () => events.push(`sent ${round}`),
        } as Parameters<typeof pool.request>[0]);
        events.push(`answered ${round}`);
        await response.body.text();
      }
    } finally {
      await pool.close();
    }
    // Rounds 2 and 3 reuse the one keep-alive connection.
    expect(events).toEqual([
      'sent 1',
      'answered 1',
      'sent 2',
      'answered 2',
      'sent 3',
      'answered 3',
    ]);
  });

  it('leaves a request without onSent as undici makes it', async () => {
    const pool = new SentNoticePool(origin);
    try {
      const before = received;
      const response = await pool.request({ path: '/', method: 'POST', body: '{}' });
      expect(response.statusCode).toBe(200);
      expect(await response.body.text()).toBe('{"ok":true}');
      expect(received).toBe(before + 1);
    } finally {
      await pool.close();
    }
  });
});
