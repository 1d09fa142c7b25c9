/** Administrative changes of the clients: who is configured, today's use, suspend and resume. */
import { configuredPrincipal } from '../../config/index.ts';
import { AdminActionError } from './errors.ts';
import { recordThenApply, type AdminContext, type AdminStores } from './record.ts';

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

export class ClientActions {
  private readonly stores: AdminStores;

  constructor(stores: AdminStores) {
    this.stores = stores;
  }

  list(usedToday: Readonly<Record<string, number>>): ClientView[] {
    const { config, registry } = this.stores;
    return Object.entries(config.principals).map(([id, principal]) => {
      const status = registry.clientStatus(id);
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
    const { config, registry, state } = this.stores;
    if (configuredPrincipal(config, input.id) === undefined)
      throw new AdminActionError('not_found', 'no such client');
    if ((registry.clientStatus(input.id)?.suspended ?? false) === input.suspended) {
      throw new AdminActionError(
        'conflict',
        `the client is already ${input.suspended ? 'suspended' : 'active'}`,
      );
    }
    await recordThenApply(
      this.stores.audit,
      context,
      input.suspended ? 'client_suspended' : 'client_resumed',
      {
        client: input.id,
        ...(input.reason ? { reason: input.reason } : {}),
      },
      () => {
        state.setClientStatus(input.id, input.suspended, input.reason, new Date(context.now));
      },
    );
    registry.refresh(true);
  }
}
