/**
 * How every administrative change is made: recorded in the audit trail, then applied. A change
 * the trail cannot record is not made (AuditUnavailable). When the state database then refuses
 * the write (a full disk), the trail says so in a second record, and the store's error reaches
 * the caller. Also what each aggregate's actions are built from.
 */
import type { AuditEvent, AuditTrail } from '../../../audit/index.ts';
import { StorageUnavailable, type StateStore } from '../../../adapters/sqlite/port.ts';
import type { GerbangConfig } from '../../config/index.ts';
import type { PolicyRegistry } from '../agreements/registry.ts';
import { AuditUnavailable } from '../errors.ts';

/** Who makes a change, under which request, and when. */
export interface AdminContext {
  readonly principal: NonNullable<AuditEvent['principal']>;
  readonly requestId?: string;
  readonly now: number;
  /** Where the change was made (`console`); absent from the API and the CLI. */
  readonly via?: 'console';
  /** The reason the console asks for every change, recorded where the action has none of its own. */
  readonly reason?: string;
}

/** What the actions on agreements, clients and readers read and change. */
export interface AdminStores {
  readonly config: GerbangConfig;
  readonly registry: PolicyRegistry;
  readonly state: StateStore;
  readonly audit: AuditTrail;
  /** Told after the agreements changed (the agreement monitor re-evaluates). */
  readonly afterChange: () => void;
}

export async function recordThenApply(
  audit: AuditTrail,
  context: AdminContext,
  event: string,
  detail: Record<string, string | number | boolean>,
  apply: () => void,
): Promise<void> {
  const entry = {
    type: 'admin' as const,
    principal: context.principal,
    ...(context.requestId ? { requestId: context.requestId } : {}),
  };
  const recorded = {
    ...detail,
    ...(context.reason === undefined || 'reason' in detail ? {} : { reason: context.reason }),
    ...(context.via === undefined ? {} : { via: context.via }),
  };
  try {
    await audit.append({ ...entry, event, outcome: 'success', detail: recorded });
  } catch (cause) {
    throw new AuditUnavailable(cause);
  }
  try {
    apply();
  } catch (error) {
    await audit
      .append({
        ...entry,
        event: 'admin_change_not_applied',
        outcome: 'error',
        detail: {
          event,
          reason: error instanceof StorageUnavailable ? 'state_unavailable' : 'error',
        },
      })
      .catch(() => undefined);
    throw error;
  }
}
