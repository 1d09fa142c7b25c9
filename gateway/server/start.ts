/**
 * Starts the gateway: loads secrets, the client CA and its CRL, wires the real adapters into the
 * application and serves it over node:https with mandatory client certificates.
 */
import { createServer as createHttpsServer, type Server } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Logger } from 'pino';
import { DukcapilHttpClient, type DukcapilClient } from '../../adapters/dukcapil/index.ts';
import { createHash } from 'node:crypto';
import {
  countUpstreamCallsSince,
  createSubjectHasher,
  createSubjectTracer,
  type SqliteAuditStore,
} from '../../audit/index.ts';
import { join } from 'node:path';
import {
  AgreementMonitor,
  createPolicyServices,
  StateDb,
  type PolicyServices,
  type StoredStateProblem,
} from '../services/index.ts';
import { NonceStore } from '../services/readers/nonces.ts';
import { HttpReturnDataClient } from '../../adapters/dukcapil/data-balikan.ts';
import { OutboxStore } from '../../adapters/sqlite/outbox.ts';
import { DeliveryWorker } from '../services/return-data/delivery-worker.ts';
import { generateReport } from '../services/reports/generate.ts';
import { CardReadVerifier } from '../services/readers/card-read-verifier.ts';
import { fromPem, parseCertificateDer } from '../../certs/index.ts';
import { SyslogForwarder } from '../../adapters/syslog/index.ts';
import { createApp, GATEWAY_VERSION } from '../http/app.ts';
import { auditTrustAnchorPem, openAuditStore } from './audit-store.ts';
import type { AppDeps } from '../http/app-deps.ts';
import { readSecretBytes, readSecretText, type GerbangConfig } from '../config/index.ts';
import { answerClientError, answerConnect, unroutableRequest } from '../http/client-errors.ts';
import {
  createLogDestination,
  createLogger,
  type LogDestination,
  type LogWriteStats,
} from '../observability/logging.ts';
import { createGatewayMetrics, type GatewayMetrics } from '../observability/metrics.ts';
import { nodeTlsConnection } from '../http/peer.ts';
import { CrlFile } from '../../certs/revocation.ts';
import { HandshakeFailureAudit } from './handshake-failures.ts';

/** TLS 1.3 preferred; TLS 1.2 only with AEAD suites and forward secrecy. */
const TLS12_AEAD_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
].join(':');

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  readonly metrics: GatewayMetrics;
  readonly audit: SqliteAuditStore;
  readonly policy: PolicyServices;
  readonly readers: { readonly verifier: CardReadVerifier } | undefined;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** The instance's state directory (audit database). */
  readonly dataDir: string;
  readonly logger?: Logger;
  /** What the logger's destination could not write; with `logger`, from its destination. */
  readonly logWrites?: LogWriteStats;
  readonly now?: () => number;
  readonly upstream?: DukcapilClient;
}

const DAY_MS = 86_400_000;

/** Who acts when the gateway itself changes state (readers off at the end of an agreement). */
export const SYSTEM_PRINCIPAL = {
  id: 'gerbang-system',
  role: 'system',
  certificateFingerprint: '-',
} as const;

function upstreamObserver(metrics: GatewayMetrics) {
  return {
    onCall: (outcome: string) => {
      metrics.upstreamCalls.inc({ outcome });
    },
    onDroppedKeys: (count: number) => {
      if (count > 0) metrics.upstreamDroppedKeys.inc({}, count);
    },
    onUnparseableValues: (count: number) => {
      if (count > 0) metrics.upstreamUnparseable.inc({}, count);
    },
  };
}

/**
 * Serves `fetch` over node:https with mandatory client certificates from `clientCaPem`:
 * TLS 1.3 preferred, 1.2 with AEAD suites only; timeouts from the configuration.
 */
