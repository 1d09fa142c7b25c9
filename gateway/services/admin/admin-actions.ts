/**
 * What administrators may change, for the admin API and the CLI alike. Each action is checked,
 * recorded in the audit trail, then applied: a change that cannot be audited is not made.
 * Nothing here can touch an audit record.
 */
import {
  agreementState,
  daysLeft,
  ELEMENTS,
  isElementName,
  type AgreementState,
} from '../../../policies/index.ts';
import type { AuditEvent, AuditTrail } from '../../../audit/index.ts';
import type { AgreementConfig, GerbangConfig } from '../../config/index.ts';
import type { PolicyRegistry, Agreement } from '../agreements/registry.ts';
import type { ReaderRow, ReaderState, StateDb } from '../../../adapters/sqlite/state-db.ts';
import {
  agreementPermitsAccess,
  EARLIEST_DATE,
  isCalendarDate,
  isInstantInRange,
  LATEST_DATE,
} from '../../../policies/index.ts';
import { StorageUnavailable } from '../../../adapters/sqlite/open.ts';
import { checkAgreementDocument, configuredPrincipal } from '../../config/index.ts';

export class AdminActionError extends Error {
  override readonly name = 'AdminActionError';
  readonly kind: 'invalid' | 'not_found' | 'conflict';
  constructor(kind: 'invalid' | 'not_found' | 'conflict', message: string) {
    super(message);
    this.kind = kind;
  }
}

const IN_RANGE = `must be a time from ${EARLIEST_DATE} to ${LATEST_DATE}`;

/** Problems as `/field …` lines become one sentence per field, as request validation words them. */
function fieldProblems(problems: readonly string[]): string {
  return problems.map((problem) => `Field ${problem}.`).join(' ');
}

export const TERMINATION_REASONS = [
  'obligations_unmet',
  'nomenclature_change',
  'mutual_agreement',
  'other',
] as const;
export type TerminationReason = (typeof TERMINATION_REASONS)[number];

export interface AdminContext {
  readonly principal: NonNullable<AuditEvent['principal']>;
  readonly requestId?: string;
  readonly now: number;
}

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

export interface ClientView {
  readonly id: string;
  readonly role: string;
  readonly profile?: {
    readonly elements: readonly string[];
    readonly purposes: readonly string[];
    readonly dailyQuota: number;
  };
  readonly usedToday?: number;
  readonly suspended: boolean;
  readonly reason?: string;
  readonly changedAt?: string;
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

export class AdminActions {
  private readonly config: GerbangConfig;
  private readonly registry: PolicyRegistry;
  private readonly state: StateDb;
  private readonly audit: AuditTrail;
  private readonly afterChange: () => void;

  constructor(options: {
    config: GerbangConfig;
    registry: PolicyRegistry;
    state: StateDb;
    audit: AuditTrail;
    afterChange?: () => void;
  }) {
    this.config = options.config;
    this.registry = options.registry;
    this.state = options.state;
    this.audit = options.audit;
    this.afterChange = options.afterChange ?? (() => undefined);
  }

  listAgreements(now: number): AgreementView[] {
    const current = this.registry.inForce(now)?.terms.number;
    return this.registry
      .agreements()
      .map((agreement) => viewAgreement(agreement, now, agreement.number === current));
  }

  private find(number: string): Agreement {
    const agreement = this.registry.agreements().find((a) => a.number === number);
    if (agreement === undefined) throw new AdminActionError('not_found', `no agreement ${number}`);
    return agreement;
  }

