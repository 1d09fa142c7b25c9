/**
 * Administrative changes of the agreements with Dukcapil: a renewal or addendum (a new agreement
 * with its own number and window), termination, and the ISO/IEC 27001 certificate. Each is
 * checked by the rules the configuration file obeys, recorded, then applied.
 */
import {
  ELEMENTS,
  EARLIEST_DATE,
  isCalendarDate,
  isElementName,
  isInstantInRange,
  LATEST_DATE,
} from '../../../policies/index.ts';
import { checkAgreementDocument, type AgreementConfig } from '../../config/index.ts';
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
    const previous = this.find(input.follows);
    if (this.stores.registry.agreements().some((a) => a.number === input.number))
      throw new AdminActionError('conflict', 'an agreement with this number exists');
    // A row set aside as unusable still holds its number (gerbang doctor names it).
    if (this.isStoredNumber(input.number))
      throw new AdminActionError(
        'conflict',
        'an agreement with this number exists in state.db but is set aside as unusable: choose another number, or mend the row (gerbang doctor)',
      );
    const elements = input.elements ?? previous.elements;
    if (!elements.every(isElementName))
      throw new AdminActionError('invalid', `elements must be among ${ELEMENTS.join(', ')}`);
    const agreement: AgreementConfig = {
      ...previous,
      number: input.number,
      signedOn: input.signedOn,
      validFrom: input.validFrom,
      validUntil: input.validUntil,
      parties: input.parties ? [...input.parties] : previous.parties,
      elements: elements.filter(isElementName),
      timeZone: input.timeZone ?? previous.timeZone,
    };
    delete (agreement as { iso27001SubmittedOn?: string }).iso27001SubmittedOn;
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

  /** Whether `number` names an agreement, usable or set aside. */
  isNumberTaken(number: string): boolean {
    return (
      this.stores.registry.agreements().some((a) => a.number === number) ||
      this.isStoredNumber(number)
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
