/**
 * Administrative changes of the agreements with Dukcapil: an instrument added to an agreement
 * (addendum, Petunjuk Teknis, renewal: PKS Pasal 9(2), 9(3)), a new agreement following another
 * under a number of its own, a suspension and its resumption (Pasal 6, force majeure),
 * termination, and the ISO/IEC 27001 certificate. Each is checked by the rules the
 * configuration file obeys, recorded in the audit trail, then applied.
 */
import {
  ELEMENTS,
  EARLIEST_DATE,
  isCalendarDate,
  isElementName,
  isInstantInRange,
  LATEST_DATE,
} from '../../../policies/index.ts';
import {
  checkAgreementDocument,
  checkInstrumentDocument,
  type AgreementConfig,
  type InstrumentConfig,
} from '../../config/index.ts';
import { effectiveTerms, suspensionAt, type InstrumentKind } from '../../../policies/index.ts';
import type { Agreement } from '../agreements/registry.ts';
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

/** Problems as `/field …` lines become one sentence per field, as request validation words them. */
function fieldProblems(problems: readonly string[]): string {
  return problems.map((problem) => `Field ${problem}.`).join(' ');
}

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
    const agreement = this.stores.registry.agreements().find((a) => a.number === number);
    if (agreement === undefined) throw new AdminActionError('not_found', 'no such agreement');
    return agreement;
  }

  /** A renewal or addendum: a new agreement with its own number and window. */
  async add(
    context: AdminContext,
    input: {
      number: string;
      kind: 'renewal' | 'addendum';
      follows: string;
      signedOn: string;
      validFrom: string;
      validUntil: string;
      parties?: readonly string[];
      elements?: readonly string[];
      timeZone?: string;
    },
  ): Promise<AgreementView> {
    if (input.kind === 'addendum')
      throw new AdminActionError(
        'invalid',
        'an addendum amends its agreement and has no window of its own: add it as an instrument (POST /v1/admin/agreements/instruments, gerbang admin instrument)',
      );
    const previous = this.find(input.follows);
    if (this.stores.registry.agreements().some((a) => a.number === input.number))
      throw new AdminActionError('conflict', 'an agreement with this number exists');
    // A row set aside as unusable still holds its number (gerbang doctor names it).
    if (this.isStoredNumber(input.number))
      throw new AdminActionError(
        'conflict',
        'an agreement with this number exists in state.db but is set aside as unusable: choose another number, or mend the row (gerbang doctor)',
      );
    if (this.isNumberTaken(input.number))
      throw new AdminActionError('conflict', 'an instrument with this number exists');
    // It follows the agreement as amended today; the previous one's documents stay with it.
    const {
      instruments: _instruments,
      suspensions: _suspensions,
      terminatedAt: _terminatedAt,
      terminationReason: _terminationReason,
      iso27001SubmittedOn: _iso,
      ...current
    } = effectiveTerms(previous, context.now);
    const elements = input.elements ?? current.elements;
    if (!elements.every(isElementName))
      throw new AdminActionError('invalid', `elements must be among ${ELEMENTS.join(', ')}`);
    const agreement: AgreementConfig = {
      ...current,
      number: input.number,
      signedOn: input.signedOn,
      validFrom: input.validFrom,
      validUntil: input.validUntil,
      parties: input.parties ? [...input.parties] : current.parties,
      elements: elements.filter(isElementName),
      timeZone: input.timeZone ?? current.timeZone,
    };
    // The same rules as the configuration file: what is stored must load at every start.
    const checked = checkAgreementDocument(agreement);
    if (!checked.ok) throw new AdminActionError('invalid', fieldProblems(checked.problems));
    await recordThenApply(
      this.stores.audit,
      context,
      `agreement_${input.kind}`,
      {
        number: input.number,
        follows: input.follows,
        validFrom: input.validFrom,
        validUntil: input.validUntil,
        elements: agreement.elements.join(','),
      },
      () => {
        this.stores.state.addAgreement(agreement, new Date(context.now));
      },
    );
    return this.viewAfterChange(input.number, context.now, true);
  }

  /**
   * An instrument of an agreement (addendum, Petunjuk Teknis, renewal): it changes what governs
   * from its effective day in the agreement's zone, under the agreement's own number.
   */
  async addInstrument(
    context: AdminContext,
    input: {
      agreement: string;
      kind: Exclude<InstrumentKind, 'pks'>;
      number: string;
      signedOn?: string;
      effectiveOn: string;
      sha256: string;
      elements?: readonly string[];
      validUntil?: string;
    },
  ): Promise<AgreementView> {
    const agreement = this.find(input.agreement);
    if (agreement.terminatedAt !== undefined)
      throw new AdminActionError('conflict', 'the agreement is terminated');
    if (this.isNumberTaken(input.number))
      throw new AdminActionError('conflict', 'an agreement or instrument with this number exists');
    if (input.elements !== undefined && !input.elements.every(isElementName))
      throw new AdminActionError('invalid', `elements must be among ${ELEMENTS.join(', ')}`);
    const instrument: InstrumentConfig = {
      kind: input.kind,
      number: input.number,
      ...(input.signedOn === undefined ? {} : { signedOn: input.signedOn }),
      effectiveOn: input.effectiveOn,
      sha256: input.sha256.toLowerCase(),
      ...(input.elements === undefined ? {} : { elements: input.elements.filter(isElementName) }),
      ...(input.validUntil === undefined ? {} : { validUntil: input.validUntil }),
    };
    // The rules state.db is read by: what is stored must load at every start.
    const checked = checkInstrumentDocument(instrument, agreement);
    if (!checked.ok) throw new AdminActionError('invalid', fieldProblems(checked.problems));
    await recordThenApply(
      this.stores.audit,
      context,
      'agreement_instrument_added',
      {
        number: input.agreement,
        instrument: instrument.number,
        kind: instrument.kind,
        effectiveOn: instrument.effectiveOn,
        sha256: checked.instrument.sha256 ?? '',
        ...(instrument.elements === undefined ? {} : { elements: instrument.elements.join(',') }),
        ...(instrument.validUntil === undefined ? {} : { validUntil: instrument.validUntil }),
      },
      () => {
        this.stores.state.addInstrument(input.agreement, checked.instrument, new Date(context.now));
      },
    );
    return this.viewAfterChange(input.agreement, context.now, true);
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
    return (
      this.stores.registry
        .agreements()
        .some(
          (a) => a.number === number || (a.instruments ?? []).some((i) => i.number === number),
        ) ||
      this.isStoredNumber(number) ||
      this.stores.state.instrumentRows().some((row) => row.number === number)
    );
  }

  private isStoredNumber(number: string): boolean {
    return this.stores.state.addedAgreementRows().some((row) => row.number === number);
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
    const { registry } = this.stores;
    registry.refresh(true);
    if (agreementsChanged) this.stores.afterChange();
    return viewAgreement(this.find(number), now, registry.inForce(now)?.terms.number === number);
  }
}