  /**
   * Records the change, then applies it: a change that cannot be audited is not made. When the
   * state database then refuses the write (a full disk), the trail says so in a second record,
   * and StorageUnavailable reaches the caller.
   */
  private async record(
    context: AdminContext,
    event: string,
    detail: Record<string, string | number | boolean>,
    apply: () => void,
  ): Promise<void> {
    const entry = {
      type: 'admin' as const,
      principal: context.principal,
      ...(context.requestId ? { requestId: context.requestId } : {}),
    };
    await this.audit.append({ ...entry, event, outcome: 'success', detail });
    try {
      apply();
    } catch (error) {
      await this.audit
        .append({
          ...entry,
          event: 'admin_change_not_applied',
          outcome: 'error',
          detail: {
            event,
            reason: error instanceof StorageUnavailable ? 'state_unavailable' : 'error',
          },
        })
        .catch(() => undefined);
      throw error;
    }
  }

  /** A renewal or addendum: a new agreement with its own number and window. */
  async addAgreement(
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
    if (this.registry.agreements().some((a) => a.number === input.number))
      throw new AdminActionError('conflict', `agreement ${input.number} exists`);
    // A row set aside as unusable still holds its number (gerbang doctor names it).
    if (this.isStoredAgreementNumber(input.number))
      throw new AdminActionError(
        'conflict',
        `agreement ${input.number} exists in state.db but is set aside as unusable: choose another number, or mend the row (gerbang doctor)`,
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
    await this.record(
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
        this.state.addAgreement(agreement, new Date(context.now));
      },
    );
    return this.viewAfterChange(input.number, context.now, true);
  }

  /** Whether `number` names an agreement, usable or set aside. */
  isAgreementNumberTaken(number: string): boolean {
    return (
      this.registry.agreements().some((a) => a.number === number) ||
      this.isStoredAgreementNumber(number)
    );
  }

  private isStoredAgreementNumber(number: string): boolean {
    return this.state.addedAgreementRows().some((row) => row.number === number);
  }

