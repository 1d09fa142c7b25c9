/**
 * Queuing return data (data balikan, PKS Pasal 2(2)b): the checks of a submission (NIK, the
 * agency's NPWPD pattern, jenis pajak of its level, the Idempotency-Key), the outbox, and the
 * audit record that must be durable before the submission counts. POST /v1/return-data and the
 * clerk portal's return-data form both submit through here.
 */
import { canonicalJson } from '../../../audit/index.ts';
import {
  checkNik,
  checkStoredText,
  STORED_TEXT_MESSAGES,
  taxesOfLevel,
  type JenisPajak,
} from '../../../policies/index.ts';
import type { Delivery } from '../../../adapters/sqlite/port.ts';
import type { AppDeps } from '../app-deps.ts';
import { ApiError } from '../error-catalogue.ts';
import { commitAudit, dataPathDraft } from '../middleware/audit-data-path.ts';
import { NIK_MESSAGES } from './lookup.ts';
import type { RouteContext } from './route-spec.ts';

/** A return-data submission, as the API's JSON body or the portal's form gives it. */
export interface ReturnDataInput {
  readonly nik: string;
  readonly npwpd: string;
  readonly jenis_pajak: readonly JenisPajak[];
  readonly reference: string;
}

/** The tax types the agency levies (config returnData.agencyLevel, policies/tax.ts). */
export function leviedTaxes(deps: AppDeps): readonly JenisPajak[] {
  return taxesOfLevel(deps.config.returnData.agencyLevel);
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/** Idempotency-Key as sent, or the refusal of a malformed one or one that could carry a NIK. */
function checkedIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key))
    throw new ApiError('invalid_request', {
      message: 'Idempotency-Key must be 1-128 characters of A-Z a-z 0-9 . _ : -.',
    });
  // The key is stored in the outbox: the stored-text guard (policies/stored-text.ts).
  const refusal = checkStoredText(key, 'identifier');
  if (refusal !== undefined)
    throw new ApiError('invalid_request', {
      detail: `Idempotency-Key refused: ${refusal}`,
      message: `Idempotency-Key ${STORED_TEXT_MESSAGES[refusal]}.`,
    });
  return key;
}

/** Checks and queues one submission; the delivery once its audit record is durable. */
export async function submitReturnData(
  c: RouteContext<unknown, unknown, string>,
  deps: AppDeps,
  body: ReturnDataInput,
  idempotencyKey: string | undefined,
): Promise<Delivery> {
  const level = deps.config.returnData.agencyLevel;
  const levied: ReadonlySet<JenisPajak> = new Set(leviedTaxes(deps));
  const draft = dataPathDraft(c);
  draft.reference = body.reference;
  const nik = checkNik(body.nik);
  if (!nik.valid)
    throw new ApiError('invalid_nik', {
      detail: nik.reason,
      message: NIK_MESSAGES[nik.reason],
    });
  draft.subject = deps.subjectHasher(body.nik);
  if (!new RegExp(deps.config.returnData.npwpdPattern, 'u').test(body.npwpd))
    throw new ApiError('invalid_npwpd');
  // Names from the enum-checked code list, so the message holds no input of any other kind.
  const notLevied = body.jenis_pajak.filter((jenis) => !levied.has(jenis));
  if (notLevied.length > 0)
    throw new ApiError('jenis_pajak_not_levied', {
      message: `${notLevied.join(', ')}: not levied by a ${level} agency; it levies only ${[...levied].join(', ')}.`,
    });
  const key = checkedIdempotencyKey(idempotencyKey);
  if (deps.returnData === undefined) throw new ApiError('internal_error', { detail: 'no outbox' });
  const outcome = deps.returnData.outbox.enqueue({
    client: c.var.principal.id,
    idempotencyKey: key,
    // Keyed, so the stored fingerprint of a request reveals nothing of the NIK in it.
    requestHash: deps.subjectHasher(
      `return-data:${canonicalJson({ ...body, jenis_pajak: [...body.jenis_pajak].sort() })}`,
    ),
    subject: draft.subject,
    nik: body.nik,
    npwpd: body.npwpd,
    jenisPajak: [...body.jenis_pajak],
    reference: body.reference,
    now: deps.now(),
  });
  if (outcome.kind === 'conflict')
    throw new ApiError('conflict', {
      message: 'This Idempotency-Key was used for a different request.',
    });
  const delivery = outcome.delivery;
  draft.outcome = 'success';
  draft.detail = {
    ...draft.detail,
    delivery: delivery.id,
    repeat: outcome.kind === 'existing',
    jenisPajak: body.jenis_pajak.join(','),
  };
  try {
    await commitAudit(c, deps.audit);
  } catch (error) {
    // Fail closed: a submission that cannot be recorded is not queued either.
    if (outcome.kind === 'created') deps.returnData.outbox.cancel(delivery.id);
    throw error;
  }
  deps.returnData.worker.notify();
  return delivery;
}
