/**
 * Access decisions for the data path: pure functions of the agreement, the client's profile and
 * the request. Deny by default: anything not explicitly granted is refused with a specific code.
 */
import { agreementPermitsAccess, type AgreementState } from './agreement.ts';
import type { ElementName } from './elements.ts';

export interface ClientProfile {
  readonly elements: readonly ElementName[];
  readonly purposes: readonly string[];
}

export type AccessDenial =
  'agreement_inactive' | 'agreement_suspended' | 'purpose_not_allowed' | 'field_not_allowed';

export type AccessDecision =
  | { readonly allowed: true; readonly fields: readonly ElementName[] }
  | { readonly allowed: false; readonly code: AccessDenial };

export interface LookupRequestFacts {
  readonly agreementState: AgreementState;
  readonly agreementElements: readonly ElementName[];
  readonly profile: ClientProfile;
  readonly purpose: string;
  /** Absent means "everything I am granted". */
  readonly requestedFields?: readonly ElementName[] | undefined;
}

/** The elements a client may see: its profile, bounded by the agreement. */
export function grantedElements(
  profile: ClientProfile,
  agreementElements: readonly ElementName[],
): ElementName[] {
  return profile.elements.filter((element) => agreementElements.includes(element));
}

export function decideLookup(facts: LookupRequestFacts): AccessDecision {
  // A pause under PKS Pasal 6 is told apart: the agreement stands and access comes back.
  if (facts.agreementState === 'suspended') return { allowed: false, code: 'agreement_suspended' };
  if (!agreementPermitsAccess(facts.agreementState))
    return { allowed: false, code: 'agreement_inactive' };
  if (!facts.profile.purposes.includes(facts.purpose))
    return { allowed: false, code: 'purpose_not_allowed' };
  const granted = grantedElements(facts.profile, facts.agreementElements);
  if (facts.requestedFields === undefined) return { allowed: true, fields: granted };
  if (!facts.requestedFields.every((field) => granted.includes(field))) {
    return { allowed: false, code: 'field_not_allowed' };
  }
  return { allowed: true, fields: facts.requestedFields };
}
