/**
 * The adapters that speak to other machines, prepared from the configuration for
 * `openAdapters` (adapters.ts): the Dukcapil clients per upstream with their metrics, the
 * return-data client, the SIEM forwarder and the time-stamp authority. Each reads its secrets and
 * certificates now and returns what opens the connection later, so that a missing file fails the
 * start before any store is opened.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { HttpReturnDataClient, returnDataUrl } from '../../adapters/dukcapil/data-balikan.ts';
import {
  DukcapilHttpClient,
  profileProblems,
  resolveUpstreamProfile,
  type DukcapilClient,
} from '../../adapters/dukcapil/index.ts';
import { SyslogForwarder } from '../../adapters/syslog/index.ts';
import { HttpTimestampAuthority } from '../../adapters/tsa/index.ts';
import type { SqliteAuditStore } from '../../audit/store/index.ts';
import {
  configuredUpstreams,
  DEFAULT_UPSTREAM,
  readSecretBytes,
  readSecretText,
  type GerbangConfig,
} from '../config/index.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';
import { siemFeed } from './siem-feed.ts';

function upstreamObserver(metrics: GatewayMetrics, upstream: string) {
  return {
    // By method too: a malformed outcome (an answer the adapter cannot read) is counted apart
    // from the outages (timeout, unavailable), per method (docs/upstream.md, "Breakers"); and by
    // upstream name (never its URL), since each has its own breakers and quota.
    onCall: (outcome: string, latencyMs: number, method?: string) => {
      const name = method ?? 'unknown';
      metrics.upstreamCalls.inc({ outcome, method: name, upstream });
      metrics.upstreamDuration.observe({ method: name, outcome, upstream }, latencyMs / 1000);
    },
    onDroppedKeys: (count: number) => {
      if (count > 0) metrics.upstreamDroppedKeys.inc(count);
    },
    onUnparseableValues: (count: number) => {
      if (count > 0) metrics.upstreamUnparseable.inc(count);
    },
    onLeft: (delayMs: number) => {
      metrics.upstreamLeaveDelay.observe({ upstream }, delayMs / 1000);
    },
  };
}

/**
 * One Dukcapil client per configured upstream, each with its own pool, breakers and pacing; every
 * password read and every profile resolved now (a missing secret or a profile that does not fit
 * its region fails before anything opens). `given` replaces `default`'s client (tests).
 */
export function dukcapilClients(
  config: GerbangConfig,
  metrics: GatewayMetrics,
  given: DukcapilClient | undefined,
): () => Map<string, DukcapilClient> {
  const makers = configuredUpstreams(config).map(([name, upstream]) => {
    if (name === DEFAULT_UPSTREAM && given !== undefined) return [name, () => given] as const;
    const password = readSecretText(upstream.passwordFile);
    const profile = resolveUpstreamProfile(upstream.profile);
    const problems = profileProblems(profile, upstream.region);
    // Named, never its URL or account: the message reaches the operator's terminal and log.
    if (problems.length > 0)
      throw new RangeError(`upstream ${name} profile: ${problems.join('; ')}`);
    const open = () =>
      new DukcapilHttpClient({
        ...upstream,
        profile,
        password,
        observer: upstreamObserver(metrics, name),
      });
    return [name, open] as const;
  });
  return () => new Map(makers.map(([name, open]) => [name, open()]));
}

/**
 * The return-data client: its own URL (or `path` on the upstream host), its bearer token read now
 * from its secret file, like the upstream password, so that a missing token fails the start.
 */
export function openReturnDataClient(config: GerbangConfig): () => HttpReturnDataClient {
  const settings = config.returnData;
  const bearerToken =
    settings.auth.kind === 'bearer' ? readSecretText(settings.auth.tokenFile) : undefined;
  const url = returnDataUrl({
    url: settings.url,
    path: settings.path,
    upstreamBaseUrl: config.upstream.baseUrl,
    consumer: config.upstream.consumer,
  });
  return () =>
    new HttpReturnDataClient({
      url,
      consumer: config.upstream.consumer,
      idLembaga: settings.idLembaga,
      namaLembaga: settings.namaLembaga,
      bearerToken,
      payload: settings.payload,
      success: settings.success,
      requestTimeoutMs: settings.requestTimeoutMs,
    });
}

/** The SIEM's certificates and key, read now; the connection is the forwarder's job. */
export function siemForwarder(config: GerbangConfig, logger: Logger) {
  const siem = config.siem;
  if (siem === undefined) return undefined;
  const settings = {
    host: siem.host,
    port: siem.port,
    ...(siem.serverName === undefined ? {} : { serverName: siem.serverName }),
    ca: readFileSync(siem.caFile, 'utf8'),
    cert: readFileSync(siem.certFile, 'utf8'),
    key: readSecretBytes(siem.keyFile),
    onStateChange: (state: 'connected' | 'disconnected', detail: string) => {
      (state === 'connected' ? logger.info.bind(logger) : logger.warn.bind(logger))(
        { event: `siem_${state}`, detail },
        `SIEM ${state}`,
      );
    },
  };
  return (auditStore: SqliteAuditStore) =>
    new SyslogForwarder({ ...settings, ...siemFeed(auditStore) });
}

/**
 * The configured time-stamp authority, its CA (and TLS CA) read now; undefined when none is
 * configured. The gateway's time-stamping job and the doctor's probe ask the same one.
 */
export function timestampAuthority(
  config: GerbangConfig,
): (() => HttpTimestampAuthority) | undefined {
  const tsa = config.audit.timestampAuthority;
  if (tsa === undefined) return undefined;
  const options = {
    url: tsa.url,
    caPem: readFileSync(tsa.caFile, 'utf8'),
    ...(tsa.tlsCaFile === undefined ? {} : { tlsCaPem: readFileSync(tsa.tlsCaFile, 'utf8') }),
    ...(tsa.policy === undefined ? {} : { policy: tsa.policy }),
    timeoutMs: tsa.timeoutMs,
  };
  return () => new HttpTimestampAuthority(options);
}
