/**
 * The Dukcapil simulator as a Hono app: the wire format of DOMAIN.md, "Dukcapil web service"
 * (`CALL_NIK`, `CALL_VERIFY_BY_ELEMEN`, data balikan) for one upstream profile (central by
 * default, regional, or one of configuration), credential and client-IP checks, a daily quota,
 * fault injection, and the `/__sim/` control endpoints of API.md. What it answers is in
 * answers.ts, how it reads a request in request.ts, its routes per profile in profile-route.ts,
 * its settings in settings.ts, its faults in faults.ts; this file holds the order of the checks
 * and the counters.
 *
 * Strictness (a real endpoint serves only its own form, so the simulator does too):
 * - a path outside the profile's template, another region, or a method name in another case
 *   (`CALL_NIK` where `call_nik` is served): HTTP 404, counted under `calls.UNROUTED`;
 * - a wrong consumer, or credentials under keys of another case (`USER_ID` where `user_id` is
 *   read): a login failure (`RESPON: Login Gagal`, verify code 03), HTTP 200, no quota spent;
 * - a key the method does not take, an element key in the other case, `TGL_LHR` not in the
 *   profile's date form: a malformed request (`RESPON: Format Request Tidak Sesuai`, verify code
 *   02, which DOMAIN.md does not list: the adapter sees an unknown code), no quota spent.
 */
import { Hono, type Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { CENTRAL_PROFILE, type UpstreamProfile } from '../dukcapil/profile.ts';
import {
  codeAnswer,
  envelope,
  respon,
  RESPON_TEXT,
  responseCode,
  verifyAgainst,
  type SimFailure,
} from './answers.ts';
import { AMBIGUOUS_NIKS } from './canaries.ts';
import { faultAnswer, injectedFailure } from './faults.ts';
import { LoopLateness } from './lateness.ts';
import { profileRouter } from './profile-route.ts';
import { credentialsOf, readCallNik, readVerify } from './request.ts';
import { SyntheticPopulation } from './population.ts';
import { DEFAULT_SETTINGS, settingProblem, type SimulatorSettings } from './settings.ts';

export interface SimulatorOptions {
  readonly consumer: string;
  readonly userId: string;
  readonly password: string;
  /** Values of `ip_user` the simulator accepts (the agency's registered addresses). */
  readonly allowedIps: readonly string[];
  readonly seed?: string;
  /**
   * The endpoint the simulator plays (adapters/dukcapil/profile.ts): its path template, method
   * names and request keys, served strictly (request.ts, profile-route.ts). Default: central.
   */
  readonly profile?: UpstreamProfile;
  /** The `{region}` path segment a regional profile serves, e.g. `64-74` (Kota Bontang). */
  readonly region?: string;
}

/** Kota Bontang (province 64, city 74), the region of the demo's agreement. */
export const DEFAULT_REGION = '64-74';

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
  const profile = options.profile ?? CENTRAL_PROFILE;
  const region = options.region ?? DEFAULT_REGION;
  let settings: SimulatorSettings = { ...DEFAULT_SETTINGS };
  let calls: Record<string, number> = {};
  let dataCalls = 0;
  let quotaDay = '';
  let quotaUsed = 0;
  let received = new Map<string, DataBalikanItem>();
  let window = new SlidingSecond();
  const lateness = new LoopLateness();

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

  const route = profileRouter(profile, region);
  const dataCall = async (c: Context<{ Bindings: HttpBindings }>): Promise<Response> => {
    const routed = route(c.req.path);
    if (routed === undefined) {
      // No such route on a strict endpoint: the wrong path form, region or method-name case.
      calls['UNROUTED'] = (calls['UNROUTED'] ?? 0) + 1;
      return c.json(respon('Method Tidak Dikenal'), 404);
    }
    const { method } = routed;
    const spec = profile.methods[method];
    calls[method] = (calls[method] ?? 0) + 1;
    dataCalls++;
    window.record(performance.now(), settings.rateQuotaPerSecond);
    const spike =
      settings.spikeEvery > 0 && dataCalls % settings.spikeEvery === 0 ? settings.spikeMs : 0;
    const delay =
      settings.latencyMs + spike + (settings.jitterMs > 0 ? Math.random() * settings.jitterMs : 0);
    if (delay > 0) await sleep(delay);

    const struck = settings.faultMethod === '' || settings.faultMethod === method;
    if (struck && settings.fault !== 'none') return faultAnswer(c, settings.fault);
    if (struck && settings.timeoutRate > 0 && Math.random() < settings.timeoutRate) {
      // An upstream that never answers: held, then cut, no work done.
      await sleep(settings.stallMs);
      c.env.incoming.socket.destroy();
      return c.body(null, 500);
    }
    if (struck && settings.failureRate > 0 && Math.random() < settings.failureRate)
      return injectedFailure(c);

    let body: Record<string, unknown>;
    try {
      const parsed: unknown = await c.req.json();
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return c.json(respon(RESPON_TEXT.bad_request));
    }
    // Each method reports errors its own way: CALL_NIK as RESPON text, the verify method as codes.
    const isVerify = method === 'CALL_VERIFY_BY_ELEMEN';
    const fail = (kind: Exclude<SimFailure, 'ambiguous'>): Response =>
      c.json(isVerify ? responseCode(kind) : respon(RESPON_TEXT[kind]));
    if (routed.consumer !== options.consumer) return fail('login');
    const credentials = credentialsOf(body, spec);
    if (credentials.userId !== options.userId || credentials.password !== options.password)
      return fail('login');
    const ip = credentials.ipUser;
    if (typeof ip !== 'string' || !options.allowedIps.includes(ip)) return fail('ip');
    const nik = isVerify ? undefined : readCallNik(body, spec);
    const verify = isVerify ? readVerify(body, spec, profile.dateFormat) : undefined;
    if (nik === undefined && verify === undefined) return fail('bad_request');
    if (!consumeQuota()) return fail('quota');
    if (settings.respon !== '' && !isVerify) return c.json(respon(settings.respon));
    if (settings.responseCode !== '' && isVerify)
      return c.json(codeAnswer(settings.responseCode, 'Disimulasikan'));

    const records = population.records(verify?.nik ?? nik ?? '');
    let answer: object;
    if (records.length === 0)
      answer = isVerify ? responseCode('not_found') : respon(RESPON_TEXT.not_found);
    else if (verify !== undefined)
      answer =
        records.length > 1 ? responseCode('ambiguous') : verifyAgainst(records[0] ?? {}, verify);
    else
      answer =
        AMBIGUOUS_NIKS[nik ?? ''] === 'first_of_two_pages'
          ? envelope(records.slice(0, 1), records.length)
          : envelope(records);

    if (struck && settings.dropResponseRate > 0 && Math.random() < settings.dropResponseRate) {
      // The work is done (quota spent), then the connection dies before the answer.
      c.env.incoming.socket.destroy();
      return c.body(null, 500);
    }
    return c.json(answer);
  };

  app.get('/__sim/state', (c) =>
    c.json({
      settings,
      counters: {
        calls,
        quotaUsed,
        quotaDay,
        busiestSecond: window.max,
        overRateQuota: window.exceeded,
        eventLoopDelayMs: lateness.figures(),
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
    lateness.reset();
    return c.json({ settings });
  });

  app.get('/__sim/data-balikan', (c) => c.json({ items: [...received.values()] }));

  // Last: every other POST is a data call, routed by the profile's own path template.
  app.post('*', dataCall);

  return app;
}
