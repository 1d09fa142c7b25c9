/**
 * The real Dukcapil client: `POST` to the method URL the upstream profile builds (method-url.ts)
 * for `CALL_NIK` and `CALL_VERIFY_BY_ELEMEN`, bodies spelt as the profile says (request-body.ts),
 * over an undici pool (keep-alive, timeouts, a concurrency cap), with a response size limit and a
 * circuit breaker per method. Calls are not retried, except once when the connection failed
 * before the request was sent (transport.ts says when that is).
 *
 * The breakers count outages only: timeouts, connection failures and HTTP 5xx. An answer the
 * adapter cannot read (malformed: not JSON, another shape, an unknown code) is reported apart
 * (`onMalformed`) and leaves the breaker as it was: the upstream did answer, promptly, and a
 * shape the adapter does not know is a configuration or conformance problem that failing fast
 * would not cure — it would only turn it into an outage (docs/upstream.md, "Breakers").
 */
import type { Dispatcher } from 'undici';
import { normaliseUpstreamRecord } from '../../policies/index.ts';
import { CircuitBreaker, type BreakerOptions } from './breaker.ts';
import { dukcapilMethodUrl } from './method-url.ts';
import { parseCallNikEnvelope } from './envelope.ts';
import {
  CENTRAL_PROFILE,
  profileProblems,
  type DukcapilMethod,
  type UpstreamProfile,
} from './profile.ts';
import { callNikBody, verifyBody } from './request-body.ts';
import { parseVerifyEnvelope } from './verify-envelope.ts';
import { Semaphore, UpstreamRatePacer, type PacedStart } from './rate-pacer.ts';
import { SentNoticePool, type SentNotice } from './sent-pool.ts';
import { CallDeadline } from './call-deadline.ts';
import { readBodyWithin, toFailure, wasNothingSent } from './transport.ts';
import {
  noopUpstreamObserver,
  UpstreamFailure,
  type DukcapilClient,
  type UpstreamHealth,
  type UpstreamLookup,
  type UpstreamObserver,
  type UpstreamVerification,
  type VerifyClaims,
} from './port.ts';

const METHODS: readonly DukcapilMethod[] = ['CALL_NIK', 'CALL_VERIFY_BY_ELEMEN'];

export interface DukcapilHttpOptions {
  readonly baseUrl: string;
  /** How the endpoint is spoken to (profile.ts); default: the central profile. */
  readonly profile?: UpstreamProfile | undefined;
  readonly consumer: string;
  /** The `{region}` path segment (e.g. `64-74`), for a profile whose template has one. */
  readonly region?: string | undefined;
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
  /**
   * Each method has its own breaker with these options. `now` (the breaker's clock) is for tests
   * that step past `openMs` instead of waiting.
   */
  readonly breaker: BreakerOptions;
  /** The agency's Dukcapil rate quota; calls wait for their slot (at most maxRateWaitMs). */
  readonly ratePerSecond?: number | undefined;
  readonly maxRateWaitMs?: number | undefined;
  /** What the rate window adds to a second (rate-pacer.ts); default 20 ms. */
  readonly rateWindowMarginMs?: number | undefined;
  readonly observer?: UpstreamObserver;
}

export class DukcapilHttpClient implements DukcapilClient {
  private readonly pool: SentNoticePool;
  private readonly breakers: Readonly<Record<DukcapilMethod, CircuitBreaker>>;
  private readonly pacer: UpstreamRatePacer | undefined;
  private readonly connections: Semaphore;
  private readonly observer: UpstreamObserver;
  private readonly paths: Readonly<Record<DukcapilMethod, string>>;
  private readonly profile: UpstreamProfile;
  private readonly options: DukcapilHttpOptions;
  private inFlight = 0;

