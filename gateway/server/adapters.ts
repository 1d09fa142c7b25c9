/**
 * Opening the adapters from the configuration, for the gateway (`openAdapters`) and for CLI
 * commands working on the same files (`openStores`): the only place that opens the audit trail,
 * state.db, outbox.db, the Dukcapil clients, the SIEM forwarder and the CRL. What is read from
 * files (secrets, certificates) is read first, so that a missing file fails the start before
 * anything is opened or recorded; then each store is opened, and closed in the reverse order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { HttpReturnDataClient, returnDataUrl } from '../../adapters/dukcapil/data-balikan.ts';
import {
  DukcapilHttpClient,
  profileProblems,
  resolveUpstreamProfile,
  type DukcapilClient,
} from '../../adapters/dukcapil/index.ts';
import { openIkdProfile, type IkdProfile } from '../../adapters/ikd/index.ts';
import { OutboxStore } from '../../adapters/sqlite/outbox.ts';
import { StateDb } from '../../adapters/sqlite/state-db.ts';
import { SyslogForwarder } from '../../adapters/syslog/index.ts';
import { HttpTimestampAuthority } from '../../adapters/tsa/index.ts';
import type { AuditEvent } from '../../audit/index.ts';
import type { SqliteAuditStore } from '../../audit/store/index.ts';
import { fromPem, parseCertificateDer } from '../../certs/index.ts';
import { CrlFile } from '../../certs/revocation.ts';
import {
  configuredUpstreams,
  DEFAULT_UPSTREAM,
  readSecretBytes,
  readSecretText,
  type GerbangConfig,
} from '../config/index.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';
import type { ServiceAdapters } from '../services/index.ts';
import { CardReadVerifier } from '../services/readers/card-read-verifier.ts';
import { auditTrustAnchorPem, openAuditStore } from './audit-store.ts';

/** The instance's state.db; `readOnly` for `gerbang doctor`, which must change nothing. */
export function openStateDb(dataDir: string, options: { readOnly?: boolean } = {}): StateDb {
  return new StateDb(join(dataDir, 'state.db'), options);
}

export function openOutbox(dataDir: string): OutboxStore {
  return new OutboxStore(join(dataDir, 'outbox.db'));
}

/** What CLI commands open: the trail, state.db and the HMAC keys; no network, no outbox. */
export interface StoreAdapters extends ServiceAdapters {
  readonly auditStore: SqliteAuditStore;
  readonly state: StateDb;
  close(): Promise<void>;
}

/** What the gateway opens: the stores, the CRL, Dukcapil, the outbox and its client, the SIEM. */
export interface GatewayAdapters extends StoreAdapters {
  readonly clientCaPem: string;
  readonly revocation: CrlFile;
  /** The `default` upstream's client. */
  readonly upstream: DukcapilClient;
  /** Every configured upstream's client by name, `default` included. */
  readonly upstreams: ReadonlyMap<string, DukcapilClient>;
  readonly returnData: { readonly outbox: OutboxStore; readonly client: HttpReturnDataClient };
  readonly siem: SyslogForwarder | undefined;
  /** The RFC 3161 time-stamp authority, when configured. */
  readonly timestampAuthority: HttpTimestampAuthority | undefined;
  /** IKD presentations, when `ikd` is configured: the issuer keys read now. */
  readonly ikd: IkdProfile | undefined;
}

/** Closers of what is open so far, run last-opened first (at close, or when a later step fails). */
class OpenedSoFar {
  private readonly closers: (() => unknown)[] = [];

  add<T>(resource: T, close: (resource: T) => unknown): T {
    this.closers.push(() => close(resource));
    return resource;
  }

  async close(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) await close();
  }

  /** `open`'s result; if it throws, everything opened so far is closed first. */
  async attempt<T>(open: () => T | Promise<T>): Promise<T> {
    try {
      return await open();
    } catch (error) {
      await this.close().catch(() => undefined);
      throw error;
    }
  }
}

interface StoreOptions {
  readonly logger?: Logger | undefined;
  /** The audit store's clock (tests move it). */
  readonly now?: () => number;
  /**
   * Appended as soon as the trail is open. A trail that cannot record it fails the opening and
   * leaves nothing open behind it, so that the start can be tried again (the gateway's start).
   */
  readonly firstRecord?: AuditEvent;
}

async function openStoresInto(
  opened: OpenedSoFar,
  config: GerbangConfig,
  dataDir: string,
  options: StoreOptions,
): Promise<Omit<StoreAdapters, 'close'>> {
  const { logger } = options;
  const subjectKeys = {
    current: readSecretBytes(config.audit.hmacKeyFile),
    retired: (config.audit.previousHmacKeyFiles ?? []).map(readSecretBytes),
  };
  const trustAnchorPem = auditTrustAnchorPem(config);
  // Opened on first use (adapters/sqlite/open.ts): no file is touched here.
  const state = opened.add(openStateDb(dataDir), (db) => {
    db.close();
  });
  const auditStore = await opened.attempt(() =>
    opened.add(
      openAuditStore(config, dataDir, {
        ...(options.now ? { now: options.now } : {}),
        ...(logger
          ? {
              onAlert: (event: string, detail: string) => {
                logger.error({ event, detail }, 'audit trail alert');
              },
            }
          : {}),
      }),
      (store) => store.close(),
    ),
  );
  const trailTimeAtOpen = auditStore.newestRecordTime();
  const { firstRecord } = options;
  if (firstRecord !== undefined) await opened.attempt(() => auditStore.append(firstRecord));
  return {
    audit: auditStore,
    auditStore,
    trailTimeAtOpen,
    state,
    subjectKeys,
    auditTrustAnchorPem: trustAnchorPem,
    ...(logger ? { logger } : {}),
  };
}

