/**
 * The real adapter (DukcapilHttpClient over real undici) against DOMAIN.md's wire, for the
 * `central` and `regional` profiles: a node:http server on 127.0.0.1 plays the upstream, checks
 * each request against the hand-written fixture (path, keys in their case, date form) and answers
 * the fixture's raw text; the adapter's outcome must be the fixture's. The fixtures
 * (dukcapil-fixtures.ts) are not the simulator's code, so a wrong assumption shared by the
 * adapter and the simulator fails here.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DukcapilHttpClient,
  resolveUpstreamProfile,
  UpstreamFailure,
} from '../../adapters/dukcapil/index.ts';
import {
  answerShape,
  CONFORMANCE_FIXTURES,
  FIXTURE_ACCOUNT,
  FIXTURE_NIK,
  fixturesFor,
  replayBody,
  type ConformanceFixture,
  type FixtureProfile,
} from './dukcapil-fixtures.ts';

/** The fixture the next request must match, and what the server saw wrong in it. */
let current: ConformanceFixture | undefined;
let problems: string[] = [];
let server: Server;
let baseUrl: string;

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  server = createServer((request, response) => {
    void readText(request).then((text) => {
      const fixture = current;
      if (fixture === undefined) {
        problems.push('a request with no fixture in play');
        response.writeHead(500).end();
        return;
      }
      if (request.method !== 'POST') problems.push(`method ${String(request.method)}`);
      if (request.url !== fixture.request.path) problems.push(`path ${String(request.url)}`);
      if (!String(request.headers['content-type']).startsWith('application/json'))
        problems.push('content type is not JSON');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        problems.push('body is not JSON');
      }
      try {
        // Exact keys in their case and exact values: nothing more, nothing less.
        expect(body).toEqual(fixture.request.body);
      } catch {
        problems.push(`body ${text}`);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(fixture.answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
});

function clientFor(profile: FixtureProfile): DukcapilHttpClient {
  return new DukcapilHttpClient({
    baseUrl,
    profile: resolveUpstreamProfile(profile),
    consumer: FIXTURE_ACCOUNT[profile].consumer,
    region: FIXTURE_ACCOUNT[profile].region,
    userId: FIXTURE_ACCOUNT.userId,
    password: FIXTURE_ACCOUNT.password,
    ipUser: FIXTURE_ACCOUNT.ipUser,
    connectTimeoutMs: 1000,
    headersTimeoutMs: 2000,
    bodyTimeoutMs: 2000,
    requestTimeoutMs: 3000,
    maxConnections: 2,
    maxQueued: 2,
    maxResponseBytes: 65_536,
    // High: a run of failure fixtures must not open a breaker and hide the next exchange.
    breaker: { failureThreshold: 1000, openMs: 1000 },
  });
}

/** The adapter's outcome for one exchange, in the fixtures' terms. */
async function outcomeOf(
  client: DukcapilHttpClient,
  fixture: ConformanceFixture,
): Promise<unknown> {
  try {
    if (fixture.method === 'CALL_NIK') {
      const { record } = await client.lookupByNik(FIXTURE_NIK);
      return { kind: 'record', elements: { ...record } };
    }
    const { verdicts } = await client.verifyByElements(
      FIXTURE_NIK,
      fixture.claims ?? {},
      FIXTURE_ACCOUNT.threshold,
    );
    return {
      kind: 'verdicts',
      verdicts: Object.fromEntries(Object.entries(verdicts).map(([e, v]) => [e, v.match])),
    };
  } catch (error) {
    if (!(error instanceof UpstreamFailure)) throw error;
    return { kind: 'failure', failure: error.kind, reason: error.reason };
  }
}

describe('the fixtures themselves', () => {
  it('cover both profiles, both methods and every case the issue names', () => {
    for (const profile of ['central', 'regional'] as const) {
      expect(fixturesFor(profile, 'CALL_NIK').length).toBeGreaterThanOrEqual(15);
      expect(fixturesFor(profile, 'CALL_VERIFY_BY_ELEMEN').length).toBeGreaterThanOrEqual(15);
    }
    const names = new Set(CONFORMANCE_FIXTURES.map((f) => f.name));
    for (const code of ['03', '05', '08', '12', '13', '14', '16', '17', '42'])
      expect(names.has(`code ${code}`)).toBe(true);
  });

  it.each(CONFORMANCE_FIXTURES.map((f) => [`${f.profile} ${f.method}: ${f.name}`, f] as const))(
    'has the shape it declares (read from DOMAIN.md alone): %s',
    (_name, fixture) => {
      expect(answerShape(fixture.answer)).toBe(fixture.shape);
    },
  );

  it('replays a request with another NIK, under the key in its case', () => {
    const [central] = fixturesFor('central', 'CALL_NIK');
    const [regional] = fixturesFor('regional', 'CALL_NIK');
    if (central === undefined || regional === undefined) throw new Error('no fixtures');
    expect(replayBody(central, '6474010101900002')['NIK']).toBe('6474010101900002');
    expect(replayBody(regional, '6474010101900002')['nik']).toBe('6474010101900002');
  });
});

describe.each(['central', 'regional'] as const)(
  'the %s profile through the real adapter',
  (profile) => {
    let client: DukcapilHttpClient;
    beforeAll(() => {
      client = clientFor(profile);
      return () => client.close();
    });

    it.each(fixturesFor(profile).map((f) => [`${f.method}: ${f.name}`, f] as const))(
      '%s',
      async (_name, fixture) => {
        current = fixture;
        problems = [];
        const outcome = await outcomeOf(client, fixture);
        current = undefined;
        expect(problems).toEqual([]);
        const expected = fixture.outcome;
        if (expected.kind === 'failure') {
          expect(outcome).toMatchObject({
            kind: 'failure',
            failure: expected.failure,
            ...(expected.reason === undefined ? {} : { reason: expected.reason }),
          });
        } else {
          expect(outcome).toEqual(expected);
        }
      },
    );

    it('keeps both breakers closed after every fixture: none of them is an outage', () => {
      expect(client.health().methods).toEqual({
        CALL_NIK: 'closed',
        CALL_VERIFY_BY_ELEMEN: 'closed',
      });
    });
  },
);
