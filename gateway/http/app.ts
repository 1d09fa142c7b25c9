/**
 * The composition root of the HTTP application: global middleware, then every route of the
 * table with what its entry declares installed before its handler (route-pipeline.ts: roles,
 * data-path audit, body reader, operator, guards, body and query schemas), and the one error
 * handler.
 */
import { Hono } from 'hono';
import type { AppDeps } from './app-deps.ts';
import type { GatewayEnv } from './env.ts';
import { handleError, handleNotFound } from './error-handler.ts';
import { jsonBody } from './middleware/json-body.ts';
import { principal } from './middleware/principal.ts';
import { requestId } from './middleware/request-id.ts';
import { requestLog } from './middleware/request-log.ts';
import { isolateFromOtherSites } from './middleware/fetch-metadata.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { clientAdmission } from './middleware/client-admission.ts';
import { clockGuard } from './middleware/clock-guard.ts';
import { recordSecurityEvents } from './middleware/security-events.ts';
import { preAuthentication } from './middleware/pre-authentication.ts';
import { adminRoutes } from './routes/admin.ts';
import { adminReaderRoutes } from './routes/admin-readers.ts';
import { readerRoutes } from './routes/readers.ts';
import { returnDataRoutes } from './routes/return-data.ts';
import { reportRoutes } from './routes/reports.ts';
import { consoleRoutes } from './routes/console.tsx';
import { adminConsoleRoutes } from './routes/console-admin.tsx';
import { portalRoutes } from './routes/portal.tsx';
import { alertsRoute } from './routes/alerts.ts';
import { auditRoutes } from './routes/audit.ts';
import { healthRoutes } from './routes/health.ts';
import { lookupRoute } from './routes/lookup.ts';
import { verifyRoute } from './routes/verify.ts';
import { openApiRoute } from './routes/openapi.ts';
import type { RouteSpec } from './routes/route-spec.ts';
import { routePipeline, type SharedMiddleware } from './route-pipeline.ts';

export const GATEWAY_VERSION = '0.1.0';

/** The route table of the whole gateway. */
export function buildRoutes(deps: AppDeps): RouteSpec[] {
  const routes: RouteSpec[] = [
    ...healthRoutes(deps),
    lookupRoute(deps),
    verifyRoute(deps),
    ...auditRoutes(deps),
    alertsRoute(deps),
    ...adminRoutes(deps),
    ...returnDataRoutes(deps),
    ...reportRoutes(deps),
    ...readerRoutes(deps),
    ...adminReaderRoutes(deps),
    ...consoleRoutes(deps),
    ...adminConsoleRoutes(deps),
    ...portalRoutes(deps),
  ];
  routes.push(openApiRoute(() => routes, GATEWAY_VERSION));
  return routes;
}

export function createApp(deps: AppDeps): { app: Hono<GatewayEnv>; routes: readonly RouteSpec[] } {
  const app = new Hono<GatewayEnv>();
  app.use(requestId({ logger: deps.logger }));
  app.use(securityHeaders());
  // Before any other work: an address flooding certain refusals is answered without it.
  const { unauthenticated } = deps.policy;
  app.use(preAuthentication({ connection: deps.connection, unauthenticated }));
  app.use(requestLog({ metrics: deps.metrics, logger: deps.logger }));
  app.use(
    recordSecurityEvents({ trail: deps.audit, connection: deps.connection, unauthenticated }),
  );
  app.use(
    principal({
      principals: deps.config.principals,
      connection: deps.connection,
      revocation: deps.revocation,
      clientRefusal: (id) => {
        // An unreadable state.db is refused on the data path with its own code.
        if (!deps.policy.registry.stateReadable()) return undefined;
        const status = deps.policy.registry.clientStatus(id);
        return status?.suspended === true ? (status.reason ?? 'suspended') : undefined;
      },
    }),
  );
  // After the principal: what another site's page makes a browser send is refused, and recorded.
  app.use(isolateFromOtherSites());

  let lastClockAlert = -Infinity;
  const admitClient = clientAdmission({ policy: deps.policy, now: deps.now });
  const guardClock = clockGuard({
    monitor: deps.policy.clock,
    trail: deps.audit,
    now: deps.now,
    onUntrusted: ({ reason, ms }) => {
      deps.metrics.clockUntrusted.inc();
      // One alert a minute is enough to wake someone; every refusal is audited anyway.
      if (performance.now() - lastClockAlert > 60_000) {
        lastClockAlert = performance.now();
        deps.logger.error(
          { event: 'clock_untrusted', reason, ms },
          'wall clock untrusted: data requests refused',
        );
        void deps.audit
          .append({
            type: 'security',
            event: 'alert',
            outcome: 'alert',
            detail: { rule: 'clock_untrusted', reason, ms },
          })
          .catch(() => undefined);
      }
    },
  });
  const shared: SharedMiddleware = {
    trail: deps.audit,
    connection: deps.connection,
    guardClock,
    admitClient,
    readBody: jsonBody({ limitBytes: deps.config.server.bodyLimitBytes }),
    operators: {
      // An unreadable state.db is refused on the data path with its own code.
      agreementRequiresAuthentication: (client) =>
        deps.policy.registry.stateReadable() &&
        deps.policy.registry.governing(client, deps.now())?.agreement
          .requireAuthenticatedOperators === true,
    },
  };
  const routes = buildRoutes(deps);
  for (const route of routes)
    app.on(route.method, [route.path], ...routePipeline(route, shared), route.handler);
  app.onError(handleError);
  app.notFound(handleNotFound);
  return { app, routes };
}
