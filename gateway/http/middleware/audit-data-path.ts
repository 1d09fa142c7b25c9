/**
 * Every data-path request leaves an audit record, whatever its outcome. The handler records a
 * success itself, before it answers (fail closed). Anything that ends the request earlier (bad
 * body, refusal, upstream failure) is recorded here with its error code.
 */
import type { MiddlewareHandler } from 'hono';
import type { AuditEventType, AuditTrail, AuditEvent } from '../../../audit/index.ts';
import type { ConnectionInfo } from '../peer.ts';
import { ApiError } from '../error-catalogue.ts';
import { toApiError } from '../error-mapping.ts';
import type { AuditDraft, GatewayEnv } from '../env.ts';
import type { Context } from 'hono';

export const auditDataPath = (options: {
  readonly type: AuditEventType;
  readonly trail: AuditTrail;
  readonly connection: ConnectionInfo;
}): MiddlewareHandler<GatewayEnv> =>
  async function auditDataPathMiddleware(c, next) {
    const principal = c.get('principal');
    const draft: AuditDraft = {
      recorded: false,
      type: options.type,
      requestId: c.get('requestId'),
      principal: {
        id: principal.id,
        role: principal.role,
        certificateFingerprint: principal.certificateFingerprint,
      },
    };
    const address = options.connection.remoteAddress(c);
    if (address !== undefined) draft.sourceAddress = address;
    c.set('audit', draft);
    await next();
    if (draft.recorded) return;
    const error = c.error;
    // Nothing was released: a success whose record failed was never sent.
    draft.elementsReleased = [];
    const apiError = toApiError(error);
    draft.outcome =
      apiError.code === 'nik_not_found'
        ? 'not_found'
        : apiError.code === 'nik_ambiguous'
          ? 'ambiguous' // several records for the NIK: none released (PKS Pasal 2(2)a)
          : apiError.status < 500
            ? 'denied'
            : 'error';
    draft.errorCode = apiError.code;
    try {
      await commitAudit(c, options.trail);
    } catch {
      // The request already failed and says so; the failure to record it is logged and shows in /readyz.
      c.get('log')().error(
        { event: 'audit_write_failed' },
        'could not record a refused data request',
      );
    }
  };

/**
 * Names the event of a data path's record from here on: refusals by a later check carry it too,
 * those of an earlier one (clock, admission, body reader) do not.
 */
export const nameAuditEvent = (event: string): MiddlewareHandler<GatewayEnv> =>
  async function nameAuditEventMiddleware(c, next) {
    dataPathDraft(c).event = event;
    await next();
  };

/** The audit draft of a data path; a route without `auditType` has none (a wiring error). */
export function dataPathDraft(c: Context<GatewayEnv>): AuditDraft {
  const draft = c.get('audit');
  if (draft === undefined)
    throw new ApiError('internal_error', { detail: 'data path without audit draft' });
  return draft;
}

/** Writes the draft; throws ApiError('audit_unavailable') when the trail cannot record it. */
export async function commitAudit(c: Context<GatewayEnv>, trail: AuditTrail): Promise<void> {
  const draft = dataPathDraft(c);
  const { recorded: _recorded, ...fields } = draft;
  if (fields.type === undefined || fields.requestId === undefined || fields.outcome === undefined) {
    throw new ApiError('internal_error', { detail: 'incomplete audit draft' });
  }
  try {
    await trail.append(fields as AuditEvent);
  } catch (cause) {
    throw new ApiError('audit_unavailable', { cause, detail: 'audit append failed' });
  }
  draft.recorded = true;
}
