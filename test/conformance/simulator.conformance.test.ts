/**
 * The simulator against the hand-written conformance fixtures (dukcapil-fixtures.ts, written from
 * DOMAIN.md, "Dukcapil web service", not from the simulator): for each profile, a real simulator
 * server on 127.0.0.1 plays the fixtures' endpoint (consumer, region, credentials), and each
 * fixture is replayed twice:
 *
 * 1. raw: the fixture's own request (its path, its keys in their case, its date form) is POSTed
 *    with the values of a case the simulator can produce, and the answer must have the fixture's
 *    shape class (`answerShape`, the fixtures' reading of DOMAIN.md) — so a simulator that still
 *    answered verify with `RESPONSE_CODE "01"` or `"NIK": <number>` fails here;
 * 2. adapter: the real adapter (DukcapilHttpClient with the profile) asks the simulator for the
 *    same case and must reach the fixture's outcome: a record, the same verdict per element, or
 *    the same failure kind (and the reason, where the fixture names one).
 *
 * What is compared, precisely: the simulator's residents are synthetic, so values are never the
 * fixtures' values. A "record" outcome compares the set of elements (and address parts) and that
 * the record is the asked NIK's, with the values the simulator holds for it; "verdicts" compare
 * match/no-match per claimed element, the claims being made from the simulator's resident in the
 * way the fixture's case describes (all true; or a wrong name, place and address with the right
 * date; or a structured address with one wrong kelurahan). Cases the simulator has no way to
 * produce of its own are listed in NOT_REPLAYED with the reason, and the test checks that list
 * against the fixtures, so a new fixture needs a decision here. Cases it can only be told to
 * produce (`/__sim/config` `responseCode`) are marked FORCED: they check the answer's shape and
 * the adapter's reading of it, not the simulator's judgement.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DukcapilHttpClient,
  type DukcapilHttpOptions,
} from '../../adapters/dukcapil/http-client.ts';
import { UpstreamFailure } from '../../adapters/dukcapil/port.ts';
import {
  CENTRAL_PROFILE,
  REGIONAL_PROFILE,
  type UpstreamProfile,
} from '../../adapters/dukcapil/profile.ts';
import {
  AMBIGUOUS_NIKS,
  CANARY_NOT_FOUND_NIK,
  startSimulator,
  SyntheticPopulation,
  type RunningSimulator,
} from '../../adapters/dukcapil-sim/index.ts';
import { normaliseUpstreamRecord } from '../../policies/index.ts';
import {
  answerShape,
  FIXTURE_ACCOUNT,
  FIXTURE_NIK,
  fixturesFor,
  replayBody,
  type ConformanceFixture,
  type ExpectedOutcome,
  type FixtureProfile,
} from './dukcapil-fixtures.ts';

const PROFILES: Readonly<Record<FixtureProfile, UpstreamProfile>> = {
  central: CENTRAL_PROFILE,
  regional: REGIONAL_PROFILE,
};
const population = new SyntheticPopulation('gerbang-demo');
const firstAmbiguous = (kind: string): string =>
  Object.keys(AMBIGUOUS_NIKS).find((nik) => AMBIGUOUS_NIKS[nik] === kind) ?? '';

/** A resident of the simulator whose record carries NIK as a JSON number (DOMAIN.md's quirk). */
function residentWithNumericNik(): string {
  for (let serial = 1; serial < 500; serial++) {
    const nik = `64740145089${String(serial).padStart(5, '0')}`;
    if (typeof population.find(nik)?.['NIK'] === 'number') return nik;
  }
  throw new Error('no resident with a numeric NIK');
}

/** Claims made from the simulator's resident, in the canonical form the adapter takes. */
function residentClaims(nik: string) {
  const { record } = normaliseUpstreamRecord(population.find(nik) ?? {});
  const alamat = typeof record.alamat === 'object' ? record.alamat : {};
  return {
    all: {
      nama_lengkap: record.nama_lengkap ?? '',
      tanggal_lahir: record.tanggal_lahir ?? '',
      tempat_lahir: record.tempat_lahir ?? '',
      alamat: alamat.jalan ?? '',
    },
    mixed: {
      nama_lengkap: 'ZULKARNAEN WIBISONO PRAWIRONEGORO',
      tanggal_lahir: record.tanggal_lahir ?? '',
      tempat_lahir: 'MERAUKE',
      alamat: 'GANG BUNTU TANPA NAMA NOMOR 999',
    },
    structured: (kelurahan?: string) => ({
      alamat: {
        jalan: alamat.jalan ?? '',
        rt: alamat.rt ?? '',
        rw: alamat.rw ?? '',
        kelurahan: kelurahan ?? alamat.kelurahan ?? '',
        kecamatan: alamat.kecamatan ?? '',
        kabupaten_kota: alamat.kabupaten_kota ?? '',
        provinsi: alamat.provinsi ?? '',
      },
    }),
  };
}

