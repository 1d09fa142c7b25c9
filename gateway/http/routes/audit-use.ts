/**
 * Every use of the trail by an officer (search, verification, export) is itself a record, written
 * before the answer: a use that cannot be recorded is not answered.
 */
import type { Context } from 'hono';
import type { AuditEvent } from '../../../audit/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';

/** Records an officer's use of the trail; refuses to answer if it cannot be recorded. */
export async function recordAuditUse(
  deps: AppDeps,
  c: Context<GatewayEnv>,
  event: string,
  extra: Partial<AuditEvent> = {},
): Promise<void> {
  const principal = c.var.principal;
  const address = deps.connection.remoteAddress(c);
  try {
    await deps.audit.append({
      type: 'audit',
      event,
      requestId: c.var.requestId,
      outcome: 'success',
      principal: {
        id: principal.id,
        role: principal.role,
        certificateFingerprint: principal.certificateFingerprint,
      },
      ...(address === undefined ? {} : { sourceAddress: address }),
      ...extra,
    });
  } catch (cause) {
    throw new ApiError('audit_unavailable', { cause });
  }
}
