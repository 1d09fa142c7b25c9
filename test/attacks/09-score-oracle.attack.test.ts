/**
 * Attack 09 (issue 19, finding 9): verification as an oracle. The cashier app `app-kasir` may
 * only check a name it already holds, yet with a score and a threshold of its choosing it rebuilt
 * a resident's full name letter by letter, rotating `X-Operator-Id` so that no operator rule
 * fired, and the trail said "nothing released".
 *
 * Here the attack runs against a real gateway over real TLS, with the simulator as Dukcapil
 * (CALL_VERIFY_BY_ELEMEN, as the demo agreement grants): the app tries to rebuild the canary
 * SITI KENARI RAHAYU one letter at a time, a fresh operator id on every request. The defence gets:
 * no score in any answer, a `threshold` field refused, the agreement's threshold applied at
 * Dukcapil, the per-resident daily limit stopping the search after five attempts with a coded
 * 429 and without asking Dukcapil, an alert for the officer, and audit records that carry the
 * claimed element names and the attempt count but no claimed value.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestInstance, type TestInstance } from '../helpers/instance.ts';
import { eventually } from '../helpers/until.ts';

const SITI = '6474015709900001';
const BUDI = '3316010101850002';
const LIMIT = 5;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ '.split('');
/** A claim the attacker sends; no file the gateway writes may ever hold it. */
const MARKED_CLAIM = 'SITI KENARI RAHAYQ';

let instance: TestInstance;

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly text: string;
  readonly retryAfter: string | undefined;
}

async function verifyAs(
  client: 'app-kasir' | 'app-pendaftaran',
  operator: string,
  body: Record<string, unknown>,
): Promise<Answer> {
  const response = await instance.call(instance.identity(client), '/v1/nik/verify', {
    json: {
      nik: SITI,
      purpose: client === 'app-kasir' ? 'pembayaran' : 'pendaftaran-wp',
      reference: 'KASIR/2026/0009',
      ...body,
    },
    headers: { 'x-operator-id': operator },
  });
  const retryAfter = response.headers['retry-after'];
  return {
    status: response.status,
    body: response.json() as Record<string, unknown>,
    text: response.text,
    retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
  };
}

const officer = async (path: string) =>
  (await instance.call(instance.identity('officer-1'), path)).json() as {
    items: Record<string, unknown>[];
  };

async function simulatorVerifyCalls(): Promise<number> {
  const response = await request(`${instance.simulator.url}/__sim/state`);
  const state = (await response.body.json()) as { counters: { calls: Record<string, number> } };
  return state.counters.calls['CALL_VERIFY_BY_ELEMEN'] ?? 0;
}

