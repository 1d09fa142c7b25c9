/**
 * A wall clock earlier than the newest audit record is not trusted (ARCHITECTURE invariant 4):
 * setting the clock back must not revive an expired agreement or reorder the trail. Data requests
 * are refused until the clock catches up; the refusal is itself audited by the data path.
 */
import type { MiddlewareHandler } from 'hono';
import type { AuditTrail } from '../../../audit/index.ts';
import type { ClockMonitor } from '../../services/index.ts';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';

export const clockGuard = (options: {
  readonly monitor: ClockMonitor;
  readonly trail: AuditTrail;
  readonly now: () => number;
  readonly onUntrusted: (behindMs: number) => void;
}): MiddlewareHandler<GatewayEnv> =>
  async function clockGuardMiddleware(_c, next) {
    const verdict = options.monitor.check();
    if (!verdict.trusted) {
      options.onUntrusted(-verdict.jumpMs);
      throw new ApiError('clock_untrusted', {
        detail: `wall clock jumped ${verdict.jumpMs} ms; an administrator must acknowledge`,
      });
    }
    const newest = options.trail.newestRecordTime();
    const now = options.now();
    if (newest !== undefined && now < newest) {
      options.onUntrusted(newest - now);
      throw new ApiError('clock_untrusted', {
        detail: `wall clock ${newest - now} ms behind the newest audit record`,
      });
    }
    await next();
  };
