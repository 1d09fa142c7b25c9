/**
 * What administrators may change, for the admin API and the CLI alike: one object over the
 * actions of each aggregate (agreements.ts, clients.ts, readers.ts; the clock's is clock.ts).
 * Each action is checked, recorded in the audit trail, then applied (record.ts): a change that
 * cannot be audited is not made. Nothing here can touch an audit record.
 */
import type { AuditTrail } from '../../../audit/index.ts';
import type { StateStore } from '../../../adapters/sqlite/port.ts';
import type { GerbangConfig } from '../../config/index.ts';
import type { PolicyRegistry } from '../agreements/registry.ts';
import type { AgreementView } from './agreement-view.ts';
import { AgreementActions } from './agreements.ts';
import { ClientActions, type ClientView } from './clients.ts';
import { ReaderActions, type ReaderView } from './readers.ts';
import type { AdminContext } from './record.ts';

export class AdminActions {
  private readonly agreements: AgreementActions;
  private readonly clients: ClientActions;
  private readonly readers: ReaderActions;

  constructor(options: {
    config: GerbangConfig;
    registry: PolicyRegistry;
    state: StateStore;
    audit: AuditTrail;
    afterChange?: () => void;
  }) {
    const stores = { ...options, afterChange: options.afterChange ?? (() => undefined) };
    this.agreements = new AgreementActions(stores);
    this.clients = new ClientActions(stores);
    this.readers = new ReaderActions(stores);
  }

  listAgreements(now: number): AgreementView[] {
    return this.agreements.list(now);
  }

  /** A renewal under a number of its own: a new agreement with its own window. */
  addAgreement(
    context: AdminContext,
    input: Parameters<AgreementActions['add']>[1],
  ): Promise<AgreementView> {
    return this.agreements.add(context, input);
  }

  /** An addendum, Petunjuk Teknis or renewal of an agreement, in force from its effective day. */
  addInstrument(
    context: AdminContext,
    input: Parameters<AgreementActions['addInstrument']>[1],
  ): Promise<AgreementView> {
    return this.agreements.addInstrument(context, input);
  }

  /** Suspension under PKS Pasal 6 (force majeure): access paused, the number kept. */
  suspendAgreement(
    context: AdminContext,
    input: { number: string; reason: string },
  ): Promise<AgreementView> {
    return this.agreements.suspend(context, input);
  }

  resumeAgreement(
    context: AdminContext,
    input: { number: string; note?: string },
  ): Promise<AgreementView> {
    return this.agreements.resume(context, input);
  }

  /** Whether `number` names an agreement or instrument, usable or set aside. */
  isAgreementNumberTaken(number: string): boolean {
    return this.agreements.isNumberTaken(number);
  }

  /** Termination (PKS Pasal 9(1); a change of the agency's nomenclature, Pasal 5(2)). */
  terminate(
    context: AdminContext,
    input: Parameters<AgreementActions['terminate']>[1],
  ): Promise<AgreementView> {
    return this.agreements.terminate(context, input);
  }

  recordIso27001(
    context: AdminContext,
    input: { number: string; submittedOn: string },
  ): Promise<AgreementView> {
    return this.agreements.recordIso27001(context, input);
  }

  listClients(usedToday: Readonly<Record<string, number>>): ClientView[] {
    return this.clients.list(usedToday);
  }

  setSuspended(
    context: AdminContext,
    input: { id: string; suspended: boolean; reason?: string },
  ): Promise<void> {
    return this.clients.setSuspended(context, input);
  }

  /** Given `now`, each reader under a suspended agreement says so (`agreementSuspended`). */
  listReaders(now?: number): ReaderView[] {
    return this.readers.list(now);
  }

  /** Enrols a reader (its certificate CN is `id`) with the SAM it holds; it stays off until activated. */
  enrolReader(context: AdminContext, input: Parameters<ReaderActions['enrol']>[1]): Promise<void> {
    return this.readers.enrol(context, input);
  }

  /** enrolled → active ⇄ deactivated; anything → blacklisted (lost or stolen), for good. */
  changeReader(
    context: AdminContext,
    input: Parameters<ReaderActions['change']>[1],
  ): Promise<void> {
    return this.readers.change(context, input);
  }

  /** When the agreement no longer permits access (PKS Pasal 9(4)): every active reader goes off. */
  deactivateAllReaders(context: AdminContext, reason: string): Promise<number> {
    return this.readers.deactivateAll(context, reason);
  }
}
