/**
 * The real Dukcapil client against the real simulator over real sockets: wire format, RESPON
 * mapping, quota, injected faults, timeouts, the circuit breaker and the concurrency cap.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import {
  DukcapilHttpClient,
  noopUpstreamObserver,
  UpstreamFailure,
  type DukcapilHttpOptions,
} from '../adapters/dukcapil/index.ts';
import { startSimulator, type RunningSimulator } from '../adapters/dukcapil-sim/index.ts';

const CREDENTIALS = {
  consumer: 'BAPENDA_TEST',
  userId: 'bapenda',
  password: 'rahasia',
  ipUser: '10.0.0.5',
};
let simulator: RunningSimulator;
const clients: DukcapilHttpClient[] = [];

beforeAll(async () => {
  simulator = await startSimulator({
    port: 0,
    consumer: CREDENTIALS.consumer,
    userId: CREDENTIALS.userId,
    password: CREDENTIALS.password,
    allowedIps: [CREDENTIALS.ipUser],
  });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await request(`${simulator.url}/__sim/reset`, { method: 'POST' }).then((r) => r.body.dump());
});
afterAll(async () => {
  await simulator.close();
});

function client(overrides: Partial<DukcapilHttpOptions> = {}): DukcapilHttpClient {
  const created = new DukcapilHttpClient({
    baseUrl: simulator.url,
    ...CREDENTIALS,
    connectTimeoutMs: 1000,
    headersTimeoutMs: 2000,
    bodyTimeoutMs: 2000,
    requestTimeoutMs: 3000,
    maxConnections: 8,
    maxQueued: 8,
    maxResponseBytes: 65_536,
    breaker: { failureThreshold: 3, openMs: 200 },
    ...overrides,
  });
  clients.push(created);
  return created;
}

async function simConfig(settings: Record<string, number | string>): Promise<void> {
  const response = await request(`${simulator.url}/__sim/config`, {
    method: 'POST',
    body: JSON.stringify(settings),
    headers: { 'content-type': 'application/json' },
  });
  expect(response.statusCode).toBe(200);
  await response.body.dump();
}

interface SimCounters {
  calls: Record<string, number>;
  quotaUsed: number;
  busiestSecond: number;
  overRateQuota: number;
}

async function simState(): Promise<{ counters: SimCounters }> {
  const response = await request(`${simulator.url}/__sim/state`);
  return (await response.body.json()) as { counters: SimCounters };
}

/** Runs `use` against a stand-in upstream that answers every request with `body`. */
async function withUpstreamAnswering<T>(
  body: unknown,
  use: (baseUrl: string) => Promise<T>,
  seen: { path?: string; body?: string } = {},
): Promise<T> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.path = req.url ?? '';
      seen.body = Buffer.concat(chunks).toString('utf8');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  }
}

async function failureOf(promise: Promise<unknown>): Promise<UpstreamFailure> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(UpstreamFailure);
    return error as UpstreamFailure;
  }
  throw new Error('expected an UpstreamFailure');
}