type Claims = Readonly<Record<string, string | Readonly<Record<string, string>>>>;

/** How the simulator is brought to one fixture's case. */
interface Scenario {
  readonly nik: string;
  /** Verify: the claims (canonical), put into the fixture's request keys for the raw replay. */
  readonly claims?: Claims;
  readonly password?: string;
  readonly ipUser?: string;
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Shape and adapter reading only: the simulator was told to answer so. */
  readonly forced?: true;
}

/** Fixtures the simulator cannot produce of its own, and why. */
const NOT_REPLAYED: Readonly<Record<string, string>> = {
  'resident NIK inactive': 'no resident of the simulator is inactive',
  'institution inactive': 'the simulator has no inactive institution',
  'user inactive': 'the simulator has no inactive user',
  'unknown RESPON text': 'the simulator only says the RESPON texts of DOMAIN.md',
  'a record of another NIK': 'the simulator never answers for another NIK (an upstream bug)',
  'NIK "Tidak Sesuai"': 'the simulator answers an unknown NIK with code 13, not a NIK verdict',
  'a claimed element without a verdict': 'the simulator gives a verdict for every claim',
  'NIK carries the number instead of a verdict':
    'the old, wrong shape: the verdict replays check the simulator never sends it',
  'code 5': 'the simulator sends codes as two-digit text; a number cannot be set',
};

function scenarioFor(fixture: ConformanceFixture): Scenario | undefined {
  const claims = residentClaims(FIXTURE_NIK);
  const forced = (code: string): Scenario => ({
    nik: FIXTURE_NIK,
    claims: claims.all,
    settings: { responseCode: code },
    forced: true,
  });
  switch (fixture.name) {
    case 'found':
    case 'found, keys in lower case': // class only: its record keys are DOMAIN.md's upper case
      return { nik: FIXTURE_NIK };
    case 'found, NIK and NO_KK and NO_RT as numbers':
      return { nik: residentWithNumericNik() };
    case 'not found':
    case 'not found, odd case and spacing':
      return { nik: CANARY_NOT_FOUND_NIK, claims: claims.all };
    case 'login failed':
    case 'code 03':
      return { nik: FIXTURE_NIK, claims: claims.all, password: 'bukan-sandinya' };
    case 'IP not matching':
    case 'IP not registered, two spaces':
      return { nik: FIXTURE_NIK, ipUser: '10.99.99.99' };
    case 'daily quota':
    case 'daily quota, upper case':
    case 'code 05':
      return { nik: FIXTURE_NIK, claims: claims.all, settings: { dailyQuota: 0 } };
    case 'two records in content':
    case 'code 12':
      return { nik: firstAmbiguous('two_records'), claims: claims.all };
    case 'one record shown, totalElements 2':
      return { nik: firstAmbiguous('first_of_two_pages') };
    case 'an HTML page with HTTP 200':
      return { nik: FIXTURE_NIK, settings: { fault: 'invalid_json' } };
    case 'all match, no code, NIK "Sesuai", scored verdicts':
    case 'all match, answer keys in lower case': // class only: keys come back as sent
      return { nik: FIXTURE_NIK, claims: claims.all };
    case 'mixed verdicts, a Sesuai under the threshold':
      return { nik: FIXTURE_NIK, claims: claims.mixed };
    case 'code 13':
      return { nik: CANARY_NOT_FOUND_NIK, claims: claims.all };
    case 'code 08':
    case 'code 14':
    case 'code 16':
    case 'code 17':
    case 'code 42':
      return forced(fixture.name.slice(5));
    case 'structured address, every part matches':
      return { nik: FIXTURE_NIK, claims: claims.structured() };
    case 'structured address, the kelurahan does not match':
      return { nik: FIXTURE_NIK, claims: claims.structured('API-API') };
    default:
      return undefined;
  }
}

// --- the raw replay ------------------------------------------------------------------------

/** Upper-case wire key → the canonical claim it carries (the address's parts included). */
const WIRE_VALUE: Readonly<
  Record<string, (claims: Claims, form: 'DD-MM-YYYY' | 'YYYY-MM-DD') => string | undefined>
