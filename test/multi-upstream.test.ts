/**
 * Several upstreams at once (issue 20, item 5): two agreements, each bound to its own clients and
 * its own upstream, over two real simulators and the real HTTP Dukcapil clients. Each client's
 * lookups reach its agreement's upstream only; one upstream's open breaker leaves the other's
 * lookups working; the audit record names the agreement and the upstream that governed it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { DukcapilHttpClient } from '../adapters/dukcapil/index.ts';
import {
  CENTRAL_PROFILE,
  REGIONAL_PROFILE,
  type UpstreamProfile,
} from '../adapters/dukcapil/index.ts';
import { startSimulator, type RunningSimulator } from '../adapters/dukcapil-sim/index.ts';
import { checkConfigDocument, type GerbangConfig } from '../gateway/config/index.ts';
import { DEMO_AGREEMENT, DEMO_UPSTREAM, demoConfig } from '../gateway/config/demo.ts';
import { buildTestApp, lookupBody } from './helpers/in-process-app.ts';

const PASSWORD = 'rahasia-uji';
const CITY_AGREEMENT = '470/118/DISDUKCAPIL-BTG/2026';
const sims: RunningSimulator[] = [];
const clients: DukcapilHttpClient[] = [];

async function simulator(profile: UpstreamProfile): Promise<RunningSimulator> {
  const sim = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    consumer: DEMO_UPSTREAM.consumer,
    userId: DEMO_UPSTREAM.userId,
    password: PASSWORD,
    allowedIps: [DEMO_UPSTREAM.ipUser],
    profile,
  });
  sims.push(sim);
  return sim;
}

/** Data calls the simulator answered, by method (`/__sim/state`'s counters). */
async function calls(sim: RunningSimulator): Promise<number> {
  const response = await request(`${sim.url}/__sim/state`);
  const state = (await response.body.json()) as { counters: { calls: Record<string, number> } };
  return Object.entries(state.counters.calls)
    .filter(([method]) => method !== 'UNROUTED' && method !== 'DATA_BALIKAN')
    .reduce((sum, [, n]) => sum + n, 0);
}

