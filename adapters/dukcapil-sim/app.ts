/**
 * The Dukcapil simulator as a Hono app: the real wire format (`CALL_NIK`, `CALL_VERIFY_BY_ELEMEN`,
 * data balikan), credential and client-IP checks, a daily quota, fault injection, and the
 * `/__sim/` control endpoints of API.md. What it answers is in answers.ts, its settings in
 * settings.ts, its faults in faults.ts; this file holds the routes and the counters.
 */
import { Hono } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import {
  envelope,
  field,
  respon,
  RESPON_TEXT,
  responseCode,
  verifyAgainst,
  VERIFY_METHOD,
  type SimFailure,
} from './answers.ts';
import { faultAnswer, injectedFailure } from './faults.ts';
import { SyntheticPopulation } from './population.ts';
import { DEFAULT_SETTINGS, settingProblem, type SimulatorSettings } from './settings.ts';

export interface SimulatorOptions {
  readonly consumer: string;
  readonly userId: string;
  readonly password: string;
  /** Values of `ip_user` the simulator accepts (the agency's registered addresses). */
  readonly allowedIps: readonly string[];
  readonly seed?: string;
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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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