describe('DukcapilHttpClient against the simulator', () => {
  it('looks up the canary and returns only the nine elements', async () => {
    const { record, upstreamStatus } = await client().lookupByNik('3316010101850002');
    expect(upstreamStatus).toBe(200);
    expect(record).toMatchObject({
      nik: '3316010101850002',
      nama_lengkap: 'BUDI MERPATI SANTOSO',
      status_perkawinan: 'CERAI HIDUP',
      alamat: { rt: '001', rw: '004' },
    });
    expect(JSON.stringify(record)).not.toMatch(/KRISTEN|SRI MERPATI|DIPLOMA|KEPALA KELUARGA/);
  });

  it('maps "Data Tidak Ditemukan" to not_found', async () => {
    expect((await failureOf(client().lookupByNik('6474010101010009'))).kind).toBe('not_found');
  });

  it.each([
    ['a wrong password', { password: 'salah' }],
    ['an unregistered IP', { ipUser: '10.9.9.9' }],
    ['an unknown consumer', { consumer: 'LAIN' }],
  ])('maps %s to rejected', async (_name, overrides) => {
    expect((await failureOf(client(overrides).lookupByNik('6474015709900001'))).kind).toBe(
      'rejected',
    );
  });

  it('maps the daily quota to quota, without opening the breaker', async () => {
    await simConfig({ dailyQuota: 1 });
    const upstream = client();
    await upstream.lookupByNik('6474015709900001');
    for (let i = 0; i < 4; i++)
      expect((await failureOf(upstream.lookupByNik('6474015709900001'))).kind).toBe('quota');
    expect(upstream.health().breaker).toBe('closed');
  });

  it('maps injected 5xx to unavailable, and the breaker opens then recovers', async () => {
    await simConfig({ fault: 'http_503' });
    // The breaker's own clock, stepped past openMs rather than waited for.
    const clock = { now: 0 };
    const upstream = client({
      breaker: { failureThreshold: 3, openMs: 200, now: () => clock.now },
    });
    for (let i = 0; i < 3; i++)
      expect((await failureOf(upstream.lookupByNik('6474015709900001'))).kind).toBe('unavailable');
    expect(upstream.health().breaker).toBe('open');
    const callsBefore = (await simState()).counters.calls['CALL_NIK'];
    const fast = await failureOf(upstream.lookupByNik('6474015709900001'));
    expect([fast.kind, fast.reason]).toEqual(['unavailable', 'circuit breaker open']);
    expect((await simState()).counters.calls['CALL_NIK']).toBe(callsBefore);
    await simConfig({ fault: 'none' });
    clock.now += 200;
    expect(upstream.health().breaker).toBe('half_open');
    await upstream.lookupByNik('6474015709900001');
    expect(upstream.health().breaker).toBe('closed');
  });

  it.each(['truncated', 'unexpected_shape', 'invalid_json'])(
    'maps injected %s to malformed, counted apart and opening no breaker',
    async (fault) => {
      await simConfig({ fault });
      const malformed: string[] = [];
      const upstream = client({
        breaker: { failureThreshold: 3, openMs: 60_000 },
        observer: {
          onCall: () => undefined,
          onMalformed: (method) => malformed.push(method),
          onDroppedKeys: () => undefined,
          onUnparseableValues: () => undefined,
        },
      });
      for (let i = 0; i < 5; i++)
        expect((await failureOf(upstream.lookupByNik('6474015709900001'))).kind).toBe('malformed');
      expect(malformed).toEqual(Array(5).fill('CALL_NIK'));
      expect(upstream.health().breaker).toBe('closed');
    },
  );

  it('maps a response dropped after the work was done to unavailable, without retrying', async () => {
    await simConfig({ dropResponseRate: 1 });
    expect((await failureOf(client().lookupByNik('6474015709900001'))).kind).toBe('unavailable');
    expect((await simState()).counters.quotaUsed).toBe(1);
  });

  it('maps a slow upstream to timeout', async () => {
    await simConfig({ latencyMs: 800 });
    expect(
      (await failureOf(client({ requestTimeoutMs: 300 }).lookupByNik('6474015709900001'))).kind,
    ).toBe('timeout');
  });

  it('maps a refused connection to unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) =>
      closed.close(() => {
        resolve();
      }),
    );
    const failure = await failureOf(
      client({ baseUrl: `http://127.0.0.1:${port}` }).lookupByNik('6474015709900001'),
    );
    expect(failure.kind).toBe('unavailable');
    expect(failure.reason).toContain('ECONNREFUSED');
  });

  it('refuses an answer larger than the limit', async () => {
    const body = { content: [{ NIK: '6474015709900001', PAD: 'x'.repeat(100_000) }] };
    const failure = await withUpstreamAnswering(body, (baseUrl) =>
      failureOf(client({ baseUrl }).lookupByNik('6474015709900001')),
    );
    expect([failure.kind, failure.reason]).toEqual(['malformed', 'response larger than the limit']);
  });

  it('refuses a record for another NIK than the one asked for', async () => {
    const body = { content: [{ NIK: '3316010101850002', NAMA_LGKP: 'BUDI' }] };
    const failure = await withUpstreamAnswering(body, (baseUrl) =>
      failureOf(client({ baseUrl }).lookupByNik('6474015709900001')),
    );
    expect([failure.kind, failure.reason]).toEqual([
      'malformed',
      'record NIK differs from the request',
    ]);
  });

  it('fails fast beyond its concurrency cap', async () => {
    await simConfig({ latencyMs: 200 });
    const upstream = client({ maxConnections: 1, maxQueued: 1 });
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map(() => upstream.lookupByNik('6474015709900001')),
    );
    const refused = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r.reason as UpstreamFailure).reason);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(refused).toEqual([
      'upstream concurrency cap reached',
      'upstream concurrency cap reached',
    ]);
  });
});

