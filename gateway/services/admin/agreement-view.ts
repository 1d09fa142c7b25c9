/**
 * An agreement as administrators see it (admin API, console, CLI): its terms as amended today,
 * its documents (the PKS and every instrument, with the hash of each signed file), its state
 * today, a suspension if one is open, the days left, and whether the ISO/IEC 27001 certificate
 * came in on time.
 */
import {
  agreementState,
  daysLeft,
  DEFAULT_EXTENSION_NOTICE_MONTHS,
  effectiveTerms,
  extensionNoticeStart,
  suspensionAt,
  calendarDateIn as calendarDay,
  type AgreementState,
} from '../../../policies/index.ts';
import { PolicyRegistry, type Agreement } from '../agreements/registry.ts';

export interface AgreementView {
  readonly number: string;
  readonly agencyNumber?: string;
  readonly approvalReference?: string;
  readonly parties: readonly string[];
  readonly signedOn: string;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly timeZone: string;
  readonly elements: readonly string[];
  readonly accessMethod: string;
  readonly upstreamMethods: readonly string[];
  readonly returnDataWithinDays: number;
  readonly upstream: string;
  /** The clients it serves; absent: every client. */
  readonly clients?: readonly string[];
  /** Every instrument after the PKS, oldest effective day first, and whether it is in force. */
  readonly instruments: readonly {
    readonly kind: string;
    readonly number: string;
    readonly effectiveOn: string;
    readonly sha256?: string;
    readonly inForce: boolean;
    readonly elements?: readonly string[];
    readonly validUntil?: string;
  }[];
  readonly extensionNoticeMonths: number;
  /** The first day of the extension warning, in the agreement's zone. */
  readonly extensionNoticeFrom: string;
  readonly state: AgreementState;
  readonly suspension?: { readonly since: string; readonly reason?: string };
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
  const amended = effectiveTerms(agreement, now);
  const suspension = suspensionAt(agreement, now);
  return {
    number: agreement.number,
    ...(agreement.agencyNumber === undefined ? {} : { agencyNumber: agreement.agencyNumber }),
    ...(agreement.approvalReference === undefined
      ? {}
      : { approvalReference: agreement.approvalReference }),
    parties: agreement.parties,
    signedOn: agreement.signedOn,
    validFrom: agreement.validFrom,
    validUntil: amended.validUntil,
    timeZone: agreement.timeZone,
    elements: amended.elements,
    upstream: PolicyRegistry.upstreamOf(agreement),
    ...(agreement.clients === undefined ? {} : { clients: agreement.clients }),
    instruments: [...(agreement.instruments ?? [])]
      .sort((a, b) => (a.effectiveOn < b.effectiveOn ? -1 : a.effectiveOn > b.effectiveOn ? 1 : 0))
      .map((instrument) => ({
        kind: instrument.kind,
        number: instrument.number,
        effectiveOn: instrument.effectiveOn,
        ...(instrument.sha256 === undefined ? {} : { sha256: instrument.sha256 }),
        inForce: instrument.effectiveOn <= calendarDay(now, agreement.timeZone),
        ...(instrument.elements === undefined ? {} : { elements: instrument.elements }),
        ...(instrument.validUntil === undefined ? {} : { validUntil: instrument.validUntil }),
      })),
    extensionNoticeMonths: agreement.extensionNoticeMonths ?? DEFAULT_EXTENSION_NOTICE_MONTHS,
    extensionNoticeFrom: calendarDay(extensionNoticeStart(amended), agreement.timeZone),
    ...(suspension === undefined
      ? {}
      : {
          suspension: {
            since: new Date(suspension.from).toISOString(),
            ...(suspension.reason === undefined ? {} : { reason: suspension.reason }),
          },
        }),
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
