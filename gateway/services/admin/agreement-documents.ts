/**
 * The documents an administrator adds to the agreements: a new agreement that follows another
 * under a number of its own (renewal), and an instrument of an agreement (addendum, Petunjuk
 * Teknis, renewal: PKS Pasal 9(2), 9(3)). Each is checked by the rules the configuration file
 * obeys, recorded, then stored. Apart from the changes of an agreement's standing
 * (agreements.ts, which calls these) because they build and check a new document.
 */
import {
  ELEMENTS,
  effectiveTerms,
  isElementName,
  type InstrumentKind,
} from '../../../policies/index.ts';
import {
  checkAgreementDocument,
  checkInstrumentDocument,
  type AgreementConfig,
  type InstrumentConfig,
} from '../../config/index.ts';
import type { AgreementView } from './agreement-view.ts';
import {
  fieldProblems,
  findAgreement,
  isNumberTaken,
  isStoredNumber,
  viewAfterChange,
} from './agreement-lookup.ts';
import { AdminActionError } from './errors.ts';
import { recordThenApply, type AdminContext, type AdminStores } from './record.ts';

/** A renewal or addendum: a new agreement with its own number and window. */
export async function addAgreement(
  stores: AdminStores,
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
  const previous = findAgreement(stores, input.follows);
  if (stores.registry.agreements().some((a) => a.number === input.number))
    throw new AdminActionError('conflict', 'an agreement with this number exists');
  // A row set aside as unusable still holds its number (gerbang doctor names it).
  if (isStoredNumber(stores, input.number))
    throw new AdminActionError(
      'conflict',
      'an agreement with this number exists in state.db but is set aside as unusable: choose another number, or mend the row (gerbang doctor)',
    );
  if (isNumberTaken(stores, input.number))
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
    stores.audit,
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
      stores.state.addAgreement(agreement, new Date(context.now));
    },
  );
  return viewAfterChange(stores, input.number, context.now, true);
}

/**
 * An instrument of an agreement (addendum, Petunjuk Teknis, renewal): it changes what governs
 * from its effective day in the agreement's zone, under the agreement's own number.
 */
export async function addInstrument(
  stores: AdminStores,
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
  const agreement = findAgreement(stores, input.agreement);
  if (agreement.terminatedAt !== undefined)
    throw new AdminActionError('conflict', 'the agreement is terminated');
  if (isNumberTaken(stores, input.number))
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
    stores.audit,
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
      stores.state.addInstrument(input.agreement, checked.instrument, new Date(context.now));
    },
  );
  return viewAfterChange(stores, input.agreement, context.now, true);
}