describe('CALL_VERIFY_BY_ELEMEN against the simulator', () => {
  const SITI = '6474015709900001';

  it('answers match or not for the claims, and drops the scores Dukcapil sends', async () => {
    const { verdicts, upstreamStatus } = await client().verifyByElements(
      SITI,
      {
        nama_lengkap: 'Siti Kenary Rahayu',
        tanggal_lahir: '17-09-1990',
        jenis_kelamin: 'LAKI-LAKI',
        alamat: 'Jalan Kenari No 7',
      },
      85,
    );
    expect(upstreamStatus).toBe(200);
    expect(verdicts.tanggal_lahir).toEqual({ match: true });
    expect(verdicts.jenis_kelamin).toEqual({ match: false });
    // The simulator answers `Sesuai (9x)` for the name: the score stops at the adapter.
    expect(verdicts.nama_lengkap).toEqual({ match: true });
    expect(verdicts.alamat).toEqual({ match: true });
    expect(Object.keys(verdicts).sort()).toEqual([
      'alamat',
      'jenis_kelamin',
      'nama_lengkap',
      'tanggal_lahir',
    ]);
    expect((await simState()).counters.calls['CALL_VERIFY_BY_ELEMEN']).toBe(1);
  });

  it('sends the threshold as TRESHOLD, and the simulator applies it', async () => {
    const claims = { nama_lengkap: 'Siti Kenary Rahayu' };
    const lenient = await client().verifyByElements(SITI, claims, 50);
    const strict = await client().verifyByElements(SITI, claims, 99);
    expect(lenient.verdicts.nama_lengkap).toEqual({ match: true });
    expect(strict.verdicts.nama_lengkap).toEqual({ match: false });
  });

  it('speaks the wire format: upper-case keys, TRESHOLD as a string, dates in the central form', async () => {
    const seen: { path?: string; body?: string } = {};
    // DOMAIN.md: a verify success carries no RESPONSE_CODE, and a verdict under NIK.
    const answer = { content: [{ NIK: 'Sesuai', TGL_LHR: 'Sesuai' }] };
    await withUpstreamAnswering(
      answer,
      (baseUrl) => client({ baseUrl }).verifyByElements(SITI, { tanggal_lahir: '17-09-1990' }, 90),
      seen,
    );
    expect(seen.path).toBe(`/dukcapil/get_json/${CREDENTIALS.consumer}/CALL_VERIFY_BY_ELEMEN`);
    expect(JSON.parse(seen.body ?? '')).toEqual({
      USER_ID: CREDENTIALS.userId,
      PASSWORD: CREDENTIALS.password,
      IP_USER: CREDENTIALS.ipUser,
      TRESHOLD: '90',
      NIK: SITI,
      // The central profile's dateFormat, DD-MM-YYYY (adapters/dukcapil/profile.ts).
      TGL_LHR: '17-09-1990',
    });
  });

  it.each([
    ['an unknown NIK', {}, '6474010101010009', 'not_found'],
    ['a wrong password', { password: 'salah' }, SITI, 'rejected'],
    ['an unregistered IP', { ipUser: '10.9.9.9' }, SITI, 'rejected'],
  ])('maps %s by its response code', async (_, overrides, nik, kind) => {
    const failure = await failureOf(
      client(overrides).verifyByElements(nik, { nama_lengkap: 'A' }, 85),
    );
    expect(failure.kind).toBe(kind);
  });

  it('maps the daily quota, shared with CALL_NIK', async () => {
    await simConfig({ dailyQuota: 1 });
    const upstream = client();
    await upstream.lookupByNik(SITI);
    const failure = await failureOf(upstream.verifyByElements(SITI, { nama_lengkap: 'A' }, 85));
    expect(failure.kind).toBe('quota');
  });
});

