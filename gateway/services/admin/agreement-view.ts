/**
 * An agreement as administrators see it (admin API, console, CLI): its terms, its state today,
 * the days left, and whether the ISO/IEC 27001 certificate came in on time.
 */
import { agreementState, daysLeft, type AgreementState } from '../../../policies/index.ts';
import type { Agreement } from '../agreements/registry.ts';

export interface AgreementView {
  readonly number: string;
  readonly parties: readonly string[];
  readonly signedOn: string;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly timeZone: string;
  readonly elements: readonly string[];
  readonly accessMethod: string;
  readonly upstreamMethods: readonly string[];
  readonly returnDataWithinDays: number;
  readonly state: AgreementState;
  readonly inForce: boolean;
  readonly daysLeft: number;
  readonly terminatedAt?: string;
  readonly terminationReason?: string;
  readonly iso27001: {
    readonly deadline: string;
    readonly submittedOn?: string;
    readonly status: 'submitted' | 'due' | 'overdue';
  };
}

/** Signing date + 6 months (PKS Pasal 2(2)i), as YYYY-MM-DD. */
export function iso27001Deadline(signedOn: string): string {
  const [y, m, d] = signedOn.split('-').map(Number);
  const date = new Date(Date.UTC(y ?? 0, (m ?? 1) - 1 + 6, d ?? 1));
  return date.toISOString().slice(0, 10);
}

export function viewAgreement(agreement: Agreement, now: number, inForce: boolean): AgreementView {
  const deadline = iso27001Deadline(agreement.signedOn);
  const today = new Date(now).toISOString().slice(0, 10);
  return {
    number: agreement.number,
    parties: agreement.parties,
    signedOn: agreement.signedOn,
    validFrom: agreement.validFrom,
    validUntil: agreement.validUntil,
    timeZone: agreement.timeZone,
    elements: agreement.elements,
    accessMethod: agreement.accessMethod,
    upstreamMethods: agreement.upstreamMethods ?? ['CALL_NIK'],
    returnDataWithinDays: agreement.returnDataWithinDays,
    state: agreementState(agreement, now),
    inForce,
    daysLeft: daysLeft(agreement, now),
    ...(agreement.terminatedAt === undefined
      ? {}
      : { terminatedAt: new Date(agreement.terminatedAt).toISOString() }),
    ...(agreement.terminationReason === undefined
      ? {}
      : { terminationReason: agreement.terminationReason }),
    iso27001: {
      deadline,
      ...(agreement.iso27001SubmittedOn === undefined
        ? {}
        : { submittedOn: agreement.iso27001SubmittedOn }),
      status:
        agreement.iso27001SubmittedOn !== undefined
          ? 'submitted'
          : today > deadline
            ? 'overdue'
            : 'due',
    },
  };
}
