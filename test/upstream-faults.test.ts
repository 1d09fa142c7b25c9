/**
 * Upstream faults end to end: the simulator misbehaves in each way a real Dukcapil or the proxy in
 * front of it does, and the gateway (real TLS, real client, real audit) answers each with its
 * mapped code, records it, and never passes upstream text to the client. Then the breaker opens
 * on a run of faults, stops calling upstream, and recovers.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canaryLookup,
  LOOKUP_HEADERS,
  startTestInstance,
  type TestInstance,
} from './helpers/instance.ts';
import { probeUntil } from './helpers/until.ts';

/** Words of upstream answers that must never reach a client. */
const UPSTREAM_TEXT =
  /Bad Gateway|Service Unavailable|Kuota|habis|Login|Gagal|Tidak|Disimulasikan|IP /i;

interface Outcome {
  status: number;
  code: string;
  audited: string;
}

let instance: TestInstance;

async function lookup(target: TestInstance): Promise<Outcome> {
  return outcomeOf(
    target,
    await target.call(target.identity('app-pendaftaran'), '/v1/nik/lookup', {
      json: canaryLookup(),
      headers: LOOKUP_HEADERS,
    }),
  );
}

async function verify(target: TestInstance): Promise<Outcome> {
  return outcomeOf(
    target,
    await target.call(target.identity('app-pendaftaran'), '/v1/nik/verify', {
      json: { ...canaryLookup(), claims: { nama_lengkap: 'SITI KENARI RAHAYU' } },
      headers: LOOKUP_HEADERS,
    }),
  );
}

/** The answer's status and code, and the error code its audit record holds. */
function outcomeOf(
  target: TestInstance,
  response: Awaited<ReturnType<TestInstance['call']>>,
): Outcome {
  expect(response.text).not.toMatch(UPSTREAM_TEXT);
  const code =
    response.status === 200 ? 'ok' : (response.json() as { error: { code: string } }).error.code;
  const db = new Database(join(target.dir, 'audit.db'), { readonly: true });
  const row = db
    .prepare(
      "SELECT outcome, json_extract(body, '$.errorCode') AS code FROM audit_records WHERE request_id = ?",
    )
    .get(String(response.headers['x-request-id'])) as
    { outcome: string; code: string | null } | undefined;
  db.close();
  return { status: response.status, code, audited: row ? (row.code ?? row.outcome) : 'missing' };
}

async function simCalls(target: TestInstance): Promise<number> {
  const response = await request(`${target.simulator.url}/__sim/state`);
  const state = (await response.body.json()) as { counters: { calls: Record<string, number> } };
  return Object.values(state.counters.calls).reduce((sum, n) => sum + n, 0);
}

async function reset(target: TestInstance): Promise<void> {
  await request(`${target.simulator.url}/__sim/reset`, { method: 'POST' }).then((r) =>
    r.body.dump(),
  );
}