async function simConfig(sim: RunningSimulator, settings: Record<string, unknown>): Promise<void> {
  const response = await request(`${sim.url}/__sim/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(settings),
  });
  await response.body.dump();
}

/** The demo's configuration with a `regional` upstream and a city agreement for app-kasir. */
function twoUpstreamConfig(central: string, regional: string): GerbangConfig {
  const config = structuredClone(demoConfig(0, 0, DEMO_AGREEMENT.signedOn));
  const [national] = config.agreements;
  if (national === undefined) throw new Error('demo has no agreement');
  config.upstream = { ...config.upstream, baseUrl: central };
  config.upstreams = {
    regional: {
      ...config.upstream,
      baseUrl: regional,
      profile: 'regional',
      region: '64-74',
      breaker: { failureThreshold: 2, openMs: 60_000 },
    },
  };
  config.upstream.breaker = { failureThreshold: 2, openMs: 60_000 };
  config.agreements = [
    { ...national, clients: ['app-pendaftaran'] },
    { ...national, number: CITY_AGREEMENT, upstream: 'regional', clients: ['app-kasir'] },
  ];
  return config;
}

function httpClient(config: GerbangConfig['upstream'], profile: UpstreamProfile) {
  const client = new DukcapilHttpClient({ ...config, profile, password: PASSWORD });
  clients.push(client);
  return client;
}

let central: RunningSimulator;
let regional: RunningSimulator;
let config: GerbangConfig;

beforeAll(async () => {
  central = await simulator(CENTRAL_PROFILE);
  regional = await simulator(REGIONAL_PROFILE);
  config = twoUpstreamConfig(central.url, regional.url);
});
afterAll(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

async function gateway() {
  const regionalSettings = config.upstreams?.['regional'];
  if (regionalSettings === undefined) throw new Error('no regional upstream');
  const centralClient = httpClient(config.upstream, CENTRAL_PROFILE);
  const regionalClient = httpClient(regionalSettings, REGIONAL_PROFILE);
  return buildTestApp({
    config,
    upstream: centralClient,
    upstreams: new Map([
      ['default', centralClient],
      ['regional', regionalClient],
    ]),
  });
}

const kasirLookup = () => lookupBody({ purpose: 'pembayaran', fields: ['nik', 'nama_lengkap'] });

describe('several upstreams', () => {
  it('accepts two upstreams and refuses an agreement naming an unknown one, naming both', () => {
    expect(checkConfigDocument(structuredClone(config)).ok).toBe(true);
    const wrong = structuredClone(config);
    const city = wrong.agreements[1];
    if (city === undefined) throw new Error('no city agreement');
    city.upstream = 'provinsi';
    const checked = checkConfigDocument(wrong);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.problems.join('\n')).toContain(
      `/agreements/1/upstream: agreement ${CITY_AGREEMENT} names upstream provinsi`,
    );
  });

  it('refuses an upstream named default beside upstream, and a bad name', () => {
    const twice = structuredClone(config) as unknown as { upstreams: Record<string, unknown> };
    twice.upstreams['default'] = twice.upstreams['regional'];
    const checked = checkConfigDocument(twice);
    expect(checked.ok).toBe(false);
    const badName = structuredClone(config) as unknown as { upstreams: Record<string, unknown> };
    badName.upstreams['../x'] = badName.upstreams['regional'];
    expect(checkConfigDocument(badName).ok).toBe(false);
  });

  it("sends each client's lookups to its agreement's upstream only, and audits which", async () => {
    const app = await gateway();
    const [centralBefore, regionalBefore] = [await calls(central), await calls(regional)];
    const a = await app.request('app-pendaftaran', '/v1/nik/lookup', {
      method: 'POST',
      json: lookupBody(),
    });
    expect([200, 404]).toContain(a.status);
    expect(await calls(central)).toBe(centralBefore + 1);
    expect(await calls(regional)).toBe(regionalBefore);

    const b = await app.request('app-kasir', '/v1/nik/lookup', {
      method: 'POST',
      json: kasirLookup(),
    });
    expect([200, 404]).toContain(b.status);
    expect(await calls(central)).toBe(centralBefore + 1);
    expect(await calls(regional)).toBe(regionalBefore + 1);

    const lookups = app.audit.events.filter((record) => record.type === 'lookup');
    expect(lookups.map((record) => [record.principal?.id, record.detail?.['agreement']])).toEqual([
      ['app-pendaftaran', DEMO_AGREEMENT.number],
      ['app-kasir', CITY_AGREEMENT],
    ]);
    expect(lookups.map((record) => record.detail?.['upstream'])).toEqual(['default', 'regional']);
    // The name of the upstream only: never its address or its account.
    const trail = JSON.stringify(app.audit.events);
    expect(trail).not.toContain(regional.url);
    expect(trail).not.toContain(PASSWORD);
  });

  it("leaves the other upstream's lookups working while one breaker is open", async () => {
    const app = await gateway();
    await simConfig(central, { fault: 'http_503' });
    try {
      for (let i = 0; i < 2; i++) {
        const failed = await app.request('app-pendaftaran', '/v1/nik/lookup', {
          method: 'POST',
          json: lookupBody(),
        });
        expect(failed.status).toBe(503);
      }
      const ready = await app.request('officer-1', '/readyz');
      const checks = ((await ready.json()) as { checks: Record<string, unknown> }).checks;
      expect(checks['upstreamBreaker']).toBe('open');
      expect(checks['upstreamBreakers']).toEqual({ default: 'open', regional: 'closed' });

      const centralBefore = await calls(central);
      const refused = await app.request('app-pendaftaran', '/v1/nik/lookup', {
        method: 'POST',
        json: lookupBody(),
      });
      expect(refused.status).toBe(503);
      expect(await calls(central)).toBe(centralBefore); // the open breaker asked no one

      const regionalBefore = await calls(regional);
      const served = await app.request('app-kasir', '/v1/nik/lookup', {
        method: 'POST',
        json: kasirLookup(),
      });
      expect([200, 404]).toContain(served.status);
      expect(await calls(regional)).toBe(regionalBefore + 1);
    } finally {
      await simConfig(central, { fault: 'none' });
    }
  });
});