function* filesUnder(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

/** Every answer of the letter-by-letter search, in order, and the prefix it rebuilt. */
const attack: { answers: Answer[]; rebuilt: string; upstreamCalls: number } = {
  answers: [],
  rebuilt: '',
  upstreamCalls: 0,
};

beforeAll(async () => {
  // The agreement fixes a strict threshold; the attacker would have asked for 0.
  instance = await startTestInstance((config) => ({
    ...config,
    agreements: config.agreements.map((terms) => ({ ...terms, verifyThreshold: 99 })),
  }));
  const before = await simulatorVerifyCalls();
  // The search of the report: extend the known prefix by the letter that scores best. Without a
  // score all the attacker can do is ask "is the name exactly this?", one candidate at a time.
  let operator = 0;
  const claims = [MARKED_CLAIM, ...ALPHABET.map((letter) => letter)];
  for (const claim of claims) {
    const answer = await verifyAs('app-kasir', `kasir.${String(++operator)}`, {
      claims: { nama_lengkap: claim },
    });
    attack.answers.push(answer);
    const verdict = (answer.body['result'] as Record<string, { match?: boolean }> | undefined)?.[
      'nama_lengkap'
    ];
    if (verdict?.match === true) attack.rebuilt = claim;
  }
  attack.upstreamCalls = (await simulatorVerifyCalls()) - before;
}, 120_000);

afterAll(async () => {
  await instance.close();
});

describe('attack 09: a client rebuilds a resident’s name through verification scores', () => {
  it('refuses a client-chosen threshold with a coded 400 that says the agreement fixes it', async () => {
    const answer = await verifyAs('app-kasir', 'kasir.threshold', {
      claims: { nama_lengkap: 'S' },
      threshold: 0,
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: {
        code: 'invalid_request',
        message: expect.stringMatching(/threshold .*fixed by the agreement/) as string,
      },
    });
  });

  it('answers match or no-match only: no score in any answer', () => {
    const answered = attack.answers.filter((answer) => answer.status === 200);
    expect(answered.length).toBeGreaterThan(0);
    for (const answer of attack.answers) expect(answer.text).not.toMatch(/score/i);
    for (const answer of answered)
      expect(answer.body['result']).toEqual({
        nama_lengkap: { match: expect.any(Boolean) as boolean },
      });
  });

  it('stops the search after five distinct attempts, whatever the operator id, before Dukcapil', () => {
    const statuses = attack.answers.map((answer) => answer.status);
    expect(statuses.slice(0, LIMIT)).toEqual(Array<number>(LIMIT).fill(200));
    expect(new Set(statuses.slice(LIMIT))).toEqual(new Set([429]));
    for (const answer of attack.answers.slice(LIMIT)) {
      expect((answer.body['error'] as { code?: string }).code).toBe('verification_limit');
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    }
    // Dukcapil was asked five times, not 28; the attacker learnt five bits and no letter.
    expect(attack.upstreamCalls).toBe(LIMIT);
    expect(attack.rebuilt).toBe('');
  });

  it('applies the agreement’s threshold at Dukcapil, for every client', async () => {
    // Another client, another resident: its own allowance. A one-letter typo passes at the
    // default 85 and fails at the agreement's 99; the exact name passes.
    const about = (nama_lengkap: string) =>
      verifyAs('app-pendaftaran', 'petugas.01', { nik: BUDI, claims: { nama_lengkap } });
    expect((await about('BUDI MERPATI SANTOSA')).body['result']).toEqual({
      nama_lengkap: { match: false },
    });
    expect((await about('BUDI MERPATI SANTOSO')).body['result']).toEqual({
      nama_lengkap: { match: true },
    });
  });

  it('alerts the officer once, naming the client, the limit and the operators used', async () => {
    let alerts: Record<string, unknown>[] = [];
    await eventually(
      async () => {
        alerts = (await officer('/v1/alerts')).items.filter(
          (alert) => alert['rule'] === 'verification_limit',
        );
        return alerts.length > 0;
      },
      { what: 'the verification_limit alert' },
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.['detail']).toMatchObject({
      rule: 'verification_limit',
      client: 'app-kasir',
      attempts: LIMIT + 1,
      limit: LIMIT,
      operators: LIMIT + 1,
    });
    // The officer finds it, with every attempt, by the resident's NIK (hashed by the gateway).
    const trail = await officer(`/v1/audit/events?nik=${SITI}&limit=500`);
    expect(trail.items.some((record) => record['event'] === 'alert')).toBe(true);
  });

  it('records the claimed element names and the attempt count, never a claimed value', async () => {
    const records = (await officer('/v1/audit/events?type=verify&client=app-kasir&limit=500'))
      .items;
    const attempts = records.filter((record) => record['errorCode'] !== 'invalid_request');
    expect(attempts).toHaveLength(attack.answers.length);
    expect(attempts.map((record) => (record['detail'] as { attempts: number }).attempts)).toEqual(
      attack.answers.map((_, i) => i + 1),
    );
    for (const record of attempts) {
      expect(record['elementsRequested']).toEqual(['nama_lengkap']);
      expect(record['elementsReleased']).toEqual([]);
      expect(record['detail']).toMatchObject({ claimed: 'nama_lengkap', attemptLimit: LIMIT });
    }
    expect(attempts.slice(LIMIT).every((r) => r['errorCode'] === 'verification_limit')).toBe(true);
    // Nothing the attacker claimed, and nothing of the resident, in any file the gateway wrote.
    for (const path of filesUnder(instance.dir)) {
      const content = readFileSync(path);
      for (const needle of [MARKED_CLAIM, 'KENARI', SITI])
        expect(content.includes(needle), `${needle} in ${path}`).toBe(false);
    }
  });
});
