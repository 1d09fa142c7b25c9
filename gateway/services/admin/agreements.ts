/**
 * Administrative changes of the agreements with Dukcapil: an instrument added to an agreement
 * (addendum, Petunjuk Teknis, renewal: PKS Pasal 9(2), 9(3)), a new agreement following another
 * under a number of its own, a suspension and its resumption (Pasal 6, force majeure),
 * termination, and the ISO/IEC 27001 certificate. Each is checked by the rules the
 * configuration file obeys, recorded in the audit trail, then applied. New documents (agreements,
 * instruments) are built in agreement-documents.ts, the lookups they share are agreement-lookup.ts.
 */
import {
  EARLIEST_DATE,
  isCalendarDate,
  isInstantInRange,
  LATEST_DATE,
  suspensionAt,
} from '../../../policies/index.ts';
import type { Agreement } from '../agreements/registry.ts';
import { addAgreement, addInstrument } from './agreement-documents.ts';
import { findAgreement, isNumberTaken, viewAfterChange } from './agreement-lookup.ts';
import { viewAgreement, type AgreementView } from './agreement-view.ts';
import { AdminActionError } from './errors.ts';
import { recordThenApply, type AdminContext, type AdminStores } from './record.ts';

export const TERMINATION_REASONS = [
  'obligations_unmet',
  'nomenclature_change',
  'mutual_agreement',
  'other',
] as const;
export type TerminationReason = (typeof TERMINATION_REASONS)[number];

const IN_RANGE = `must be a time from ${EARLIEST_DATE} to ${LATEST_DATE}`;

export class AgreementActions {
  private readonly stores: AdminStores;

  constructor(stores: AdminStores) {
    this.stores = stores;
  }

  list(now: number): AgreementView[] {
    const { registry } = this.stores;
    const current = registry.inForce(now)?.terms.number;
    return registry
      .agreements()
      .map((agreement) => viewAgreement(agreement, now, agreement.number === current));
  }

  private find(number: string): Agreement {
    return findAgreement(this.stores, number);
  }

  /** A renewal or addendum: a new agreement with its own number and window (agreement-documents.ts). */
  add(context: AdminContext, input: Parameters<typeof addAgreement>[2]): Promise<AgreementView> {
    return addAgreement(this.stores, context, input);
  }

  /** An instrument of an agreement (agreement-documents.ts). */
  addInstrument(
    context: AdminContext,
    input: Parameters<typeof addInstrument>[2],
  ): Promise<AgreementView> {
    return addInstrument(this.stores, context, input);
  }

  /**
   * Suspension under PKS Pasal 6 (keadaan memaksa): from now, data requests under the agreement
   * are refused (403 agreement_suspended) and its card reads too; it keeps its number, and
   * `resume` restores it. Readers are not deactivated: they show the suspension and read again
   * on resumption without a new activation.
   */
  async suspend(
    context: AdminContext,
    input: { number: string; reason: string },
  ): Promise<AgreementView> {
    const agreement = this.find(input.number);
    if (agreement.terminatedAt !== undefined)
      throw new AdminActionError('conflict', 'the agreement is terminated');
    if (suspensionAt(agreement, context.now) !== undefined)
      throw new AdminActionError('conflict', 'the agreement is already suspended');
    if (agreement.suspensions?.some((s) => s.until === undefined || s.until > context.now))
      throw new AdminActionError('conflict', 'the agreement has an open suspension');
    await recordThenApply(
      this.stores.audit,
      context,
      'agreement_suspended',
      { number: input.number, reason: input.reason, from: new Date(context.now).toISOString() },
      () => {
        this.stores.state.suspendAgreement(
          input.number,
          context.now,
          input.reason,
          context.principal.id,
        );
      },
    );
    return this.viewAfterChange(input.number, context.now, true);
  }

  /** The end of a suspension: the agreement governs again under the same number. */
  async resume(
    context: AdminContext,
    input: { number: string; note?: string },
  ): Promise<AgreementView> {
    const agreement = this.find(input.number);
    const open = agreement.suspensions?.find((s) => s.until === undefined);
    if (open === undefined)
      throw new AdminActionError('conflict', 'the agreement is not suspended');
    await recordThenApply(
      this.stores.audit,
      context,
      'agreement_resumed',
      {
        number: input.number,
        suspendedFrom: new Date(open.from).toISOString(),
        resumedAt: new Date(context.now).toISOString(),
        ...(input.note ? { note: input.note } : {}),
      },
      () => {
        this.stores.state.resumeAgreement(input.number, context.now, context.principal.id);
      },
    );
    return this.viewAfterChange(input.number, context.now, true);
  }

  /** Whether `number` names an agreement or an instrument, usable or set aside. */
  isNumberTaken(number: string): boolean {
    return isNumberTaken(this.stores, number);
  }

  /** Termination (PKS Pasal 9(1); a change of the agency's nomenclature, Pasal 5(2)). */
  async terminate(
    context: AdminContext,
    input: { number: string; reason: TerminationReason; note?: string; effectiveAt?: number },
  ): Promise<AgreementView> {
    const agreement = this.find(input.number);
    if (agreement.terminatedAt !== undefined)
      throw new AdminActionError('conflict', 'the agreement is already terminated');
    const at = input.effectiveAt ?? context.now;
    if (!isInstantInRange(at))
      throw new AdminActionError('invalid', `Field /effectiveAt ${IN_RANGE}.`);
    await recordThenApply(
      this.stores.audit,
      context,
      'agreement_terminated',
      {
        number: input.number,
        reason: input.reason,
        effectiveAt: new Date(at).toISOString(),
        ...(input.note ? { note: input.note } : {}),
      },
      () => {
        this.stores.state.terminate(
          input.number,
          at,
          input.note ? `${input.reason}: ${input.note}` : input.reason,
        );
      },
    );
    return this.viewAfterChange(input.number, context.now, true);
  }

  async recordIso27001(
    context: AdminContext,
    input: { number: string; submittedOn: string },
  ): Promise<AgreementView> {
    this.find(input.number);
    if (!isCalendarDate(input.submittedOn))
      throw new AdminActionError(
        'invalid',
        `Field /submittedOn must be a calendar date from ${EARLIEST_DATE} to ${LATEST_DATE} (YYYY-MM-DD).`,
      );
    await recordThenApply(
      this.stores.audit,
      context,
      'iso27001_certificate_submitted',
      { number: input.number, submittedOn: input.submittedOn },
      () => {
        this.stores.state.recordIso27001(input.number, input.submittedOn);
      },
    );
    return this.viewAfterChange(input.number, context.now, false);
  }

  /** Re-reads the state, tells the agreement monitor when the agreements changed, returns the view. */
  private viewAfterChange(number: string, now: number, agreementsChanged: boolean): AgreementView {
    return viewAfterChange(this.stores, number, now, agreementsChanged);
  }
}