/** The stores of the instance for a CLI command (SQLite WAL lets it work beside the gateway). */
export async function openStores(
  config: GerbangConfig,
  dataDir: string,
  options: StoreOptions = {},
): Promise<StoreAdapters> {
  const opened = new OpenedSoFar();
  const stores = await openStoresInto(opened, config, dataDir, options);
  return { ...stores, close: () => opened.close() };
}

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
  };
}

/**
 * One Dukcapil client per configured upstream, each with its own pool, breakers and pacing; every
 * password read and every profile resolved now (a missing secret or a profile that does not fit
 * its region fails before anything opens). `given` replaces `default`'s client (tests).
 */
function dukcapilClients(
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
function openReturnDataClient(config: GerbangConfig): () => HttpReturnDataClient {
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

/** The client CA, read before anything else: without it no client is known. */
function readClientCa(config: GerbangConfig) {
  const clientCaPem = readFileSync(config.server.clientCaFile, 'utf8');
  return { clientCaPem, clientCa: parseCertificateDer(fromPem(clientCaPem, 'CERTIFICATE')) };
}

/**
 * The CRL, read once state.db is open: the newest CRL applied is kept there, so that a restart
 * with an older CRL file in place refuses it (certs/revocation.ts).
 */
async function openRevocation(
  config: GerbangConfig,
  clientCa: ReturnType<typeof readClientCa>['clientCa'],
  state: StateDb,
  logger: Logger,
): Promise<CrlFile> {
  const revocation = new CrlFile(config.server.crlFile, clientCa, {
    onError: (reason) => {
      logger.error(
        { event: 'crl_invalid', reason },
        'revocation list unusable: refusing all clients',
      );
    },
    onStoreError: (reason) => {
      logger.warn({ event: 'crl_mark_unavailable', reason }, 'state.db cannot keep the CRL order');
    },
    // Paced by the monotonic clock: a wall clock stepped back must not stop the re-reads.
    now: () => performance.now(),
    // nextUpdate is a date on the system clock, as TLS certificates' validity is.
    wallClock: Date.now,
    graceMs: config.server.crlGraceSeconds * 1000,
    marks: state,
  });
  await revocation.refresh(true);
  return revocation;
}

/** The SIEM's certificates and key, read now; the connection is the forwarder's job. */
function siemForwarder(config: GerbangConfig, logger: Logger) {
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
    new SyslogForwarder({
      ...settings,
      cursor: auditStore.cursor('siem'),
      readRecords: (after, limit) => [...auditStore.records(after + 1, after + limit)],
      checkpoints: {
        cursor: auditStore.cursor('siem-checkpoints'),
        read: (from, to) => auditStore.checkpoints(from, to),
      },
    });
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

/** Every adapter of a serving gateway; `upstream` replaces the Dukcapil client (tests). */
export async function openAdapters(
  config: GerbangConfig,
  dataDir: string,
  options: StoreOptions & {
    readonly logger: Logger;
    readonly metrics: GatewayMetrics;
    readonly upstream?: DukcapilClient | undefined;
  },
): Promise<GatewayAdapters> {
  const { logger } = options;
  const { clientCaPem, clientCa } = readClientCa(config);
  const openUpstreams = dukcapilClients(config, options.metrics, options.upstream);
  const openSiem = siemForwarder(config, logger);
  const openReturnData = openReturnDataClient(config);
  const openTimestampAuthority = timestampAuthority(config);
  const cardReads = config.readers === undefined ? undefined : new CardReadVerifier(config.readers);
  const ikd = config.ikd === undefined ? undefined : openIkdProfile(config.ikd);
  const opened = new OpenedSoFar();
  // Opened on first use: no file is touched until the trail has recorded the start.
  const outbox = opened.add(openOutbox(dataDir), (store) => {
    store.close();
  });
  const stores = await openStoresInto(opened, config, dataDir, options);
  const revocation = await opened.attempt(() =>
    openRevocation(config, clientCa, stores.state, logger),
  );
  const upstreams = openUpstreams();
  // Closed before the trail: lookups still in flight finish, and are recorded.
  for (const client of upstreams.values()) opened.add(client, (open) => open.close());
  const upstream = upstreams.get(DEFAULT_UPSTREAM);
  if (upstream === undefined) throw new RangeError('no default upstream');
  const returnDataClient = opened.add(openReturnData(), (client) => client.close());
  const siem = await opened.attempt(() => openSiem?.(stores.auditStore));
  const tsa = openTimestampAuthority?.();
  if (tsa !== undefined) opened.add(tsa, (authority) => authority.close());
  return {
    ...stores,
    clientCaPem,
    revocation,
    upstream,
    upstreams,
    returnData: { outbox, client: returnDataClient },
    siem,
    timestampAuthority: tsa,
    cardReads,
    ikd,
    close: () => opened.close(),
  };
}