> = {
  NAMA_LGKP: (c) => text(c['nama_lengkap']),
  TMPT_LHR: (c) => text(c['tempat_lahir']),
  TGL_LHR: (c, form) => {
    const iso = text(c['tanggal_lahir']);
    return iso === undefined || form === 'YYYY-MM-DD' ? iso : iso.split('-').reverse().join('-');
  },
  ALAMAT: (c) => (typeof c['alamat'] === 'string' ? c['alamat'] : part(c, 'jalan')),
  PROP_NAME: (c) => part(c, 'provinsi'),
  KAB_NAME: (c) => part(c, 'kabupaten_kota'),
  KEC_NAME: (c) => part(c, 'kecamatan'),
  KEL_NAME: (c) => part(c, 'kelurahan'),
  NO_RT: (c) => part(c, 'rt'),
  NO_RW: (c) => part(c, 'rw'),
};
function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
function part(claims: Claims, name: string): string | undefined {
  const alamat = claims['alamat'];
  return typeof alamat === 'object' ? alamat[name] : undefined;
}

/** The fixture's request body with the scenario's values, keys kept exactly as the fixture has them. */
function rawBody(fixture: ConformanceFixture, scenario: Scenario, profile: UpstreamProfile) {
  const body: Record<string, string> = { ...replayBody(fixture, scenario.nik) };
  for (const key of Object.keys(body)) {
    const upper = key.toUpperCase();
    if (upper === 'PASSWORD' && scenario.password !== undefined) body[key] = scenario.password;
    if (upper === 'IP_USER' && scenario.ipUser !== undefined) body[key] = scenario.ipUser;
    const value =
      scenario.claims === undefined
        ? undefined
        : WIRE_VALUE[upper]?.(scenario.claims, profile.dateFormat);
    if (value !== undefined) body[key] = value;
  }
  return body;
}

// --- the adapter ---------------------------------------------------------------------------

function adapterFor(
  simulator: RunningSimulator,
  profileName: FixtureProfile,
  scenario: Scenario,
): DukcapilHttpClient {
  const account = FIXTURE_ACCOUNT[profileName];
  // Built as a value, not a literal: the profile fields are the adapter's (helper A's) to name.
  const options = {
    baseUrl: simulator.url,
    profile: PROFILES[profileName],
    consumer: account.consumer,
    region: account.region,
    userId: FIXTURE_ACCOUNT.userId,
    password: scenario.password ?? FIXTURE_ACCOUNT.password,
    ipUser: scenario.ipUser ?? FIXTURE_ACCOUNT.ipUser,
    connectTimeoutMs: 1_000,
    headersTimeoutMs: 2_000,
    bodyTimeoutMs: 2_000,
    requestTimeoutMs: 3_000,
    maxConnections: 4,
    maxQueued: 4,
    maxResponseBytes: 65_536,
    breaker: { failureThreshold: 1_000, openMs: 1_000 },
  };
  return new DukcapilHttpClient(options satisfies DukcapilHttpOptions);
}

type Reached =
  | { kind: 'record'; record: Record<string, unknown> }
  | { kind: 'verdicts'; verdicts: Record<string, boolean> }
  | { kind: 'failure'; failure: string; reason: string };

async function reach(
  fixture: ConformanceFixture,
  client: DukcapilHttpClient,
  scenario: Scenario,
): Promise<Reached> {
  try {
    if (fixture.method === 'CALL_NIK') {
      const { record } = await client.lookupByNik(scenario.nik);
      return { kind: 'record', record: { ...record } };
    }
    const { verdicts } = await client.verifyByElements(
      scenario.nik,
      scenario.claims ?? {},
      FIXTURE_ACCOUNT.threshold,
    );
    return {
      kind: 'verdicts',
      verdicts: Object.fromEntries(
        Object.entries(verdicts).map(([element, verdict]) => [element, verdict.match]),
      ),
    };
  } catch (error) {
    if (!(error instanceof UpstreamFailure)) throw error;
    return { kind: 'failure', failure: error.kind, reason: error.reason };
  }
}

function expectOutcome(reached: Reached, expected: ExpectedOutcome, nik: string): void {
  if (expected.kind === 'failure') {
    expect(reached).toMatchObject({
      kind: 'failure',
      failure: expected.failure,
      ...(expected.reason === undefined ? {} : { reason: expected.reason }),
    });
    return;
  }
  if (expected.kind === 'verdicts') {
    expect(reached).toEqual({ kind: 'verdicts', verdicts: expected.verdicts });
    return;
  }
  // A record: the asked NIK's, the same elements and address parts, the simulator's own values.
  expect(reached.kind).toBe('record');
  if (reached.kind !== 'record') return;
  const expectedAlamat = expected.elements['alamat'];
  const gotAlamat = reached.record['alamat'];
  expect(Object.keys(reached.record).sort()).toEqual(Object.keys(expected.elements).sort());
  expect(Object.keys(gotAlamat ?? {}).sort()).toEqual(Object.keys(expectedAlamat ?? {}).sort());
  expect(reached.record['nik']).toBe(nik);
  expect(reached.record).toEqual({ ...normaliseUpstreamRecord(population.find(nik) ?? {}).record });
}

