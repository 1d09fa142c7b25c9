/** Stateful policy: agreements and clients as they stand, limits, clock trust, anomalies, admin actions. */
import type { AdminActions } from './admin-actions.ts';
import type { AnomalyService } from './anomalies.ts';
import type { ClockMonitor } from './clock.ts';
import type { ClientLimits } from './limits.ts';
import type { PolicyRegistry } from './registry.ts';

export interface PolicyServices {
  readonly registry: PolicyRegistry;
  readonly limits: ClientLimits;
  readonly clock: ClockMonitor;
  readonly anomalies: AnomalyService;
  readonly admin: AdminActions;
}

export { StateDb } from './state-db.ts';
export { PolicyRegistry, type Agreement } from './registry.ts';
export { ClientLimits, dayInZone, secondsUntilMidnight } from './limits.ts';
export { ClockMonitor } from './clock.ts';
export { AnomalyService } from './anomalies.ts';
export { AgreementMonitor } from './agreement-monitor.ts';
export {
  AdminActions,
  AdminActionError,
  TERMINATION_REASONS,
  iso27001Deadline,
  type AdminContext,
  type AgreementView,
} from './admin-actions.ts';
export { createPolicyServices } from './create.ts';
export type { StoredStateProblem } from './stored-state.ts';
