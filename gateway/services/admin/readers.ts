/**
 * Administrative changes of the KTP-el card readers: enrolment with the SAM a reader holds, then
 * enrolled → active ⇄ deactivated, and blacklisted (lost or stolen) for good; and every active
 * reader switched off when the agreement no longer permits access.
 */
import { agreementPermitsAccess, suspensionAt } from '../../../policies/index.ts';
import type { ReaderRow, ReaderState } from '../../../adapters/sqlite/port.ts';
import { configuredPrincipal } from '../../config/index.ts';
import { AdminActionError } from './errors.ts';
import { recordThenApply, type AdminContext, type AdminStores } from './record.ts';

const TARGET_STATE: Readonly<Record<'activate' | 'deactivate' | 'blacklist', ReaderState>> = {
  activate: 'active',
  deactivate: 'deactivated',
  blacklist: 'blacklisted',
};

/** A reader as administrators see it: its row, and the suspension of its agreement if any. */
export type ReaderView = Omit<ReaderRow, 'samCertificate'> & {
  readonly agreementSuspended?: { number: string; since: string; reason?: string };
};

export class ReaderActions {
  private readonly stores: AdminStores;

  constructor(stores: AdminStores) {
    this.stores = stores;
  }

  /**
   * The readers; given `now`, each says whether the agreement governing it is suspended (PKS
   * Pasal 6): such a reader stays active but its reads are refused until the agreement resumes.
   */
  list(now?: number): ReaderView[] {
    const { registry } = this.stores;
    return registry.readers().map(({ samCertificate: _pem, ...row }) => {
      if (now === undefined) return row;
      const governing = registry.governing(row.id, now);
      const suspension =
        governing?.state === 'suspended' ? suspensionAt(governing.agreement, now) : undefined;
      return suspension === undefined || governing === undefined
        ? row
        : {
            ...row,
            agreementSuspended: {
              number: governing.agreement.number,
              since: new Date(suspension.from).toISOString(),
              ...(suspension.reason === undefined ? {} : { reason: suspension.reason }),
            },
          };
    });
  }

  /** Enrols a reader (its certificate CN is `id`) with the SAM it holds; it stays off until activated. */
  async enrol(
    context: AdminContext,
    input: { id: string; samCertificatePem: string; samSerial: string; samFingerprint: string },
  ): Promise<void> {
    const { config, registry, state } = this.stores;
    if (configuredPrincipal(config, input.id)?.role !== 'reader')
      throw new AdminActionError(
        'invalid',
        'the reader id is not a configured principal with role reader',
      );
    if (registry.reader(input.id) !== undefined)
      throw new AdminActionError('conflict', 'the reader is already enrolled');
    await recordThenApply(
      this.stores.audit,
      context,
      'reader_enrolled',
      {
        reader: input.id,
        samSerial: input.samSerial,
        samFingerprint: input.samFingerprint,
      },
      () => {
        state.enrolReader({
          id: input.id,
          samSerial: input.samSerial,
          samCertificate: input.samCertificatePem,
          samFingerprint: input.samFingerprint,
          changedAt: new Date(context.now).toISOString(),
          changedBy: context.principal.id,
        });
      },
    );
    registry.refresh(true);
  }

  /** enrolled → active ⇄ deactivated; anything → blacklisted (lost or stolen), for good. */
  async change(
    context: AdminContext,
    input: { id: string; action: 'activate' | 'deactivate' | 'blacklist'; reason: string },
  ): Promise<void> {
    const { registry } = this.stores;
    const reader = registry.reader(input.id);
    if (reader === undefined) throw new AdminActionError('not_found', 'no such reader');
    const target = TARGET_STATE[input.action];
    if (reader.state === 'blacklisted')
      throw new AdminActionError('conflict', 'the reader is blacklisted');
    if (reader.state === target)
      throw new AdminActionError('conflict', `the reader is already ${target}`);
    if (
      target === 'active' &&
      !agreementPermitsAccess(registry.governing(input.id, context.now)?.state ?? 'expired')
    ) {
      throw new AdminActionError(
        'conflict',
        'readers can be activated only under an active agreement',
      );
    }
    await this.setState(context, input.id, reader.state, target, input.reason);
    registry.refresh(true);
  }

  /** When the agreement no longer permits access (PKS Pasal 9(4)): every active reader goes off. */
  async deactivateAll(context: AdminContext, reason: string): Promise<number> {
    let count = 0;
    for (const reader of this.stores.registry.readers()) {
      if (reader.state !== 'active') continue;
      await this.setState(context, reader.id, 'active', 'deactivated', reason);
      count++;
    }
    this.stores.registry.refresh(true);
    return count;
  }

  private async setState(
    context: AdminContext,
    id: string,
    from: ReaderState,
    target: ReaderState,
    reason: string,
  ): Promise<void> {
    await recordThenApply(
      this.stores.audit,
      context,
      `reader_${target === 'active' ? 'activated' : target}`,
      { reader: id, reason, from },
      () => {
        this.stores.state.setReaderState(
          id,
          target,
          reason,
          new Date(context.now),
          context.principal.id,
        );
      },
    );
  }
}