export async function listenTls(
  fetch: (request: Request) => Response | Promise<Response>,
  settings: GerbangConfig['server'],
  clientCaPem: string,
): Promise<Server> {
  const listener = getRequestListener(fetch, {
    hostname: settings.host,
    // Only requests Hono cannot even be handed (a request target such as `*`, a bad Host)
    // arrive here: they too get the one coded error shape.
    errorHandler: unroutableRequest,
  });
  const server = createHttpsServer(
    {
      key: readSecretBytes(settings.keyFile),
      cert: readFileSync(settings.certFile),
      ca: clientCaPem,
      // Every certificate is asked for and verified; an unverified one completes the
      // handshake only to be answered 401 with the reason (the principal middleware),
      // because a closed socket tells the client nothing.
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      ciphers: TLS12_AEAD_CIPHERS,
      honorCipherOrder: true,
      handshakeTimeout: settings.handshakeTimeoutMs,
      maxHeaderSize: settings.maxHeaderBytes,
      // How often request and header timeouts are checked (Node's default is every 30 s).
      connectionsCheckingInterval: Math.min(1000, settings.headersTimeoutMs / 2),
    },
    (incoming, outgoing) => {
      // The listener settles its own errors (Hono's handler, then `unroutableRequest`).
      void listener(incoming, outgoing);
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.requestTimeout = settings.requestTimeoutMs;
  server.headersTimeout = Math.min(settings.requestTimeoutMs, settings.headersTimeoutMs);
  server.keepAliveTimeout = settings.keepAliveTimeoutMs;
  server.maxConnections = settings.maxConnections;
  return server;
}

/** Each unusable row of state.db in the log, and the set of them once in the audit trail. */
function reportStoredStateProblems(
  problems: readonly StoredStateProblem[],
  logger: Logger,
  audit: SqliteAuditStore,
): void {
  for (const { where, problem, consequence } of problems)
    logger.error(
      { event: 'stored_state_unusable', where, problem, consequence },
      `unusable stored state in ${where}: ${problem}; ${consequence} (gerbang doctor lists every such row)`,
    );
  if (problems.length === 0) return;
  void audit
    .append({
      type: 'system',
      event: 'stored_state_unusable',
      outcome: 'error',
      detail: { count: problems.length, where: problems.map((p) => p.where).join('; ') },
    })
    .catch(() => undefined);
}

export async function startGateway(
  config: GerbangConfig,
  overrides: GatewayOptions,
): Promise<RunningGateway> {
  let logger = overrides.logger;
  let logWrites = overrides.logWrites;
  // Made here only when the caller gave no logger; then flushed here on close.
  let ownLog: LogDestination | undefined;
  if (logger === undefined) {
    ownLog = createLogDestination(1);
    logger = createLogger(config.logging.level, ownLog.stream);
    logWrites = ownLog.stats;
  }
  const metrics = createGatewayMetrics();
  if (logWrites !== undefined) {
    metrics.registry.observedCounter(
      'gerbang_log_write_failures_total',
      'Log writes that failed (full disk, closed pipe); the lines are retried',
      () => logWrites.failures,
    );
    metrics.registry.observedCounter(
      'gerbang_log_lines_dropped_total',
      'Log lines given up because the backlog of unwritten lines was full',
      () => logWrites.dropped,
    );
  }
  const clientCaPem = readFileSync(config.server.clientCaFile, 'utf8');
  const revocation = new CrlFile(
    config.server.crlFile,
    parseCertificateDer(fromPem(clientCaPem, 'CERTIFICATE')),
    (reason) => {
      logger.error(
        { event: 'crl_invalid', reason },
        'revocation list unusable: refusing all clients',
      );
    },
  );
  await revocation.refresh(true);

  const upstream =
    overrides.upstream ??
    new DukcapilHttpClient({
      ...config.upstream,
      password: readSecretText(config.upstream.passwordFile),
      observer: upstreamObserver(metrics),
    });
  const now = overrides.now ?? Date.now;
  let audit: SqliteAuditStore;
  try {
    audit = openAuditStore(config, overrides.dataDir, {
      now,
      onAlert: (event, detail) => {
        logger.error({ event, detail }, 'audit trail alert');
      },
    });
  } catch (error) {
    await upstream.close();
    throw error;
  }
  // Nothing is served until the start itself is on the record (fail closed). A start that
  // cannot be recorded leaves nothing open behind it, so that it can be tried again.
  try {
    await audit.append({
      type: 'system',
      event: 'config_loaded',
      outcome: 'success',
      detail: {
        version: GATEWAY_VERSION,
        configSha256: createHash('sha256').update(JSON.stringify(config)).digest('hex'),
        principals: Object.keys(config.principals).length,
        agreements: config.agreements.length,
      },
    });
  } catch (error) {
    await audit.close().catch(() => undefined);
    await upstream.close();
    throw error;
  }
  const newest = audit.newestRecordTime();
  if (newest !== undefined && now() < newest) {
    logger.error(
      { event: 'clock_untrusted', behindMs: newest - now() },
      'wall clock is behind the audit trail: data requests will be refused',
    );
  }
  const purgeOldRecords = (): void => {
    try {
      const { purged, throughSeq } = audit.purgeBefore(now() - config.audit.retentionDays * DAY_MS);
      if (purged > 0) {
        void audit
          .append({
            type: 'system',
            event: 'retention_purge',
            outcome: 'success',
            detail: { purged, throughSeq, retentionDays: config.audit.retentionDays },
          })
          .catch(() => undefined);
      }
    } catch (error) {
      logger.error(
        {
          event: 'retention_purge_failed',
          reason: error instanceof Error ? error.message : 'unknown',
        },
        'audit retention purge failed',
      );
    }
  };
  purgeOldRecords();
  const forwarder =
    config.siem === undefined
      ? undefined
      : new SyslogForwarder({
          host: config.siem.host,
          port: config.siem.port,
          ...(config.siem.serverName === undefined ? {} : { serverName: config.siem.serverName }),
          ca: readFileSync(config.siem.caFile, 'utf8'),
          cert: readFileSync(config.siem.certFile, 'utf8'),
          key: readSecretBytes(config.siem.keyFile),
          database: audit.database,
          readRecords: (after, limit) => [...audit.records(after + 1, after + limit)],
          onStateChange: (state, detail) => {
            (state === 'connected' ? logger.info.bind(logger) : logger.warn.bind(logger))(
              { event: `siem_${state}`, detail },
              `SIEM ${state}`,
            );
          },
        });
  forwarder?.start();
  const retentionTimer = setInterval(purgeOldRecords, DAY_MS);
  retentionTimer.unref();

  metrics.registry.gauge(
    'gerbang_audit_records_written_total',
    'Audit records committed by this process',
    () => audit.stats.records,
  );
  metrics.registry.gauge(
    'gerbang_audit_commits_total',
    'Audit write transactions (one fsync each) of this process',
    () => audit.stats.commits,
  );
  metrics.registry.gauge('gerbang_audit_writable', '1 while audit appends succeed', () =>
    audit.healthy() ? 1 : 0,
  );
  const subjectHasher = createSubjectHasher(readSecretBytes(config.audit.hmacKeyFile));
  const traceSubjects = createSubjectTracer(
    subjectHasher,
    (config.audit.previousHmacKeyFiles ?? []).map(readSecretBytes),
  );
  const state = new StateDb(join(overrides.dataDir, 'state.db'));
  const policy = createPolicyServices({
    config,
    state,
    audit,
    subjectHasher,
    wall: now,
    monotonic: () => performance.now(),
    // The monitor is created below; changes happen only after start-up.
    afterAgreementChange: () => void monitor.evaluate(),
    onStoredStateProblems: (problems) => {
      reportStoredStateProblems(problems, logger, audit);
    },
  });
  policy.limits.restore(
    now(),
    countUpstreamCallsSince(audit.database, new Date(policy.limits.dayStart(now())).toISOString()),
  );
  audit.onAppended((records) => {
    policy.anomalies.observe(records);
  });
  const monitor = new AgreementMonitor(policy.registry, audit, now, (error) => {
    logger.error(
      {
        event: 'agreement_monitor_failed',
        reason: error instanceof Error ? error.message : 'unknown',
      },
      'the agreement state could not be evaluated; retrying',
    );
  });
  // PKS Pasal 9(4): when data may no longer flow, every reader goes off — at the boundary, and at
  // start-up if the gateway was down when it passed.
  monitor.onChange(({ number, state, permitsAccess }) => {
    if (permitsAccess) return;
    void policy.admin
      .deactivateAllReaders(
        { principal: SYSTEM_PRINCIPAL, now: now() },
        `agreement ${number} ${state}`,
      )
      .then(async (count) => {
        if (count > 0)
          await audit.append({
            type: 'security',
            event: 'alert',
            outcome: 'alert',
            detail: { rule: 'readers_deactivated', readers: count, number, state },
          });
      })
      .catch((error: unknown) => {
        logger.error(
          {
            event: 'reader_deactivation_failed',
            reason: error instanceof Error ? error.message : 'unknown',
          },
          'could not deactivate readers',
        );
      });
  });
  await monitor.start();
  const outbox = new OutboxStore(join(overrides.dataDir, 'outbox.db'));
  const returnDataClient = new HttpReturnDataClient({
    baseUrl: config.upstream.baseUrl,
    consumer: config.upstream.consumer,
    ...config.returnData,
  });
  const worker = new DeliveryWorker({
    outbox,
    client: returnDataClient,
    audit,
    settings: config.returnData,
    now,
    logger,
  });
  worker.start();
  const readers =
    config.readers === undefined
      ? undefined
      : {
          verifier: new CardReadVerifier(config.readers),
          nonces: new NonceStore(config.readers.nonceTtlSeconds * 1000),
        };
  const scanOverdue = (): void => {
    try {
      const days = policy.registry.inForce(now())?.terms.returnDataWithinDays ?? 7;
      policy.anomalies.scanReturnDataOverdue(audit.database, now(), days);
    } catch (error) {
      // A timer must not end the process: the next hour tries again.
      logger.error(
        { event: 'return_data_overdue_scan_failed', reason: (error as Error).message },
        'overdue return-data scan failed',
      );
    }
  };
  const overdueTimer = setInterval(scanOverdue, 3_600_000);
  overdueTimer.unref();

  const deps: AppDeps = {
    config,
    upstream,
    audit,
    auditLog: audit,
    caCertificatePem: auditTrustAnchorPem(config),
    subjectHasher,
    traceSubjects,
    policy,
    readers,
    returnData: { outbox, worker },
    siem:
      forwarder === undefined
        ? undefined
        : { status: () => ({ ...forwarder.status(), lastSeq: audit.size }) },
    reports: {
      generate: (kind, period, requestedBy) =>
        generateReport({
          kind,
          period,
          config,
          audit,
          policy,
          caPem: auditTrustAnchorPem(config),
          now: now(),
          requestedBy,
        }),
    },
    connection: nodeTlsConnection,
    revocation,
    metrics,
    logger,
    now,
  };
  const { app } = createApp(deps);

  const server = await listenTls(app.fetch, config.server, clientCaPem);
  // Failed handshakes (old protocol versions, no shared cipher, garbage, too slow) are counted,
  // and audited coalesced per address and reason so that a flood cannot fill the trail.
  const handshakeFailures = new HandshakeFailureAudit(audit);
  server.on('tlsClientError', (error: NodeJS.ErrnoException, socket) => {
    const reason = error.code ?? 'unknown';
    metrics.tlsClientErrors.inc({ reason });
    handshakeFailures.record(socket.remoteAddress, reason);
    logger.debug({ event: 'tls_refused', reason, remote: socket.remoteAddress }, 'TLS refused');
  });
  // Beyond server.maxConnections new sockets are dropped; established clients keep their own.
  server.on('drop', () => {
    metrics.connectionsDropped.inc();
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    answerClientError(error, socket, { logger, metrics });
  });
  server.on('connect', (_request, socket) => {
    answerConnect(socket, { logger, metrics });
  });
  const { port, address } = server.address() as AddressInfo;
  logger.info({ event: 'gateway_started', address, port }, 'gateway listening');
  return {
    url: `https://${address}:${port}`,
    port,
    metrics,
    audit,
    policy,
    readers,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      clearInterval(retentionTimer);
      handshakeFailures.stop();
      await worker.stop();
      await returnDataClient.close();
      outbox.close();
      clearInterval(overdueTimer);
      monitor.stop();
      await forwarder?.stop();
      await upstream.close();
      await audit.close();
      state.close();
      ownLog?.flush();
    },
  };
}