describe('upstream faults, each mapped to its code', () => {
  beforeAll(async () => {
    // A breaker that never opens here, so that each fault is seen on its own; a short deadline.
    instance = await startTestInstance((config) => ({
      ...config,
      upstream: {
        ...config.upstream,
        requestTimeoutMs: 400,
        headersTimeoutMs: 400,
        bodyTimeoutMs: 400,
        breaker: { failureThreshold: 1000, openMs: 1000 },
      },
    }));
  });
  afterAll(async () => {
    await instance.close();
  });

  const expectFault = async (
    settings: Record<string, number | string>,
    ask: (target: TestInstance) => Promise<Outcome>,
    status: number,
    code: string,
  ): Promise<void> => {
    await reset(instance);
    await instance.simulatorConfig(settings);
    const outcome = await ask(instance);
    expect(outcome, JSON.stringify(settings)).toEqual({ status, code, audited: code });
  };

  it.each([
    // 5xx is the host failing: an outage (docs/upstream.md, "Breakers").
    ['html_error', 503, 'upstream_unavailable'],
    ['http_503', 503, 'upstream_unavailable'],
    ['truncated', 502, 'upstream_error'],
    ['unexpected_shape', 502, 'upstream_error'],
    ['invalid_json', 502, 'upstream_error'],
    ['connection_reset', 503, 'upstream_unavailable'],
  ])('%s → %i %s, audited', async (fault, status, code) => {
    await expectFault({ fault }, lookup, status, code);
    await expectFault({ fault }, verify, status, code);
  });

  it('a response dropped after the work was done → 503 upstream_unavailable', async () => {
    await expectFault({ dropResponseRate: 1 }, lookup, 503, 'upstream_unavailable');
  });

  it('a slow upstream → 504 upstream_timeout', async () => {
    await expectFault({ latencyMs: 1000 }, lookup, 504, 'upstream_timeout');
    await expectFault({ latencyMs: 1000 }, verify, 504, 'upstream_timeout');
  });

  it('latency spikes time out only the calls they hit', async () => {
    await reset(instance);
    await instance.simulatorConfig({ spikeEvery: 3, spikeMs: 1000 });
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) outcomes.push((await lookup(instance)).code);
    expect(outcomes).toEqual(['ok', 'ok', 'upstream_timeout', 'ok', 'ok', 'upstream_timeout']);
  });

  // Every RESPON string of DOMAIN.md, as written and with the case and spacing varied.
  it.each([
    ['Data Tidak Ditemukan', 404, 'nik_not_found'],
    ['DATA TIDAK DITEMUKAN', 404, 'nik_not_found'],
    ['Login Gagal', 502, 'upstream_rejected'],
    ['login  gagal ', 502, 'upstream_rejected'],
    ['IP Address Tidak Sesuai', 502, 'upstream_rejected'],
    ['IP Client  Tidak terdaftar', 502, 'upstream_rejected'],
    ['ip client tidak terdaftar', 502, 'upstream_rejected'],
    ['Sistem Sedang Dalam Pemeliharaan', 502, 'upstream_error'],
  ])('RESPON "%s" → %i %s, audited', async (respon, status, code) => {
    await expectFault({ respon }, lookup, status, code);
  });

  // Every RESPONSE_CODE integrators use, and one nobody documented.
  it.each([
    ['03', 502, 'upstream_rejected'],
    ['04', 502, 'upstream_rejected'],
    ['10', 502, 'upstream_rejected'],
    ['16', 502, 'upstream_rejected'],
    ['17', 502, 'upstream_rejected'],
    ['11', 404, 'nik_not_found'],
    ['13', 404, 'nik_not_found'],
    ['14', 404, 'nik_not_found'],
    ['15', 404, 'nik_not_found'],
    ['08', 404, 'nik_not_found'],
    // More than one record for the NIK: never verified as one (PKS Pasal 2(2)a).
    ['12', 409, 'nik_ambiguous'],
    ['99', 502, 'upstream_error'],
  ])('RESPONSE_CODE %s → %i %s, audited', async (responseCode, status, code) => {
    await expectFault({ responseCode }, verify, status, code);
  });
});

describe("the agency's daily quota", () => {
  // Once Dukcapil says the quota is spent, the gateway stops asking for the day: one instance each.
  it.each([
    ['RESPON', { respon: 'Kuota Akses Hari ini telah Habis' }, lookup],
    ['RESPONSE_CODE', { responseCode: '05' }, verify],
  ] as const)(
    '%s → 429 upstream_quota_exhausted, and no further call that day',
    async (_, settings, ask) => {
      const fresh = await startTestInstance();
      try {
        await fresh.simulatorConfig(settings);
        const before = await simCalls(fresh);
        const exhausted = {
          status: 429,
          code: 'upstream_quota_exhausted',
          audited: 'upstream_quota_exhausted',
        };
        expect(await ask(fresh)).toEqual(exhausted);
        expect(await simCalls(fresh)).toBe(before + 1);
        expect(await ask(fresh)).toEqual(exhausted);
        expect(await simCalls(fresh)).toBe(before + 1);
      } finally {
        await fresh.close();
      }
    },
  );
});

describe('the circuit breaker', () => {
  let guarded: TestInstance;
  beforeAll(async () => {
    guarded = await startTestInstance((config) => ({
      ...config,
      upstream: { ...config.upstream, breaker: { failureThreshold: 3, openMs: 500 } },
    }));
  });
  afterAll(async () => {
    await guarded.close();
  });

  it('opens after a run of faults, stops calling upstream, and recovers when upstream does', async () => {
    await guarded.simulatorConfig({ fault: 'html_error' });
    for (let i = 0; i < 3; i++) expect((await lookup(guarded)).code).toBe('upstream_unavailable');
    const callsWhenOpened = await simCalls(guarded);
    const refused = await lookup(guarded);
    expect(refused).toEqual({
      status: 503,
      code: 'upstream_unavailable',
      audited: 'upstream_unavailable',
    });
    expect(await simCalls(guarded)).toBe(callsWhenOpened);

    await guarded.simulatorConfig({ fault: 'none' });
    // Refused without asking upstream (the count below says so) until openMs has passed; then
    // the first lookup is the probe.
    const probe = await probeUntil(
      () => lookup(guarded),
      (outcome) => outcome.code !== 'upstream_unavailable',
    );
    expect(probe.code).toBe('ok');
    expect((await lookup(guarded)).code).toBe('ok');
    expect(await simCalls(guarded)).toBe(callsWhenOpened + 2);
  });
});