  constructor(options: DukcapilHttpOptions) {
    this.options = options;
    this.profile = options.profile ?? CENTRAL_PROFILE;
    const problems = profileProblems(this.profile, options.region);
    if (problems.length > 0) throw new RangeError(`upstream profile: ${problems.join('; ')}`);
    const endpoint = { profile: this.profile, consumer: options.consumer, region: options.region };
    const methodUrl = (method: DukcapilMethod) =>
      dukcapilMethodUrl(options.baseUrl, endpoint, method);
    this.paths = {
      CALL_NIK: methodUrl('CALL_NIK').pathname,
      CALL_VERIFY_BY_ELEMEN: methodUrl('CALL_VERIFY_BY_ELEMEN').pathname,
    };
    this.pool = new SentNoticePool(methodUrl('CALL_NIK').origin, {
      connections: options.maxConnections,
      pipelining: 1,
      connectTimeout: options.connectTimeoutMs,
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
      keepAliveTimeout: 4_000,
    });
    // One per method: a verify outage (or a verify batch's load) never fails lookups fast.
    this.breakers = {
      CALL_NIK: new CircuitBreaker(options.breaker),
      CALL_VERIFY_BY_ELEMEN: new CircuitBreaker(options.breaker),
    };
    this.connections = new Semaphore(options.maxConnections);
    this.pacer =
      options.ratePerSecond === undefined
        ? undefined
        : new UpstreamRatePacer(options.ratePerSecond, options.maxRateWaitMs ?? 2_000, {
            windowMarginMs: options.rateWindowMarginMs,
          });
    this.observer = options.observer ?? noopUpstreamObserver;
  }

  /** `breaker` is CALL_NIK's (the lookups readiness speaks for); `methods` has each one's. */
  health(): UpstreamHealth {
    const methods = Object.fromEntries(
      METHODS.map((method) => [method, this.breakers[method].state]),
    ) as Record<DukcapilMethod, UpstreamHealth['breaker']>;
    return { breaker: methods.CALL_NIK, methods };
  }

  async lookupByNik(nik: string): Promise<UpstreamLookup> {
    const body = callNikBody(this.profile, this.options, nik);
    return this.invoke('CALL_NIK', body, (text, upstreamStatus, latencyMs) => {
      const raw = parseCallNikEnvelope(text);
      const { record, droppedKeys, unparseableValues } = normaliseUpstreamRecord(raw);
      this.observer.onDroppedKeys(droppedKeys);
      this.observer.onUnparseableValues(unparseableValues);
      // Never release a record that is not the one asked for.
      if (record.nik !== nik)
        throw new UpstreamFailure('malformed', 'record NIK differs from the request');
      return { record, upstreamStatus, latencyMs };
    });
  }

  async verifyByElements(
    nik: string,
    claims: VerifyClaims,
    threshold: number,
  ): Promise<UpstreamVerification> {
    const { body, claimed } = verifyBody(this.profile, this.options, nik, claims, threshold);
    return this.invoke('CALL_VERIFY_BY_ELEMEN', body, (text, upstreamStatus, latencyMs) => {
      const verdicts = parseVerifyEnvelope(text, claimed, threshold, this.profile.responseCodes);
      // A claimed NIK other than the one asked about is no match, whatever the NIK's verdict.
      if (claims.nik !== undefined && claims.nik !== nik) verdicts.nik = { match: false };
      return { verdicts, upstreamStatus, latencyMs };
    });
  }

