/**
 * The stateful layer, no HTTP in it: agreements and their monitor, clients and limits, clock
 * trust, anomalies, admin actions, readers, return data, reports. Built by `createServices`
 * (create-services.ts) from adapters already opened; it reaches them through their ports only.
 * This file only re-exports: nothing here imports it back, so there is no cycle through it.
 */
export {
  createPolicyServices,
  createServices,
  type PolicyServices,
  type ServiceAdapters,
  type Services,
} from './create-services.ts';
export { PolicyRegistry, type Agreement } from './agreements/registry.ts';
export {
  AgreementMonitor,
  SYSTEM_PRINCIPAL,
  switchReadersOffWhenAccessStops,
} from './agreements/agreement-monitor.ts';
export type { StoredStateProblem } from './agreements/stored-state.ts';
export { ClientLimits, dayInZone, secondsUntilMidnight } from './clients/limits.ts';
export { ClockMonitor, type ClockSources } from './clock/clock-monitor.ts';
export { AnomalyService } from './anomalies/detector.ts';
export { AdminActions } from './admin/admin-actions.ts';
export { AdminActionError } from './admin/errors.ts';
export { AuditUnavailable } from './errors.ts';
export { TERMINATION_REASONS } from './admin/agreements.ts';
export { iso27001Deadline, type AgreementView } from './admin/agreement-view.ts';
export type { AdminContext } from './admin/record.ts';
export { RetentionPurge, type PurgeRun } from './retention/retention-purge.ts';
export { CheckpointTimestamper } from './timestamping/checkpoint-timestamper.ts';
export { remindOfDueReport } from './reports/due-reminder.ts';
export type { DueStatus } from './reports/due-status.ts';
