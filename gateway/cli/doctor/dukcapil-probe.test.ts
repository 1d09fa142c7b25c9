/** The doctor's probe asks the CALL_NIK URL of the configured profile, built by the adapter. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeDukcapil } from './dukcapil-probe.ts';

const seen: string[] = [];
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(`${String(request.method)} ${String(request.url)}`);
    request.resume();
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ content: [{ RESPON: 'Login Gagal' }], totalElements: 1 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
});

describe('probeDukcapil', () => {
  it.each([
    [undefined, undefined, '/dukcapil/get_json/BAPENDA/CALL_NIK'],
    ['central', undefined, '/dukcapil/get_json/BAPENDA/CALL_NIK'],
    ['regional', '64-74', '/dukcapil/get_json/64-74/BAPENDA/call_nik'],
  ] as const)('profile %s, region %s: POST %s', async (profile, region, path) => {
    seen.length = 0;
    const probe = await probeDukcapil({
      baseUrl,
      consumer: 'BAPENDA',
      profile,
      region,
      timeoutMs: 2000,
      maxResponseBytes: 65_536,
    });
    expect(probe).toMatchObject({ ok: true, respon: 'login rejected' });
    expect(seen).toEqual([`POST ${path}`]);
  });
});
