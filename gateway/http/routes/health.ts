/** Liveness, readiness and metrics. */
import { revocationListCondition } from '../../../certs/revocation.ts';
import type { AppDeps } from '../app-deps.ts';
import { HealthResponse, ReadinessResponse } from '../schemas.ts';
import type { RouteSpec } from './route-spec.ts';

export function healthRoutes(deps: AppDeps): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      roles: 'any',
      summary: 'Liveness: the process answers',
      responses: { 200: { description: 'alive', schema: HealthResponse } },
      handler: (c) => c.json({ status: 'ok' as const }),
    },
    {
      method: 'GET',
      path: '/readyz',
      roles: 'any',
      summary: 'Readiness: audit writable, revocation list fresh, upstream breaker not open',
      responses: {
        200: { description: 'ready', schema: ReadinessResponse },
        503: { description: 'not ready', schema: ReadinessResponse },
      },
      handler: (c) => {
        const problems = deps.policy.registry.storedStateProblems();
        const unreadable = !deps.policy.registry.stateReadable();
        const checks = {
          audit: deps.audit.healthy() ? ('ok' as const) : ('failing' as const),
          // The reason code itself: anything but ok means every client is refused.
          revocationList: revocationListCondition(deps.revocation),
          upstreamBreaker: deps.upstream.health().breaker,
          upstreamBreakers: Object.fromEntries(
            [...deps.upstreams].map(([name, client]) => [name, client.health().breaker]),
          ),
          agreement: unreadable
            ? 'unknown'
            : (deps.policy.registry.inForce(deps.now())?.state ?? 'none'),
          clock: deps.policy.clock.check().trusted ? ('trusted' as const) : ('untrusted' as const),
          // Unusable stored rows refuse only what depends on them: reported, not a reason to
          // stop serving everything else.
          storedState: unreadable
            ? ('unreadable' as const)
            : problems.length === 0
              ? ('ok' as const)
              : ('problems' as const),
        };
        const ready =
          checks.audit === 'ok' &&
          checks.revocationList === 'ok' &&
          // Any upstream's open breaker: the clients of its agreements are not being served.
          !Object.values(checks.upstreamBreakers).includes('open') &&
          checks.clock === 'trusted' &&
          // Unreadable: every data request is refused, so not ready; rows set aside are not.
          !unreadable;
        return c.json({ ready, checks }, ready ? 200 : 503);
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      roles: ['officer'],
      summary: 'Prometheus metrics',
      responses: {
        200: {
          description: 'Prometheus text exposition format',
          contentType: 'text/plain; version=0.0.4',
        },
      },
      handler: async (c) => {
        const { text, contentType } = await deps.metrics.render();
        return c.text(text, 200, { 'Content-Type': contentType });
      },
    },
  ];
}
