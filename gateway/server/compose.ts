/**
 * The gateway's object graph over opened adapters: the services (createServices), then the HTTP
 * application over them (createApp). The server composes here, and so does the in-process test
 * app with its fakes, so that what tests exercise is wired exactly as what is served.
 */
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { DukcapilClient } from '../../adapters/dukcapil/index.ts';
import type { IkdProfile } from '../../adapters/ikd/port.ts';
import type { RevocationChecker } from '../../certs/revocation.ts';
import { createPortalServices } from '../services/portal/index.ts';
import { DEFAULT_UPSTREAM, type GerbangConfig } from '../config/index.ts';
import { createApp } from '../http/app.ts';
import type { AppDeps } from '../http/app-deps.ts';
import type { GatewayEnv } from '../http/env.ts';
import type { ConnectionInfo } from '../http/peer.ts';
import type { RouteSpec } from '../http/routes/route-spec.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';
import {
  ChainVerification,
  type ChainVerifier,
} from '../services/audit-verification/chain-verification.ts';
import {
  createServices,
  type ClockSources,
  type ServiceAdapters,
  type Services,
} from '../services/index.ts';

/** What the HTTP application needs beside the services: the edges of a request. */
export interface AppEdges {
  /** The `default` upstream's client. */
  readonly upstream: DukcapilClient;
  /** The other configured upstreams' clients by name (`upstreams` in the configuration). */
  readonly upstreams?: ReadonlyMap<string, DukcapilClient> | undefined;
  /** The TLS connection of a request: its client certificate and address. */
  readonly connection: ConnectionInfo;
  readonly revocation: RevocationChecker;
  /** The IKD profile, when `ikd` is configured: it holds no state, only the issuer keys. */
  readonly ikd?: IkdProfile | undefined;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /**
   * Verifies the whole trail off the event loop (the server's: a worker thread). Without one the
   * store verifies itself in this thread: for in-process tests, whose trails are small.
   */
  readonly verifyChain?: ChainVerifier | undefined;
}

export interface ComposedGateway {
  readonly services: Services;
  readonly deps: AppDeps;
  readonly app: Hono<GatewayEnv>;
  readonly routes: readonly RouteSpec[];
}

/** `overrides` replace single dependencies of the application (tests only). */
export function composeGateway(
  config: GerbangConfig,
  adapters: ServiceAdapters,
  clock: ClockSources,
  edges: AppEdges,
  overrides: Partial<AppDeps> = {},
): ComposedGateway {
  const services = createServices(config, adapters, clock);
  const { verifyChain, upstreams: others, ...requestEdges } = edges;
  // `default` is whichever client serves as `upstream`, a test's replacement included.
  const defaultClient = overrides.upstream ?? edges.upstream;
  const upstreams = new Map([...(others ?? []), [DEFAULT_UPSTREAM, defaultClient]]);
  const { auditStore, auditTrustAnchorPem } = adapters;
  const chainVerification = new ChainVerification(
    verifyChain ?? (() => Promise.resolve().then(() => auditStore.verify(auditTrustAnchorPem))),
    clock.wall,
  );
  const deps: AppDeps = {
    config,
    audit: adapters.audit,
    auditLog: adapters.auditStore,
    caCertificatePem: adapters.auditTrustAnchorPem,
    subjectHasher: services.subjectHasher,
    traceSubjects: services.traceSubjects,
    policy: services.policy,
    readers: services.readers,
    returnData: services.returnData,
    siem: services.siem,
    reports: services.reports,
    chainVerification,
    ...requestEdges,
    upstreams,
    portal: createPortalServices(),
    now: clock.wall,
    ...overrides,
  };
  const { app, routes } = createApp(deps);
  return { services, deps, app, routes };
}
