/**
 * The two steps every data path that releases elements shares: the decision (agreement in force,
 * the principal's profile, purpose, fields) and the release (projection, a durable audit record,
 * then the answer). Lookups and card reads differ only in where the record comes from.
 */
import type { Context } from 'hono';
import {
  decideLookup,
  grantedElements,
  projectGrantedFields,
  type ElementName,
  type PopulationRecord,
} from '../../../policies/index.ts';
import { UpstreamFailure, type DukcapilClient } from '../../../adapters/dukcapil/port.ts';
import type { AgreementInForce } from '../../../policies/index.ts';
import { PolicyRegistry, type Agreement } from '../../services/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { ApiError } from '../error-catalogue.ts';
import type { AuditDraft, GatewayEnv } from '../env.ts';
import { commitAudit } from '../middleware/audit-data-path.ts';

/** The agreement a request was decided under: its number and the upstream it is with. */
export interface GoverningAgreement {
  readonly number: string;
  readonly upstream: string;
}

/**
 * Decides which elements may be released to the calling principal, and under which agreement
 * (noted on the audit draft: with several in force, the record says which one governed); throws
 * the refusal.
 */
export function authorizeRelease(
  deps: AppDeps,
  draft: AuditDraft,
  request: {
    principalId: string;
    purpose: string;
    fields: readonly ElementName[] | undefined;
    now: number;
  },
): {
  fields: readonly ElementName[];
  /** The agreement in force as amended at `now` (its terms: the verify threshold, methods). */
  inForce: AgreementInForce<Agreement>;
  governing: GoverningAgreement;
} {
  const profile = deps.policy.registry.profile(request.principalId);
  if (profile === undefined)
    throw new ApiError('forbidden', { detail: 'principal without profile' });
  // The agreement that serves this client, as amended at this instant (several may be in force).
  const agreement = deps.policy.registry.governing(request.principalId, request.now);
  if (agreement === undefined) throw new ApiError('agreement_inactive');
  const governing = {
    number: agreement.agreement.number,
    upstream: PolicyRegistry.upstreamOf(agreement.agreement),
  };
  // The name of the upstream, never its address or account: those stay in the configuration.
  draft.detail = { ...draft.detail, agreement: governing.number, upstream: governing.upstream };
  draft.elementsRequested = request.fields ?? grantedElements(profile, agreement.terms.elements);
  const decision = decideLookup({
    agreementState: agreement.state,
    agreementElements: agreement.terms.elements,
    profile,
    purpose: request.purpose,
    requestedFields: request.fields,
  });
  if (!decision.allowed) throw new ApiError(decision.code);
  return { fields: decision.fields, inForce: agreement, governing };
}

/**
 * The client of the upstream the governing agreement is with. An agreement whose upstream is
 * not configured (a stored renewal naming one since removed) reaches no other upstream instead.
 */
function upstreamClient(deps: AppDeps, name: string): DukcapilClient {
  const client = deps.upstreams.get(name);
  if (client === undefined)
    throw new ApiError('upstream_unavailable', {
      detail: 'agreement names no configured upstream',
    });
  return client;
}

/** One call to Dukcapil on behalf of a client, under the agreement `authorizeRelease` found. */
export interface UpstreamRequest {
  readonly principalId: string;
  readonly operator: string;
  readonly nik: string;
  readonly now: number;
  readonly agreement: GoverningAgreement;
}

/**
 * Spends the client's and the agency's quota, then makes one upstream call, noting the upstream
 * status and latency (or failure) on the audit draft. Whatever it returns lives for the request.
 */
export async function callUpstream<T extends { upstreamStatus: number; latencyMs: number }>(
  deps: AppDeps,
  draft: AuditDraft,
  request: UpstreamRequest,
  call: (upstream: DukcapilClient) => Promise<T>,
): Promise<T> {
  const { principalId, nik, now } = request;
  const upstreamName = request.agreement.upstream;
  const upstream = upstreamClient(deps, upstreamName);
  // Only requests that will reach Dukcapil spend quota: the client's and that upstream's.
  const quota = deps.policy.limits.consume(principalId, now, upstreamName);
  if (!quota.ok)
    throw new ApiError(quota.code, {
      headers: { 'Retry-After': String(quota.retryAfterSeconds) },
    });
  // Kept beside what the route noted already (a verification's claimed elements and attempts).
  draft.detail = { ...draft.detail, upstreamCalled: true };
  deps.policy.anomalies.observeNik(nik, principalId, request.operator, now);
  let answer: T;
  try {
    answer = await call(upstream);
  } catch (error) {
    if (error instanceof UpstreamFailure) {
      if (error.upstreamStatus !== undefined) draft.upstreamStatus = error.upstreamStatus;
      if (error.kind === 'quota') deps.policy.limits.markUpstreamExhausted(now, upstreamName);
    }
    throw error;
  }
  draft.upstreamStatus = answer.upstreamStatus;
  draft.upstreamLatencyMs = Math.round(answer.latencyMs * 100) / 100;
  return answer;
}

/** CALL_NIK through `callUpstream`: the record, which lives for the request. */
export async function fetchRecord(
  deps: AppDeps,
  draft: AuditDraft,
  request: UpstreamRequest,
): Promise<PopulationRecord> {
  const answer = await callUpstream(deps, draft, request, (upstream) =>
    upstream.lookupByNik(request.nik),
  );
  return answer.record;
}

/**
 * Projects and records durably: what it returns may be answered, since its audit record is on
 * disk (nothing leaves before).
 */
export async function releaseElements(
  c: Context<GatewayEnv>,
  deps: AppDeps,
  draft: AuditDraft,
  record: PopulationRecord,
  fields: readonly ElementName[],
): Promise<Partial<PopulationRecord>> {
  const released = projectGrantedFields(record, fields);
  draft.elementsReleased = Object.keys(released) as ElementName[];
  draft.outcome = 'success';
  await commitAudit(c, deps.audit);
  return released;
}
