/**
 * The real Dukcapil client: `POST {baseUrl}/dukcapil/get_json/{consumer}/{method}` for `CALL_NIK`
 * and `CALL_VERIFY_BY_ELEMEN`, over an undici pool (keep-alive, timeouts, a concurrency cap), with
 * a response size limit and a circuit breaker. Calls are not retried, except once when the
 * connection failed before the request was sent (transport.ts says when that is).
 */
import { Pool } from 'undici';
import {
  normaliseDate,
  normaliseUpstreamRecord,
  UPSTREAM_ELEMENT_KEYS,
  type ElementName,
} from '../../policies/index.ts';
import { CircuitBreaker, type BreakerOptions } from './breaker.ts';
import { dukcapilMethodUrl, type DukcapilMethod } from './method-url.ts';
import { parseCallNikEnvelope } from './envelope.ts';
import { parseVerifyEnvelope } from './verify-envelope.ts';
import { Semaphore, UpstreamRatePacer } from './rate-pacer.ts';
import { readBodyWithin, toFailure, wasNothingSent } from './transport.ts';
import {
  noopUpstreamObserver,
  UpstreamFailure,
  type DukcapilClient,
  type UpstreamHealth,
  type UpstreamLookup,
  type UpstreamObserver,
  type UpstreamVerification,
} from './port.ts';

export interface DukcapilHttpOptions {
  readonly baseUrl: string;
  readonly consumer: string;
  readonly userId: string;
  readonly password: string;
  readonly ipUser: string;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  /** Deadline for one whole call, connection included. */
  readonly requestTimeoutMs: number;
  readonly maxConnections: number;
  /** Calls allowed to wait for a connection beyond maxConnections before failing fast. */
  readonly maxQueued: number;
  readonly maxResponseBytes: number;
  /** `now` (the breaker's clock) is for tests that step past `openMs` instead of waiting. */
  readonly breaker: BreakerOptions;
  /** The agency's Dukcapil rate quota; calls wait for their slot (at most maxRateWaitMs). */
  readonly ratePerSecond?: number | undefined;
  readonly maxRateWaitMs?: number | undefined;
  readonly observer?: UpstreamObserver;
}

export class DukcapilHttpClient implements DukcapilClient {
  private readonly pool: Pool;
  private readonly breaker: CircuitBreaker;
  private readonly pacer: UpstreamRatePacer | undefined;
  private readonly connections: Semaphore;
  private readonly observer: UpstreamObserver;
  private readonly paths: Readonly<Record<DukcapilMethod, string>>;
  private readonly options: DukcapilHttpOptions;
  private inFlight = 0;

  constructor(options: DukcapilHttpOptions) {
    this.options = options;
    const methodUrl = (method: DukcapilMethod) =>
      dukcapilMethodUrl(options.baseUrl, options.consumer, method);
    this.paths = {
      CALL_NIK: methodUrl('CALL_NIK').pathname,
      CALL_VERIFY_BY_ELEMEN: methodUrl('CALL_VERIFY_BY_ELEMEN').pathname,
    };
    this.pool = new Pool(methodUrl('CALL_NIK').origin, {
      connections: options.maxConnections,
      pipelining: 1,
      connectTimeout: options.connectTimeoutMs,
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
      keepAliveTimeout: 4_000,
    });
    this.breaker = new CircuitBreaker(options.breaker);
    this.connections = new Semaphore(options.maxConnections);
    this.pacer =
      options.ratePerSecond === undefined
        ? undefined
        : new UpstreamRatePacer(options.ratePerSecond, options.maxRateWaitMs ?? 2_000);
    this.observer = options.observer ?? noopUpstreamObserver;
  }

  health(): UpstreamHealth {
    return { breaker: this.breaker.state };
  }

  async lookupByNik(nik: string): Promise<UpstreamLookup> {
    return this.invoke(
      this.paths.CALL_NIK,
      {
        NIK: nik,
        user_id: this.options.userId,
        password: this.options.password,
        ip_user: this.options.ipUser,
      },
      (text, upstreamStatus, latencyMs) => {
        const raw = parseCallNikEnvelope(text);
        const { record, droppedKeys, unparseableValues } = normaliseUpstreamRecord(raw);
        this.observer.onDroppedKeys(droppedKeys);
        this.observer.onUnparseableValues(unparseableValues);
        // Never release a record that is not the one asked for.
        if (record.nik !== nik)
          throw new UpstreamFailure('malformed', 'record NIK differs from the request');
        return { record, upstreamStatus, latencyMs };
      },
    );
  }

