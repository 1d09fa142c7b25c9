/** Stateful policy: agreements and clients as they stand, limits, clock trust, anomalies, admin actions. */
import type { AdminActions } from './admin/admin-actions.ts';
import type { AnomalyService } from './anomalies/detector.ts';
import type { ClockMonitor } from './clock/clock-monitor.ts';
import type { ClientLimits } from './clients/limits.ts';
import type { PolicyRegistry } from './agreements/registry.ts';

export interface PolicyServices {
  readonly registry: PolicyRegistry;
  readonly limits: ClientLimits;
  readonly clock: ClockMonitor;
  readonly anomalies: AnomalyService;
  readonly admin: AdminActions;
}

export { StateDb } from '../../adapters/sqlite/state-db.ts';
export { PolicyRegistry, type Agreement } from './agreements/registry.ts';
export { ClientLimits, dayInZone, secondsUntilMidnight } from './clients/limits.ts';
export { ClockMonitor } from './clock/clock-monitor.ts';
export { AnomalyService } from './anomalies/detector.ts';
export { AgreementMonitor } from './agreements/agreement-monitor.ts';
export {
  AdminActions,
  AdminActionError,
  TERMINATION_REASONS,
  iso27001Deadline,
  type AdminContext,
  type AgreementView,
} from './admin/admin-actions.ts';
export { createPolicyServices } from './create-services.ts';
export type { StoredStateProblem } from './agreements/stored-state.ts';
