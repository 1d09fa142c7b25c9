/** Builds the policy services of one gateway process. */
import type { AuditTrail, SubjectHasher } from '../../audit/index.ts';
import type { GerbangConfig } from '../config/index.ts';
import { AdminActions } from './admin/admin-actions.ts';
import { AnomalyService } from './anomalies/detector.ts';
import { ClockMonitor } from './clock/clock-monitor.ts';
import type { PolicyServices } from './index.ts';
import { ClientLimits } from './clients/limits.ts';
import { PolicyRegistry } from './agreements/registry.ts';
import type { StateDb } from '../../adapters/sqlite/state-db.ts';
import type { StoredStateProblem } from './agreements/stored-state.ts';

export function createPolicyServices(options: {
  readonly config: GerbangConfig;
  readonly state: StateDb;
  readonly audit: AuditTrail;
  readonly subjectHasher: SubjectHasher;
  readonly wall: () => number;
  readonly monotonic: () => number;
  readonly afterAgreementChange?: () => void;
  /** Told whenever the set of unusable rows in the state database changes. */
  readonly onStoredStateProblems?: (problems: readonly StoredStateProblem[]) => void;
}): PolicyServices {
  const registry = new PolicyRegistry(options.config, options.state, options.onStoredStateProblems);
  return {
    registry,
    limits: new ClientLimits(options.config),
    clock: new ClockMonitor(
      { wall: options.wall, monotonic: options.monotonic },
      options.config.clock.maxJumpSeconds * 1000,
    ),
    anomalies: new AnomalyService(options.config, options.audit, options.subjectHasher),
    admin: new AdminActions({
      config: options.config,
      registry,
      state: options.state,
      audit: options.audit,
      ...(options.afterAgreementChange ? { afterChange: options.afterAgreementChange } : {}),
    }),
  };
}