  async verifyByElements(
    nik: string,
    claims: Readonly<Partial<Record<ElementName, string>>>,
    threshold: number,
  ): Promise<UpstreamVerification> {
    const elements = Object.keys(claims) as ElementName[];
    const body: Record<string, string> = {
      USER_ID: this.options.userId,
      PASSWORD: this.options.password,
      IP_USER: this.options.ipUser,
      TRESHOLD: String(threshold), // sic: the upstream's spelling
      NIK: nik,
    };
    for (const element of elements) {
      const value = claims[element] ?? '';
      // Dates travel in the registry's own form, whatever form the agency holds them in.
      body[UPSTREAM_ELEMENT_KEYS[element]] =
        element === 'tanggal_lahir' ? (normaliseDate(value) ?? value) : value;
    }
    return this.invoke(
      this.paths.CALL_VERIFY_BY_ELEMEN,
      body,
      (text, upstreamStatus, latencyMs) => ({
        verdicts: parseVerifyEnvelope(text, nik, elements, threshold),
        upstreamStatus,
        latencyMs,
      }),
    );
  }

  /**
   * One upstream call with the shared protections: the concurrency cap, the breaker, the one safe
   * retry, and the observer. `parse` turns the answer into a result or throws UpstreamFailure.
   */
  private async invoke<T>(
    path: string,
    body: Readonly<Record<string, string>>,
    parse: (text: string, upstreamStatus: number, latencyMs: number) => T,
  ): Promise<T> {
    if (this.inFlight >= this.options.maxConnections + this.options.maxQueued) {
      throw new UpstreamFailure('unavailable', 'upstream concurrency cap reached');
    }
    this.inFlight++;
    let started = performance.now();
    let asked = false;
    let holdsConnection = false;
    try {
      // Waiting for a connection and a rate slot counts as in flight: the queue stays bounded.
      await this.connections.acquire();
      holdsConnection = true;
      await this.pacer?.acquire();
      if (!this.breaker.tryAcquire())
        throw new UpstreamFailure('unavailable', 'circuit breaker open');
      asked = true;
      started = performance.now();
      const { text, status } = await this.postWithOneSafeRetry(path, JSON.stringify(body));
      const latencyMs = performance.now() - started;
      const result = parse(text, status, latencyMs);
      this.breaker.reportSuccess();
      this.observer.onCall('ok', latencyMs);
      return result;
    } catch (error) {
      const failure = toFailure(error);
      // Refused before the upstream was asked: nothing to tell the breaker or the metrics.
      if (!asked) throw failure;
      // Not found, rejected and quota are answers: the upstream is healthy.
      if (
        failure.kind === 'malformed' ||
        failure.kind === 'timeout' ||
        failure.kind === 'unavailable'
      ) {
        this.breaker.reportFailure();
      } else {
        this.breaker.reportSuccess();
      }
      this.observer.onCall(failure.kind, performance.now() - started);
      throw failure;
    } finally {
      if (holdsConnection) this.connections.release();
      this.inFlight--;
    }
  }

  private async postWithOneSafeRetry(
    path: string,
    body: string,
  ): Promise<{ text: string; status: number }> {
    const deadline = AbortSignal.timeout(this.options.requestTimeoutMs);
    try {
      return await this.post(path, body, deadline);
    } catch (error) {
      if (!wasNothingSent(error) || deadline.aborted) throw error;
      return await this.post(path, body, deadline);
    }
  }

  private async post(
    path: string,
    body: string,
    signal: AbortSignal,
  ): Promise<{ text: string; status: number }> {
    const response = await this.pool.request({
      path,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
      signal,
    });
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.options.maxResponseBytes) {
      response.body.destroy();
      throw new UpstreamFailure('malformed', 'response larger than the limit', response.statusCode);
    }
    const text = await readBodyWithin(response.body, this.options.maxResponseBytes);
    if (text === undefined)
      throw new UpstreamFailure('malformed', 'response larger than the limit', response.statusCode);
    if (response.statusCode !== 200) {
      throw new UpstreamFailure(
        'malformed',
        `upstream HTTP status ${response.statusCode}`,
        response.statusCode,
      );
    }
    return { text, status: response.statusCode };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
