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
  /** Told of each refusal: a jump (signed: positive ahead) or how far behind the trail. */
  readonly onUntrusted: (problem: {
    readonly reason: 'jump' | 'behind_trail';
    readonly ms: number;
  }) => void;
}): MiddlewareHandler<GatewayEnv> =>
  async function clockGuardMiddleware(_c, next) {
    const verdict = options.monitor.check();
    if (!verdict.trusted) {
      options.onUntrusted({ reason: 'jump', ms: verdict.jumpMs });
      throw new ApiError('clock_untrusted', {
        detail: `wall clock jumped ${verdict.jumpMs > 0 ? 'ahead' : 'back'} by ${Math.abs(verdict.jumpMs)} ms; an administrator must acknowledge (POST /v1/admin/clock/acknowledge)`,
      });
    }
    const newest = options.trail.newestRecordTime();
    const now = options.now();
    if (newest !== undefined && now < newest) {
      options.onUntrusted({ reason: 'behind_trail', ms: newest - now });
      throw new ApiError('clock_untrusted', {
        detail: `wall clock ${newest - now} ms behind the newest audit record; once the time is right, an administrator acknowledges it (POST /v1/admin/clock/acknowledge)`,
      });
    }
    await next();
  };
