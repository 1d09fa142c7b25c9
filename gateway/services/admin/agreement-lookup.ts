/**
 * What every agreement action needs: the agreement of a number (or not_found), whether a number
 * is taken by an agreement or instrument (usable or set aside in state.db), the view after a
 * change, and problems worded as request validation words them. Shared by agreements.ts and
 * agreement-documents.ts.
 */
import type { Agreement } from '../agreements/registry.ts';
import { viewAgreement, type AgreementView } from './agreement-view.ts';
import { AdminActionError } from './errors.ts';
import type { AdminStores } from './record.ts';

/** Problems as `/field …` lines become one sentence per field, as request validation words them. */
export function fieldProblems(problems: readonly string[]): string {
  return problems.map((problem) => `Field ${problem}.`).join(' ');
}

export function findAgreement(stores: AdminStores, number: string): Agreement {
  const agreement = stores.registry.agreements().find((a) => a.number === number);
  if (agreement === undefined) throw new AdminActionError('not_found', 'no such agreement');
  return agreement;
}

/** Whether `number` names an agreement or an instrument, usable or set aside. */
export function isNumberTaken(stores: AdminStores, number: string): boolean {
  return (
    stores.registry
      .agreements()
      .some((a) => a.number === number || (a.instruments ?? []).some((i) => i.number === number)) ||
    isStoredNumber(stores, number) ||
    stores.state.instrumentRows().some((row) => row.number === number)
  );
}

export function isStoredNumber(stores: AdminStores, number: string): boolean {
  return stores.state.addedAgreementRows().some((row) => row.number === number);
}

/** Re-reads the state, tells the agreement monitor when the agreements changed, returns the view. */
export function viewAfterChange(
  stores: AdminStores,
  number: string,
  now: number,
  agreementsChanged: boolean,
): AgreementView {
  const { registry } = stores;
  registry.refresh(true);
  if (agreementsChanged) stores.afterChange();
  return viewAgreement(
    findAgreement(stores, number),
    now,
    registry.inForce(now)?.terms.number === number,
  );
}
