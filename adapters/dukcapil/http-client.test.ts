/**
 * The client's breakers, one per method, against a real node:http upstream on 127.0.0.1: outages
 * (HTTP 5xx) open the breaker of their own method only, and answers the adapter cannot read are
 * counted apart and open none (docs/upstream.md, "Breakers").
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DukcapilHttpClient, type DukcapilHttpOptions } from './http-client.ts';
import { REGIONAL_PROFILE, resolveUpstreamProfile } from './profile.ts';
import { UpstreamFailure, type UpstreamFailureKind } from './port.ts';

const NIK = '6474014508900001';
const RECORD = JSON.stringify({
  content: [{ NIK, NAMA_LGKP: 'SITI AMINAH' }],
  totalElements: 1,
  numberOfElements: 1,
});

/** What the upstream answers per method path: [status, body]. */
const answers = new Map<string, readonly [number, string]>();
let server: Server;
let baseUrl: string;
const clients: DukcapilHttpClient[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const [status, body] = answers.get(request.url ?? '') ?? [404, 'no route'];
      response.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});
afterEach(async () => {
  answers.clear();
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
});

const LOOKUP = '/dukcapil/get_json/BAPENDA/CALL_NIK';
const VERIFY = '/dukcapil/get_json/BAPENDA/CALL_VERIFY_BY_ELEMEN';

function client(overrides: Partial<DukcapilHttpOptions> = {}): DukcapilHttpClient {
  const created = new DukcapilHttpClient({
    baseUrl,
    consumer: 'BAPENDA',
    userId: 'u',
    password: 'p',
    ipUser: '10.0.0.5',
    connectTimeoutMs: 1000,
    headersTimeoutMs: 2000,
    bodyTimeoutMs: 2000,
    requestTimeoutMs: 3000,
    maxConnections: 4,
    maxQueued: 4,
    maxResponseBytes: 65_536,
    breaker: { failureThreshold: 3, openMs: 60_000 },
    ...overrides,
  });
  clients.push(created);
  return created;
}

async function failureOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof UpstreamFailure) return `${error.kind}: ${error.reason}`;
    throw error;
  }
  return 'ok';
}

describe('one breaker per method', () => {
  it('counts unreadable verify answers apart, opens no breaker, and lookups go on', async () => {
    const malformed: string[] = [];
    const outcomes: (UpstreamFailureKind | 'ok')[] = [];
    const upstream = client({
      observer: {
        onCall: (outcome) => outcomes.push(outcome),
        onMalformed: (method, reason) => malformed.push(`${method}: ${reason}`),
        onDroppedKeys: () => undefined,
        onUnparseableValues: () => undefined,
      },
    });
    answers.set(LOOKUP, [200, RECORD]);
    // The old verify shape: a code 01 and the number under NIK.
    answers.set(VERIFY, [
      200,
      JSON.stringify({ content: [{ RESPONSE_CODE: '01', NIK, NAMA_LGKP: 'Sesuai' }] }),
    ]);
    for (let i = 0; i < 10; i++)
      expect(
        await failureOf(upstream.verifyByElements(NIK, { nama_lengkap: 'SITI AMINAH' }, 90)),
      ).toBe('malformed: unknown response code');
    expect(malformed).toHaveLength(10);
    expect(malformed[0]).toBe('CALL_VERIFY_BY_ELEMEN: unknown response code');
    expect(upstream.health().methods).toEqual({
      CALL_NIK: 'closed',
      CALL_VERIFY_BY_ELEMEN: 'closed',
    });
    expect((await upstream.lookupByNik(NIK)).record.nik).toBe(NIK);
    expect(outcomes.filter((o) => o === 'malformed')).toHaveLength(10);
  });

  it('opens the breaker of the method whose upstream fails (5xx), not the other', async () => {
    const upstream = client();
    answers.set(LOOKUP, [200, RECORD]);
    answers.set(VERIFY, [503, '<html>Service Unavailable</html>']);
    for (let i = 0; i < 3; i++)
      expect(await failureOf(upstream.verifyByElements(NIK, { nama_lengkap: 'X' }, 90))).toBe(
        'unavailable: upstream HTTP status 503',
      );
    expect(await failureOf(upstream.verifyByElements(NIK, { nama_lengkap: 'X' }, 90))).toBe(
      'unavailable: circuit breaker open',
    );
    expect(upstream.health()).toEqual({
      breaker: 'closed',
      methods: { CALL_NIK: 'closed', CALL_VERIFY_BY_ELEMEN: 'open' },
    });
    expect((await upstream.lookupByNik(NIK)).record.nik).toBe(NIK);
  });

  it('reads a status other than 200 and 5xx as an answer it cannot use', async () => {
    const upstream = client();
    answers.set(LOOKUP, [404, 'not here']);
    for (let i = 0; i < 5; i++)
      expect(await failureOf(upstream.lookupByNik(NIK))).toBe(
        'malformed: upstream HTTP status 404',
      );
    expect(upstream.health().breaker).toBe('closed');
  });

  it('lets a half-open probe answered unreadably leave the breaker half open', async () => {
    let now = 0;
    const upstream = client({ breaker: { failureThreshold: 1, openMs: 100, now: () => now } });
    answers.set(LOOKUP, [502, 'bad gateway']);
    expect(await failureOf(upstream.lookupByNik(NIK))).toMatch(/^unavailable: /);
    expect(upstream.health().breaker).toBe('open');
    now = 200;
    answers.set(LOOKUP, [200, '<html>maintenance</html>']);
    expect(await failureOf(upstream.lookupByNik(NIK))).toBe('malformed: response is not JSON');
    expect(upstream.health().breaker).toBe('half_open');
    answers.set(LOOKUP, [200, RECORD]);
    expect((await upstream.lookupByNik(NIK)).record.nik).toBe(NIK);
    expect(upstream.health().breaker).toBe('closed');
  });
});