  /** Termination (PKS Pasal 9(1); a change of the agency's nomenclature, Pasal 5(2)). */
  async terminate(
    context: AdminContext,
    input: { number: string; reason: TerminationReason; note?: string; effectiveAt?: number },
  ): Promise<AgreementView> {
    const agreement = this.find(input.number);
    if (agreement.terminatedAt !== undefined)
      throw new AdminActionError('conflict', `agreement ${input.number} is already terminated`);
    const at = input.effectiveAt ?? context.now;
    if (!isInstantInRange(at))
      throw new AdminActionError('invalid', `Field /effectiveAt ${IN_RANGE}.`);
    await this.record(
      context,
      'agreement_terminated',
      {
        number: input.number,
        reason: input.reason,
        effectiveAt: new Date(at).toISOString(),
        ...(input.note ? { note: input.note } : {}),
      },
      () => {
        this.state.terminate(
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
    await this.record(
      context,
      'iso27001_certificate_submitted',
      { number: input.number, submittedOn: input.submittedOn },
      () => {
        this.state.recordIso27001(input.number, input.submittedOn);
      },
    );
    return this.viewAfterChange(input.number, context.now, false);
  }

  /** Re-reads the state, tells the agreement monitor when the agreements changed, returns the view. */
  private viewAfterChange(number: string, now: number, agreementsChanged: boolean): AgreementView {
    this.registry.refresh(true);
    if (agreementsChanged) this.afterChange();
    return viewAgreement(
      this.find(number),
      now,
      this.registry.inForce(now)?.terms.number === number,
    );
  }

  listClients(usedToday: Readonly<Record<string, number>>): ClientView[] {
    return Object.entries(this.config.principals).map(([id, principal]) => {
      const status = this.registry.clientStatus(id);
      return {
        id,
        role: principal.role,
        ...(principal.profile ? { profile: principal.profile, usedToday: usedToday[id] ?? 0 } : {}),
        suspended: status?.suspended ?? false,
        ...(status?.reason === undefined ? {} : { reason: status.reason }),
        ...(status ? { changedAt: status.changedAt } : {}),
      };
    });
  }

  async setSuspended(
    context: AdminContext,
    input: { id: string; suspended: boolean; reason?: string },
  ): Promise<void> {
    const principal = configuredPrincipal(this.config, input.id);
    if (principal === undefined) throw new AdminActionError('not_found', `no client ${input.id}`);
    if ((this.registry.clientStatus(input.id)?.suspended ?? false) === input.suspended) {
      throw new AdminActionError(
        'conflict',
        `client ${input.id} is already ${input.suspended ? 'suspended' : 'active'}`,
      );
    }
    await this.record(
      context,
      input.suspended ? 'client_suspended' : 'client_resumed',
      {
        client: input.id,
        ...(input.reason ? { reason: input.reason } : {}),
      },
      () => {
        this.state.setClientStatus(input.id, input.suspended, input.reason, new Date(context.now));
      },
    );
    this.registry.refresh(true);
  }

  listReaders(): Omit<ReaderRow, 'samCertificate'>[] {
    return this.registry.readers().map(({ samCertificate: _pem, ...row }) => row);
  }

  /** Enrols a reader (its certificate CN is `id`) with the SAM it holds; it stays off until activated. */
  async enrolReader(
    context: AdminContext,
    input: { id: string; samCertificatePem: string; samSerial: string; samFingerprint: string },
  ): Promise<void> {
    if (configuredPrincipal(this.config, input.id)?.role !== 'reader')
      throw new AdminActionError(
        'invalid',
        `${input.id} is not a configured principal with role reader`,
      );
    if (this.registry.reader(input.id) !== undefined)
      throw new AdminActionError('conflict', `reader ${input.id} is already enrolled`);
    await this.record(
      context,
      'reader_enrolled',
      {
        reader: input.id,
        samSerial: input.samSerial,
        samFingerprint: input.samFingerprint,
      },
      () => {
        this.state.enrolReader({
          id: input.id,
          samSerial: input.samSerial,
          samCertificate: input.samCertificatePem,
          samFingerprint: input.samFingerprint,
          changedAt: new Date(context.now).toISOString(),
          changedBy: context.principal.id,
        });
      },
    );
    this.registry.refresh(true);
  }

  /** enrolled → active ⇄ deactivated; anything → blacklisted (lost or stolen), for good. */
  async changeReader(
    context: AdminContext,
    input: { id: string; action: 'activate' | 'deactivate' | 'blacklist'; reason: string },
  ): Promise<void> {
    const reader = this.registry.reader(input.id);
    if (reader === undefined) throw new AdminActionError('not_found', `no reader ${input.id}`);
    const target: ReaderState =
      input.action === 'activate'
        ? 'active'
        : input.action === 'deactivate'
          ? 'deactivated'
          : 'blacklisted';
    if (reader.state === 'blacklisted')
      throw new AdminActionError('conflict', `reader ${input.id} is blacklisted`);
    if (reader.state === target)
      throw new AdminActionError('conflict', `reader ${input.id} is already ${target}`);
    if (
      target === 'active' &&
      !agreementPermitsAccess(this.registry.inForce(context.now)?.state ?? 'expired')
    ) {
      throw new AdminActionError(
        'conflict',
        'readers can be activated only under an active agreement',
      );
    }
    await this.record(
      context,
      `reader_${target === 'active' ? 'activated' : target}`,
      {
        reader: input.id,
        reason: input.reason,
        from: reader.state,
      },
      () => {
        this.state.setReaderState(
          input.id,
          target,
          input.reason,
          new Date(context.now),
          context.principal.id,
        );
      },
    );
    this.registry.refresh(true);
  }

  /** When the agreement no longer permits access (PKS Pasal 9(4)): every active reader goes off. */
  async deactivateAllReaders(context: AdminContext, reason: string): Promise<number> {
    let count = 0;
    for (const reader of this.registry.readers()) {
      if (reader.state !== 'active') continue;
      await this.record(
        context,
        'reader_deactivated',
        {
          reader: reader.id,
          reason,
          from: 'active',
        },
        () => {
          this.state.setReaderState(
            reader.id,
            'deactivated',
            reason,
            new Date(context.now),
            context.principal.id,
          );
        },
      );
      count++;
    }
    this.registry.refresh(true);
    return count;
  }
}
