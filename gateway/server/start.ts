/**
 * Starts the gateway, the composition root of `gerbang serve`: the adapters are opened from the
 * configuration (adapters.ts, the start recorded in the trail before anything else), the services
 * and the HTTP application composed over them (compose.ts), the background jobs started
 * (jobs.ts), and the application served over node:https with mandatory client certificates
 * (listen-tls.ts). Closing undoes it in the reverse order.
 */
import { createHash } from 'node:crypto';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { DukcapilClient } from '../../adapters/dukcapil/index.ts';
import type { AuditEvent } from '../../audit/index.ts';
import type { SqliteAuditStore } from '../../audit/store/index.ts';
import type { GerbangConfig } from '../config/index.ts';
import { GATEWAY_VERSION } from '../http/app.ts';
import { answerClientError, answerConnect } from '../http/client-errors.ts';
import { nodeTlsConnection } from '../http/peer.ts';
import {
  createLogDestination,
  createLogger,
  type LogDestination,
  type LogWriteStats,
} from '../observability/logging.ts';
import { createGatewayMetrics, type GatewayMetrics } from '../observability/metrics.ts';
import type { PolicyServices, Services } from '../services/index.ts';
import { openAdapters } from './adapters.ts';
import { auditChainVerifier } from './chain-verification/in-worker.ts';
import { composeGateway } from './compose.ts';
import { HandshakeFailureAudit } from './handshake-failures.ts';
import { gatewayJobs, startJobs } from './jobs.ts';
import { listenTls } from './listen-tls.ts';
import { observeAuditStore, observeLogWrites } from './process-metrics.ts';
import { observeBoundedState } from './bounded-state-metrics.ts';

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  readonly metrics: GatewayMetrics;
  readonly audit: SqliteAuditStore;
  readonly policy: PolicyServices;
  readonly readers: Pick<NonNullable<Services['readers']>, 'verifier'> | undefined;
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

/** The caller's logger, or one of the gateway's own on stdout (flushed when the gateway closes). */
function gatewayLogger(config: GerbangConfig, options: GatewayOptions) {
  if (options.logger !== undefined)
    return { logger: options.logger, logWrites: options.logWrites, ownLog: undefined };
  const ownLog: LogDestination = createLogDestination(1);
  return {
    logger: createLogger(config.logging.level, ownLog.stream),
    logWrites: ownLog.stats,
    ownLog,
  };
}

/** The first record of every start: which version, under which configuration. */
function startRecord(config: GerbangConfig): AuditEvent {
  return {
    type: 'system',
    event: 'config_loaded',
    outcome: 'success',
    detail: {
      version: GATEWAY_VERSION,
      configSha256: createHash('sha256').update(JSON.stringify(config)).digest('hex'),
      principals: Object.keys(config.principals).length,
      agreements: config.agreements.length,
    },
  };
}

/** Said once at start; the clock guard refuses data requests meanwhile (gateway/http). */
function warnIfClockBehindTrail(audit: SqliteAuditStore, now: () => number, logger: Logger): void {
  const newest = audit.newestRecordTime();
  if (newest !== undefined && now() < newest) {
    logger.error(
      { event: 'clock_untrusted', behindMs: newest - now() },
      'wall clock is behind the audit trail: data requests will be refused',
    );
  }
}

/** Connections refused before HTTP: counted, logged, and failed handshakes audited coalesced. */
function watchConnections(
  server: Server,
  edges: { metrics: GatewayMetrics; logger: Logger; handshakeFailures: HandshakeFailureAudit },
): void {
  const { metrics, logger, handshakeFailures } = edges;
  // Old protocol versions, no shared cipher, garbage, too slow: audited per address and reason
  // and window, so that a flood cannot fill the trail.
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
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeAllConnections();
  });
}

export async function startGateway(
  config: GerbangConfig,
  options: GatewayOptions,
): Promise<RunningGateway> {
  const { logger, logWrites, ownLog } = gatewayLogger(config, options);
  const metrics = createGatewayMetrics({ defaultMetrics: true });
  if (logWrites !== undefined) observeLogWrites(metrics, logWrites);
  const now = options.now ?? Date.now;
  // Nothing is served until the start itself is on the record (fail closed). A start that
  // cannot be recorded leaves nothing open behind it, so that it can be tried again.
  const adapters = await openAdapters(config, options.dataDir, {
    logger,
    metrics,
    now,
    upstream: options.upstream,
    firstRecord: startRecord(config),
  });
  const { auditStore } = adapters;
  try {
    warnIfClockBehindTrail(auditStore, now, logger);
    observeAuditStore(metrics, auditStore);
    // Whole-chain verification runs in a worker thread: the event loop keeps serving meanwhile.
    const chainVerifier = auditChainVerifier(config, auditStore, adapters.auditTrustAnchorPem);
    const { services, app } = composeGateway(
      config,
      adapters,
      { wall: now, monotonic: () => performance.now() },
      {
        upstream: adapters.upstream,
        upstreams: adapters.upstreams,
        connection: nodeTlsConnection,
        revocation: adapters.revocation,
        ikd: adapters.ikd,
        metrics,
        logger,
        verifyChain: chainVerifier.verify,
      },
    );
    const handshakeFailures = new HandshakeFailureAudit(
      auditStore,
      60_000,
      config.server.unauthenticated.maxSourcesPerMinute,
    );
    observeBoundedState(metrics, services);
    const stopJobs = await startJobs(
      gatewayJobs({ config, adapters, services, handshakeFailures, logger, metrics, now }),
    );
    const server = await listenTls(app.fetch, config.server, adapters.clientCaPem).catch(
      async (error: unknown) => {
        await stopJobs();
        throw error;
      },
    );
    watchConnections(server, { metrics, logger, handshakeFailures });
    const { port, address } = server.address() as AddressInfo;
    logger.info({ event: 'gateway_started', address, port }, 'gateway listening');
    return {
      url: `https://${address}:${port}`,
      port,
      metrics,
      audit: auditStore,
      policy: services.policy,
      readers: services.readers,
      close: async () => {
        await closeServer(server);
        await chainVerifier.close();
        await stopJobs();
        await adapters.close();
        ownLog?.flush();
      },
    };
  } catch (error) {
    await adapters.close().catch(() => undefined);
    throw error;
  }
}