describe('the upstream rate quota', () => {
  // The simulator runs in this process, so its clock reads arrivals as late as this event loop
  // runs (counters.eventLoopDelayMs): on a loaded machine, tens of ms. A margin of 100 ms lets
  // that lateness pass; the exact guarantee (no window of a second and the margin over the rate,
  // the quota still used) is rate-pacer.test.ts's, on a fake clock. A client that does not pace
  // sends the 300 calls within a second and fails every try.
  it(
    'paces calls so that no second holds more than the quota, from cold connections too, and all get through',
    { retry: 2 },
    async () => {
      const leaveDelays: number[] = [];
      const upstream = client({
        ratePerSecond: 200,
        rateWindowMarginMs: 100,
        maxConnections: 64,
        maxQueued: 1000,
        maxRateWaitMs: 5_000,
        observer: { ...noopUpstreamObserver, onLeft: (ms) => leaveDelays.push(ms) },
      });
      await simConfig({ rateQuotaPerSecond: 200 });
      // No connection is open yet: the first 64 calls each open one and leave when it is up,
      // after their turn. The pacer counts a call from its leaving, so the pool needs no warming
      // first (until 2026-12-08 it counted from its grants, and this test warmed the pool). On an
      // idle loopback the delays are too short for this test to tell the two apart; that the
      // window holds at the leaving is rate-pacer.test.ts's (requests leaving up to 200 ms late)
      // and sent-pool.test.ts's (the notice), and the bench measures it at the socket.
      const results = await Promise.allSettled(
        Array.from({ length: 300 }, () => upstream.lookupByNik('6474015709900001')),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(300);
      const { counters } = await simState();
      expect(counters.calls['CALL_NIK']).toBe(300);
      expect(counters.busiestSecond).toBeLessThanOrEqual(200);
      expect(counters.overRateQuota).toBe(0);
      // Each paced call's leaving was seen once, after its turn.
      expect(leaveDelays).toHaveLength(300);
      expect(Math.min(...leaveDelays)).toBeGreaterThanOrEqual(0);
    },
  );

  it('fails fast with the breaker open without waiting for, or spending, a turn of the quota', async () => {
    // One call every 2 s: a refusal that waited for its turn would take seconds.
    const upstream = client({
      ratePerSecond: 0.5,
      maxRateWaitMs: 10_000,
      breaker: { failureThreshold: 1, openMs: 60_000 },
    });
    await simConfig({ fault: 'http_503' });
    expect((await failureOf(upstream.lookupByNik('6474015709900001'))).kind).toBe('unavailable');
    expect(upstream.health().breaker).toBe('open');
    const asked = performance.now();
    const failures = await Promise.all(
      Array.from({ length: 3 }, () => failureOf(upstream.lookupByNik('6474015709900001'))),
    );
    expect(failures.map((f) => f.reason)).toEqual(Array(3).fill('circuit breaker open'));
    expect(performance.now() - asked).toBeLessThan(1_000);
    expect((await simState()).counters.calls['CALL_NIK']).toBe(1);
  });

  it('refuses a call whose turn is further away than the wait allowed, without asking', async () => {
    const upstream = client({ ratePerSecond: 10, maxQueued: 100, maxRateWaitMs: 250 });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => upstream.lookupByNik('6474015709900001')),
    );
    const refused = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r.reason as UpstreamFailure).reason);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(new Set(refused)).toEqual(new Set(['upstream rate quota: too many calls waiting']));
    expect((await simState()).counters.calls['CALL_NIK']).toBe(3);
    expect(upstream.health().breaker).toBe('closed');
  });
});