// --- the suites ----------------------------------------------------------------------------

describe.each(['central', 'regional'] as const)('the simulator as a %s endpoint', (profileName) => {
  const profile = PROFILES[profileName];
  const account = FIXTURE_ACCOUNT[profileName];
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator({
      port: 0,
      profile,
      ...(account.region === undefined ? {} : { region: account.region }),
      consumer: account.consumer,
      userId: FIXTURE_ACCOUNT.userId,
      password: FIXTURE_ACCOUNT.password,
      allowedIps: [FIXTURE_ACCOUNT.ipUser],
    });
  });
  afterAll(async () => {
    await simulator.close();
  });

  const simPost = async (path: string, body: unknown) => {
    const response = await request(`${simulator.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.statusCode, text: await response.body.text() };
  };
  const simState = async () => JSON.parse((await simPost('/__sim/reset', {})).text) as unknown;
  const configure = async (settings: Readonly<Record<string, unknown>>) => {
    const { status, text } = await simPost('/__sim/config', settings);
    expect(status, text).toBe(200);
  };

  const fixtures = fixturesFor(profileName);

  it('has a scenario or a stated reason for every fixture of the profile', () => {
    const unplanned = fixtures
      .filter((f) => scenarioFor(f) === undefined && NOT_REPLAYED[f.name] === undefined)
      .map((f) => f.name);
    expect(unplanned).toEqual([]);
    const planned = fixtures.filter((f) => scenarioFor(f) !== undefined);
    expect(planned.length).toBeGreaterThanOrEqual(20);
    // A fixture both replayed and excused would hide which is true.
    expect(planned.filter((f) => NOT_REPLAYED[f.name] !== undefined).map((f) => f.name)).toEqual(
      [],
    );
  });

  it.each(fixtures.filter((f) => scenarioFor(f) !== undefined).map((f) => [f.name, f] as const))(
    '%s: the raw request gets the fixture’s shape, the adapter the fixture’s outcome',
    async (_name, fixture) => {
      const scenario = scenarioFor(fixture);
      if (scenario === undefined) throw new Error('no scenario');
      await simState(); // reset: defaults, counters
      if (scenario.settings !== undefined) await configure(scenario.settings);

      // 1. The fixture's own request, with the scenario's values.
      const raw = await simPost(fixture.request.path, rawBody(fixture, scenario, profile));
      expect(raw.status, 'DOMAIN.md: answers are HTTP 200 even for errors').toBe(200);
      expect(answerShape(raw.text), raw.text).toBe(fixture.shape);
      if (fixture.shape === 'verdicts') {
        // DOMAIN.md: no RESPONSE_CODE on success, a verdict under every claimed key, NIK included.
        const first = (JSON.parse(raw.text) as { content: Record<string, unknown>[] }).content[0];
        expect(first).not.toHaveProperty('RESPONSE_CODE');
        const sent = Object.keys(fixture.request.body).filter(
          (key) => !['USER_ID', 'PASSWORD', 'IP_USER', 'TRESHOLD'].includes(key.toUpperCase()),
        );
        expect(Object.keys(first ?? {}).sort()).toEqual(sent.sort());
        for (const value of Object.values(first ?? {}))
          expect(value).toMatch(/^(Tidak )?Sesuai( \(\d{1,3}\))?$/);
      }

      // 2. The real adapter, speaking the profile, for the same case.
      await simState();
      if (scenario.settings !== undefined) await configure(scenario.settings);
      const client = adapterFor(simulator, profileName, scenario);
      try {
        expectOutcome(await reach(fixture, client, scenario), fixture.outcome, scenario.nik);
      } finally {
        await client.close();
      }
      // Neither the fixture's path nor the adapter's missed the profile's routes.
      const state = JSON.parse(
        await request(`${simulator.url}/__sim/state`).then((r) => r.body.text()),
      ) as { counters: { calls: Record<string, number> } };
      expect(state.counters.calls['UNROUTED'] ?? 0).toBe(0);
    },
  );
});
