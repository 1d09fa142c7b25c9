/**
 * Builds the real Hono application for in-process tests (`app.request()`), composed as the
 * gateway composes it (gateway/server/compose.ts) over fakes beside the real stores: a connection
 * whose client certificate the test chooses per request, the fake Dukcapil client over the
 * simulator's own population, an audit store whose appends can be made to fail, and no
 * return-data upstream (the delivery worker is never started).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { FakeDukcapilClient } from '../../adapters/dukcapil/index.ts';
import { SyntheticPopulation } from '../../adapters/dukcapil-sim/index.ts';
import type { AuditEvent, AuditRecord, AuditTrail } from '../../audit/index.ts';
import { SqliteAuditStore } from '../../audit/store/index.ts';
import type { RevocationChecker, RevocationStatus } from '../../certs/revocation.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../gateway/config/demo.ts';
import type { AppDeps } from '../../gateway/http/app-deps.ts';
import type {
  CertificateProblem,
  ConnectionInfo,
  PeerCertificate,
} from '../../gateway/http/peer.ts';
import { createGatewayMetrics } from '../../gateway/observability/metrics.ts';
import { openOutbox, openStateDb } from '../../gateway/server/adapters.ts';
import { composeGateway } from '../../gateway/server/compose.ts';
import { CardReadVerifier } from '../../gateway/services/readers/card-read-verifier.ts';
import { createTestSigner } from './audit-signer.ts';
import { readerPki } from './readers.ts';
import { fileTempDir } from './temp-dir.ts';

/** The certificate a test request presents, keyed by a test-only header. */
export const TEST_CERT_HEADER = 'x-test-certificate-cn';

export const HMAC_KEY = Buffer.alloc(32, 7);

export function certificateFor(
  commonName: string,
  organizationalUnit?: string,
  boundClient?: string,
): PeerCertificate {
  return {
    commonName,
    organizationalUnit,
    serialNumber: `5E${Buffer.from(commonName).toString('hex').toUpperCase()}`,
    fingerprint256: `FP:${commonName}`,
    ...(boundClient === undefined ? {} : { boundClient }),
  };
}

/** One CA and audit signing key per test file. */
const workDir = fileTempDir('gerbang-inproc-');
let signerPromise: ReturnType<typeof createTestSigner> | undefined;
let databases = 0;

/** The CA of this file's audit signer (the trust anchor of the in-process gateway). */
export async function testCertificateAuthority() {
  signerPromise ??= createTestSigner(workDir);
  return { ...(await signerPromise), workDir };
}

/** The real audit store, with a switch that makes appends fail like a full disk would. */
/**
 * A connection whose client certificate is named by the test header (`CN`, `CN/OU`, or
 * `CN/operator/APP` for an operator certificate bound to APP), as if TLS had verified it; `problem` is what TLS would have said of the certificate.
 */
export function headerConnection(
  options: { problem?: () => CertificateProblem; remoteAddress?: string } = {},
): ConnectionInfo {
  return {
    peerCertificate: (c) => {
      const cn = c.req.header(TEST_CERT_HEADER);
      if (cn === undefined) return undefined;
      const [commonName = '', ou, client] = cn.split('/');
      return certificateFor(commonName, ou, client);
    },
    certificateProblem: options.problem ?? (() => 'none'),
    remoteAddress: () => options.remoteAddress,
  };
}

export class SwitchableAuditTrail implements AuditTrail {
  failing = false;
  readonly store: SqliteAuditStore;
  constructor(store: SqliteAuditStore) {
    this.store = store;
  }
  append(event: AuditEvent): Promise<void> {
    return this.failing ? Promise.reject(new Error('disk full')) : this.store.append(event);
  }
  healthy(): boolean {
    return !this.failing && this.store.healthy();
  }
  newestRecordTime(): number | undefined {
    return this.store.newestRecordTime();
  }
  /** Every record written so far, oldest first. */
  get events(): AuditRecord[] {
    return [...this.store.records()];
  }
}

export async function buildTestApp(overrides: Partial<AppDeps> = {}) {
  const population = new SyntheticPopulation('test');
  const upstream = new FakeDukcapilClient({
    get: (nik: string) => population.find(nik),
  } as ReadonlyMap<string, Readonly<Record<string, unknown>>>);
  signerPromise ??= createTestSigner(workDir);
  const { signer, caPem } = await signerPromise;
  let now = Date.parse('2026-01-15T03:00:00Z');
  // The monotonic clock follows setNow; jumpClock moves the wall clock alone.
  let monotonicSkew = now;
  const dataDir = join(workDir, String(++databases));
  mkdirSync(dataDir);
  const store = new SqliteAuditStore({
    path: join(dataDir, 'audit.db'),
    instance: 'test',
    signer,
    now: () => now,
  });
  const audit = new SwitchableAuditTrail(store);
  const config = overrides.config ?? demoConfig(0, 0, DEMO_AGREEMENT.signedOn);
  const logger = pino({ level: 'silent' });
  const state = openStateDb(dataDir);
  const outbox = openOutbox(dataDir);
  const readerFiles = await readerPki();
  const revoked = new Set<string>();
  const revocation: RevocationChecker & { revoked: Set<string> } = {
    revoked,
    status: (serial: string): Promise<RevocationStatus> =>
      Promise.resolve(revoked.has(serial) ? 'revoked' : 'good'),
    healthy: () => true,
  };
  const connection = headerConnection({ remoteAddress: '127.0.0.1' });
  const { app, routes, deps } = composeGateway(
    config,
    {
      audit,
      auditStore: store,
      state,
      subjectKeys: { current: HMAC_KEY, retired: [] },
      auditTrustAnchorPem: caPem,
      logger,
      returnData: {
        outbox,
        client: {
          deliver: () => Promise.reject(new Error('no return-data upstream in-process')),
          close: () => Promise.resolve(),
        },
      },
      cardReads: new CardReadVerifier({
        samCaFile: readerFiles.samCaFile,
        cardIssuerCertFile: readerFiles.cardIssuerCertFile,
        nonceTtlSeconds: 60,
      }),
    },
    { wall: () => now, monotonic: () => now - monotonicSkew },
    { upstream, connection, revocation, metrics: createGatewayMetrics(), logger },
    overrides,
  );

  /** A request as principal `cn` (optionally with certificate OU `cn/ou`). */
  const request = (
    cn: string | undefined,
    path: string,
    init: RequestInit & { json?: unknown; operator?: string | null } = {},
  ) => {
    const headers = new Headers(init.headers);
    if (cn !== undefined) headers.set(TEST_CERT_HEADER, cn);
    if (init.operator !== null) headers.set('x-operator-id', init.operator ?? 'petugas.01');
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
    return app.request(path, { ...init, headers, body: body ?? null });
  };
  return {
    app,
    routes,
    deps,
    upstream,
    audit,
    revocation,
    request,
    /** Moves both clocks: time passes normally. */
    setNow: (value: number) => {
      now = value;
    },
    /** The wall clock jumps by `ms` while the monotonic clock does not. */
    jumpClock: (ms: number) => {
      now += ms;
      monotonicSkew += ms;
    },
    state,
    outbox,
  };
}

export const lookupBody = (overrides: Record<string, unknown> = {}) => ({
  nik: '6474015709900001',
  purpose: 'pendaftaran-wp',
  reference: 'SURAT/2026/001',
  ...overrides,
});
