/**
 * The Dukcapil simulator as a Hono app: the real wire format (`CALL_NIK`, `CALL_VERIFY_BY_ELEMEN`,
 * data balikan), credential and
 * client-IP checks, a daily quota, fault injection, and the `/__sim/` control endpoints of API.md.
 */
import { Hono, type Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import {
  compareClaims,
  isFuzzyElement,
  normaliseUpstreamRecord,
  UPSTREAM_ELEMENT_KEYS,
  type ClaimVerdict,
  type ElementName,
} from '../../policies/index.ts';
import { SyntheticPopulation } from './population.ts';

export interface SimulatorOptions {
  readonly consumer: string;
  readonly userId: string;
  readonly password: string;
  /** Values of `ip_user` the simulator accepts (the agency's registered addresses). */
  readonly allowedIps: readonly string[];
  readonly seed?: string;
}

/**
 * One way a real upstream misbehaves, answered on every data call until cleared (`none`), so that
 * a test can name the fault it expects a code for; `failureRate` picks among the first four.
 */
export const SIM_FAULTS = [
  'none',
  'html_error', // a proxy's HTML error page with 502
  'http_503', // plain-text 503
  'truncated', // 200 with JSON cut off mid-record
  'unexpected_shape', // 200 with JSON that is not the envelope
  'invalid_json', // 200 declared JSON that is not
  'connection_reset', // the connection dies before any answer, no work done
] as const;
export type SimFault = (typeof SIM_FAULTS)[number];

export interface SimulatorSettings {
  latencyMs: number;
  jitterMs: number;
  failureRate: number;
  dropResponseRate: number;
  dailyQuota: number;
  /** A rate quota (calls per sliding second) to check the gateway against; 0: none. */
  rateQuotaPerSecond: number;
  /** Every Nth data call waits `spikeMs` more (a latency spike); 0: none. */
  spikeEvery: number;
  spikeMs: number;
  fault: SimFault;
  /** A RESPON text every CALL_NIK answers after the credential checks; '' for none. */
  respon: string;
  /** A RESPONSE_CODE every CALL_VERIFY_BY_ELEMEN answers after the checks; '' for none. */
  responseCode: string;
}

const DEFAULT_SETTINGS: SimulatorSettings = {
  latencyMs: 0,
  jitterMs: 0,
  failureRate: 0,
  dropResponseRate: 0,
  dailyQuota: 1_000_000,
  rateQuotaPerSecond: 0,
  spikeEvery: 0,
  spikeMs: 0,
  fault: 'none',
  respon: '',
  responseCode: '',
};

/** Why a `/__sim/config` value is refused, or undefined when it is acceptable. */
function settingProblem(key: keyof SimulatorSettings, value: unknown): string | undefined {
  if (key === 'fault')
    return SIM_FAULTS.includes(value as SimFault)
      ? undefined
      : `fault is one of ${SIM_FAULTS.join(', ')}`;
  if (key === 'respon')
    return typeof value === 'string' && value.length <= 200 ? undefined : 'respon is text';
  if (key === 'responseCode')
    return typeof value === 'string' && /^(\d{2})?$/.test(value) ? undefined : 'two digits';
  const isRate = key === 'failureRate' || key === 'dropResponseRate';
  return typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0 &&
    (!isRate || value <= 1)
    ? undefined
    : `bad value for ${key}`;
}

/**
 * Calls in the last second, to report the busiest second and every call over the rate quota:
 * the measure of a gateway that must keep Dukcapil busy without exceeding its quota.
 */
class SlidingSecond {
  private readonly times: number[] = [];
  private head = 0;
  max = 0;
  exceeded = 0;

  record(now: number, quota: number): void {
    this.times.push(now);
    while ((this.times[this.head] ?? now) <= now - 1000) this.head++;
    if (this.head > 4096) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
    const inWindow = this.times.length - this.head;
    this.max = Math.max(this.max, inWindow);
    if (quota > 0 && inWindow > quota) this.exceeded++;
  }
}

interface DataBalikanItem {
  nik: string;
  npwpd: string;
  jenis_pajak: string[];
  idempotencyKey: string;
  times: number;
}

const envelope = (content: readonly object[]): object => ({
  content,
  lastPage: true,
  numberOfElements: content.length,
  sort: null,
  totalElements: content.length,
  firstPage: true,
  number: 0,
  size: content.length,
});
const respon = (text: string): object => envelope([{ RESPON: text }]);

const VERIFY_METHOD = 'CALL_VERIFY_BY_ELEMEN';

type SimFailure = 'login' | 'ip' | 'quota' | 'not_found' | 'bad_request';
const RESPON_TEXT: Readonly<Record<SimFailure, string>> = {
  login: 'Login Gagal',
  ip: 'IP Client  Tidak terdaftar',
  quota: 'Kuota Akses Hari ini telah Habis',
  not_found: 'Data Tidak Ditemukan',
  bad_request: 'Format Request Tidak Sesuai',
};
const RESPONSE_CODES: Readonly<Record<SimFailure, readonly [string, string]>> = {
  login: ['03', 'User ID atau Password Salah'],
  ip: ['04', 'IP Address Tidak Sesuai'],
  quota: ['05', 'Kuota Akses Hari ini telah Habis'],
  not_found: ['13', 'NIK Tidak Ditemukan'],
  bad_request: ['02', 'Parameter Tidak Sesuai'],
};
const responseCode = (kind: SimFailure): object => {
  const [code, description] = RESPONSE_CODES[kind];
  return envelope([{ RESPONSE_CODE: code, RESPONSE_DESC: description }]);
};

/** Upstream key → canonical element, for reading the claims of a verify request. */
const CLAIM_KEYS: ReadonlyMap<string, ElementName> = new Map(
  (Object.entries(UPSTREAM_ELEMENT_KEYS) as [ElementName, string][])
    .filter(([element]) => element !== 'nik')
    .map(([element, key]) => [key, element]),
);

/**
 * CALL_VERIFY_BY_ELEMEN against one resident: "Sesuai" / "Tidak Sesuai" per claimed element,
 * with the score in brackets for fuzzy ones. Undefined when the request is not well formed.
 */
function verifyAgainst(
  raw: Readonly<Record<string, unknown>>,
  body: Record<string, unknown>,
): object | undefined {
  const thresholdText = field(body, 'TRESHOLD');
  const threshold =
    typeof thresholdText === 'string' && /^\d{1,3}$/.test(thresholdText)
      ? Number(thresholdText)
      : NaN;
  if (!(threshold >= 0 && threshold <= 100)) return undefined;
  const claims: Partial<Record<ElementName, string>> = {};
  const keys: Partial<Record<ElementName, string>> = {};
  for (const [key, value] of Object.entries(body)) {
    const element = CLAIM_KEYS.get(key.toUpperCase());
    if (element === undefined) continue;
    if (typeof value !== 'string') return undefined;
    claims[element] = value;
    keys[element] = key.toUpperCase();
  }
  if (Object.keys(claims).length === 0) return undefined;
  const { record } = normaliseUpstreamRecord(raw);
  const answer: Record<string, string> = {
    RESPONSE_CODE: '01',
    RESPONSE_DESC: 'Data Ditemukan',
    NIK: String(raw['NIK']),
  };
  for (const [element, verdict] of Object.entries(compareClaims(record, claims, threshold)) as [
    ElementName,
    ClaimVerdict,
  ][]) {
    const word = verdict.match ? 'Sesuai' : 'Tidak Sesuai';
    answer[keys[element] ?? element] = isFuzzyElement(element)
      ? `${word} (${verdict.score})`
      : word;
  }
  return envelope([answer]);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Case-insensitive key lookup: clients vary the case of request keys. */
function field(body: Record<string, unknown>, key: string): unknown {
  for (const [k, v] of Object.entries(body)) if (k.toLowerCase() === key.toLowerCase()) return v;
  return undefined;
}

export function createSimulatorApp(options: SimulatorOptions): Hono<{ Bindings: HttpBindings }> {
  const population = new SyntheticPopulation(options.seed ?? 'gerbang-demo');
  let settings: SimulatorSettings = { ...DEFAULT_SETTINGS };
  let calls: Record<string, number> = {};
  let dataCalls = 0;
  let quotaDay = '';
  let quotaUsed = 0;
  let received = new Map<string, DataBalikanItem>();
  let window = new SlidingSecond();

  const app = new Hono<{ Bindings: HttpBindings }>();

  const consumeQuota = (): boolean => {
    const today = new Date().toISOString().slice(0, 10);
    if (today !== quotaDay) {
      quotaDay = today;
      quotaUsed = 0;
    }
    if (quotaUsed >= settings.dailyQuota) return false;
    quotaUsed++;
    return true;
  };

  // Data balikan: stores each idempotency key once; a repeat only counts another delivery.
  app.post('/dukcapil/data_balikan/:consumer', async (c) => {
    calls['DATA_BALIKAN'] = (calls['DATA_BALIKAN'] ?? 0) + 1;
    const delay =
      settings.latencyMs + (settings.jitterMs > 0 ? Math.random() * settings.jitterMs : 0);
    if (delay > 0) await sleep(delay);
    if (settings.failureRate > 0 && Math.random() < settings.failureRate) return injectedFailure(c);
    if (c.req.param('consumer') !== options.consumer)
      return c.json({ status: 'ERROR', message: 'Lembaga tidak dikenal' });
    const key = c.req.header('idempotency-key');
    let body: { nik?: unknown; param?: unknown };
    try {
      body = await c.req.json<{ nik?: unknown; param?: unknown }>();
    } catch {
      return c.json({ status: 'ERROR', message: 'Format Tidak Sesuai' }, 400);
    }
    const params = Array.isArray(body.param)
      ? (body.param as { NPWPD?: unknown; JENIS_PAJAK?: unknown }[])
      : [];
    if (key === undefined || typeof body.nik !== 'string' || params.length === 0)
      return c.json({ status: 'ERROR', message: 'Format Tidak Sesuai' }, 400);
    const existing = received.get(key);
    if (existing) existing.times++;
    else
      received.set(key, {
        nik: body.nik,
        npwpd: typeof params[0]?.NPWPD === 'string' ? params[0].NPWPD : '',
        jenis_pajak: params.map((p) => (typeof p.JENIS_PAJAK === 'string' ? p.JENIS_PAJAK : '')),
        idempotencyKey: key,
        times: 1,
      });
    if (settings.dropResponseRate > 0 && Math.random() < settings.dropResponseRate) {
      c.env.incoming.socket.destroy();
      return c.body(null, 500);
    }
    return c.json({ status: 'OK' });
  });

  app.post('/dukcapil/get_json/:consumer/:method', async (c) => {
    const method = c.req.param('method');
    calls[method] = (calls[method] ?? 0) + 1;
    dataCalls++;
    window.record(performance.now(), settings.rateQuotaPerSecond);
    const spike =
      settings.spikeEvery > 0 && dataCalls % settings.spikeEvery === 0 ? settings.spikeMs : 0;
    const delay =
      settings.latencyMs + spike + (settings.jitterMs > 0 ? Math.random() * settings.jitterMs : 0);
    if (delay > 0) await sleep(delay);

    if (settings.fault !== 'none') return faultAnswer(c, settings.fault);
    if (settings.failureRate > 0 && Math.random() < settings.failureRate) return injectedFailure(c);

    let body: Record<string, unknown>;
    try {
      const parsed: unknown = await c.req.json();
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return c.json(respon('Format Request Tidak Sesuai'));
    }
    // Each method reports errors its own way: CALL_NIK as RESPON text, the verify method as codes.
    const fail = (kind: SimFailure): Response =>
      c.json(method === VERIFY_METHOD ? responseCode(kind) : respon(RESPON_TEXT[kind]));
    if (c.req.param('consumer') !== options.consumer) return fail('login');
    if (field(body, 'user_id') !== options.userId || field(body, 'password') !== options.password) {
      return fail('login');
    }
    const ip = field(body, 'ip_user');
    if (typeof ip !== 'string' || !options.allowedIps.includes(ip)) return fail('ip');
    if (method !== 'CALL_NIK' && method !== VERIFY_METHOD)
      return c.json(respon('Method Tidak Dikenal'), 404);
    if (!consumeQuota()) return fail('quota');
    if (settings.respon !== '' && method !== VERIFY_METHOD) return c.json(respon(settings.respon));
    if (settings.responseCode !== '' && method === VERIFY_METHOD)
      return c.json(
        envelope([{ RESPONSE_CODE: settings.responseCode, RESPONSE_DESC: 'Disimulasikan' }]),
      );

    const nik = field(body, 'nik');
    const record = typeof nik === 'string' ? population.find(nik) : undefined;
    let answer: object;
    if (record === undefined)
      answer = method === VERIFY_METHOD ? responseCode('not_found') : respon(RESPON_TEXT.not_found);
    else if (method === VERIFY_METHOD)
      answer = verifyAgainst(record, body) ?? responseCode('bad_request');
    else answer = envelope([record]);

    if (settings.dropResponseRate > 0 && Math.random() < settings.dropResponseRate) {
      // The work is done (quota spent), then the connection dies before the answer.
      c.env.incoming.socket.destroy();
      return c.body(null, 500);
    }
    return c.json(answer);
  });

  app.get('/__sim/state', (c) =>
    c.json({
      settings,
      counters: {
        calls,
        quotaUsed,
        quotaDay,
        busiestSecond: window.max,
        overRateQuota: window.exceeded,
      },
      dataBalikanReceived: received.size,
    }),
  );

  app.post('/__sim/config', async (c) => {
    let update: unknown;
    try {
      update = await c.req.json();
    } catch {
      return c.json({ error: 'body must be JSON' }, 400);
    }
    if (typeof update !== 'object' || update === null || Array.isArray(update))
      return c.json({ error: 'body must be an object' }, 400);
    const next: Record<string, unknown> = { ...settings };
    for (const [key, value] of Object.entries(update)) {
      if (!(key in DEFAULT_SETTINGS)) return c.json({ error: `unknown setting ${key}` }, 400);
      const problem = settingProblem(key as keyof SimulatorSettings, value);
      if (problem !== undefined) return c.json({ error: problem }, 400);
      next[key] = value;
    }
    settings = next as unknown as SimulatorSettings;
    return c.json({ settings });
  });

  app.post('/__sim/reset', (c) => {
    settings = { ...DEFAULT_SETTINGS };
    calls = {};
    dataCalls = 0;
    quotaUsed = 0;
    received = new Map();
    window = new SlidingSecond();
    return c.json({ settings });
  });

  app.get('/__sim/data-balikan', (c) => c.json({ items: [...received.values()] }));

  return app;
}

/** One of the ways a real upstream misbehaves, chosen at random. */
function injectedFailure(c: Context<{ Bindings: HttpBindings }>): Response {
  const faults = SIM_FAULTS.slice(1, 5);
  return faultAnswer(c, faults[Math.floor(Math.random() * faults.length)] ?? 'html_error');
}

function faultAnswer(c: Context<{ Bindings: HttpBindings }>, fault: SimFault): Response {
  switch (fault) {
    case 'html_error':
      return c.html('<html><body><h1>502 Bad Gateway</h1></body></html>', 502);
    case 'http_503':
      return c.text('Service Unavailable', 503);
    case 'truncated':
      return c.body('{"content":[{"NIK":', 200, { 'content-type': 'application/json' });
    case 'unexpected_shape':
      return c.json({ status: 'error', message: 'unexpected shape' });
    case 'invalid_json':
      return c.body('Kuota <b>habis</b>', 200, { 'content-type': 'application/json' });
    case 'connection_reset':
      c.env.incoming.socket.destroy();
      return c.body(null, 500);
    case 'none':
      throw new RangeError('no fault to answer');
  }
}