describe('profiles', () => {
  it('speaks a profile written in configuration: docs/upstream.md, the worked example', async () => {
    const profile = resolveUpstreamProfile({
      name: 'disdukcapil-3374',
      pathTemplate: '/dukcapil/get_json/{region}/{consumer}/{method}',
      methods: {
        CALL_NIK: {
          name: 'GET_NIK',
          keys: { nik: 'nik', userId: 'user_id', password: 'password', ipUser: 'ip_user' },
          elementKeyCase: 'upper',
        },
        CALL_VERIFY_BY_ELEMEN: {
          name: 'CALL_VERIFY_BY_ELEMEN',
          keys: { nik: 'NIK', userId: 'USER_ID', password: 'PASSWORD', ipUser: 'IP_USER' },
          elementKeyCase: 'upper',
        },
      },
      dateFormat: 'DD-MM-YYYY',
      responseCodes: { '21': 'quota' },
    });
    const upstream = client({ profile, consumer: 'IDINSOS_3374', region: '33-74' });
    answers.set('/dukcapil/get_json/33-74/IDINSOS_3374/GET_NIK', [200, RECORD]);
    answers.set('/dukcapil/get_json/33-74/IDINSOS_3374/CALL_VERIFY_BY_ELEMEN', [
      200,
      JSON.stringify({ content: [{ RESPONSE_CODE: '21', RESPONSE: 'Kuota habis' }] }),
    ]);
    expect((await upstream.lookupByNik(NIK)).record.nik).toBe(NIK);
    expect(await failureOf(upstream.verifyByElements(NIK, { nama_lengkap: 'X' }, 90))).toBe(
      'quota: daily quota exhausted',
    );
  });

  it('refuses a profile whose path needs a region it was not given', () => {
    expect(() => client({ profile: REGIONAL_PROFILE })).toThrow(
      'upstream.region is required: profile regional has {region} in its path',
    );
  });

  it('sends a claimed NIK other than the one asked about as no match', async () => {
    const upstream = client();
    answers.set(VERIFY, [200, JSON.stringify({ content: [{ NIK: 'Sesuai' }] })]);
    expect(
      (await upstream.verifyByElements(NIK, { nik: '6474010101900002' }, 90)).verdicts,
    ).toEqual({ nik: { match: false } });
    expect((await upstream.verifyByElements(NIK, { nik: NIK }, 90)).verdicts).toEqual({
      nik: { match: true },
    });
  });
});