  /**
   * One upstream call with the shared protections: the concurrency cap, the breaker, the one safe
   * retry, and the observer. `parse` turns the answer into a result or throws UpstreamFailure.
   */
  private async invoke<T>(
    method: DukcapilMethod,
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
    let paced: PacedStart | undefined;
    const breaker = this.breakers[method];
    try {
      // Waiting for a connection and a rate slot counts as in flight: the queue stays bounded.
      await this.connections.acquire();
      holdsConnection = true;
      // An open breaker fails fast before the rate quota's turn: refusing must neither wait for
      // a turn nor spend one. (A half-open probe is decided after the turn, by tryAcquire.)
      if (breaker.state === 'open') throw this.breakerOpen(breaker);
      paced = await this.pacer?.acquire();
      if (!breaker.tryAcquire()) throw this.breakerOpen(breaker);
      asked = true;
      started = performance.now();
      const { text, status } = await this.postWithOneSafeRetry(
        this.paths[method],
        JSON.stringify(body),
        paced === undefined ? undefined : this.leaving(paced, started),
      );
      const latencyMs = performance.now() - started;
      const result = parse(text, status, latencyMs);
      breaker.reportSuccess();
      this.observer.onCall('ok', latencyMs, method);
      return result;
    } catch (error) {
      const failure = toFailure(error);
      // Refused before the upstream was asked: nothing to tell the breaker or the metrics.
      if (!asked) throw failure;
      if (failure.kind === 'timeout' || failure.kind === 'unavailable') {
        breaker.reportFailure();
      } else if (failure.kind === 'malformed') {
        // Answered, but not readably: neither an outage nor proof of health (see the header).
        breaker.reportNeutral();
        this.observer.onMalformed?.(method, failure.reason);
      } else {
        // Not found, ambiguous, rejected and quota are answers: the upstream is healthy.
        breaker.reportSuccess();
      }
      this.observer.onCall(failure.kind, performance.now() - started, method);
      throw failure;
    } finally {
      paced?.end();
      if (holdsConnection) this.connections.release();
      this.inFlight--;
    }
  }

  private breakerOpen(breaker: CircuitBreaker): UpstreamFailure {
    return new UpstreamFailure(
      'unavailable',
      'circuit breaker open',
      undefined,
      breaker.msUntilProbe(),
    );
  }

  /** What the pool calls on each write of a paced call: the pacer's `sent`, the first one timed. */
  private leaving(paced: PacedStart, grantedAt: number): () => void {
    let first = true;
    return () => {
      paced.sent();
      if (!first) return;
      first = false;
      // Called from undici's onRequestSent, which aborts the (already written) request if this
      // throws: a metrics failure must not fail a call.
      try {
        this.observer.onLeft?.(performance.now() - grantedAt);
      } catch {
        // The observation is lost; the call is not.
      }
    };
  }

  /** `onSent`: told each time the request is written (the rate pacer counts from then). */
  private async postWithOneSafeRetry(
    path: string,
    body: string,
    onSent: (() => void) | undefined,
  ): Promise<{ text: string; status: number }> {
    const deadline = new CallDeadline(this.options.requestTimeoutMs);
    try {
      return await this.post(path, body, deadline, onSent);
    } catch (error) {
      if (!wasNothingSent(error) || deadline.aborted) throw error;
      return await this.post(path, body, deadline, onSent);
    } finally {
      deadline.clear();
    }
  }

  private async post(
    path: string,
    body: string,
    signal: CallDeadline,
    onSent: (() => void) | undefined,
  ): Promise<{ text: string; status: number }> {
    const options: Dispatcher.RequestOptions & SentNotice = {
      path,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
      signal,
      onSent,
    };
    const response = await this.pool.request(options);
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.options.maxResponseBytes) {
      response.body.destroy();
      throw new UpstreamFailure('malformed', 'response larger than the limit', response.statusCode);
    }
    // With a Content-Length within the limit (checked above; HTTP/1.1 framing holds the body to
    // it), undici reads the body at once; only an undeclared length is counted chunk by chunk,
    // which costs an async iterator per answer.
    const text = Number.isFinite(declared)
      ? await response.body.text()
      : await readBodyWithin(response.body, this.options.maxResponseBytes);
    if (text === undefined)
      throw new UpstreamFailure('malformed', 'response larger than the limit', response.statusCode);
    // DOMAIN.md: "Answers are HTTP 200 even for errors". A 5xx is the host failing (an
    // outage); any other status is an answer of another kind (a wrong path, a proxy's page).
    if (response.statusCode >= 500)
      throw new UpstreamFailure(
        'unavailable',
        `upstream HTTP status ${String(response.statusCode)}`,
        response.statusCode,
      );
    if (response.statusCode !== 200) {
      throw new UpstreamFailure(
        'malformed',
        `upstream HTTP status ${String(response.statusCode)}`,
        response.statusCode,
      );
    }
    return { text, status: response.statusCode };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
