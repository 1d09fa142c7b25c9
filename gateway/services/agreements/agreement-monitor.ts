/**
 * Watches the agreement in force and acts at the instants its state or terms change (start, an
 * instrument's effective day, the extension warning `extensionNoticeMonths` calendar months
 * before the end, a suspension or resumption, the end, termination): records the change in the audit trail, raises an alert when it
 * expires soon or stops, and tells listeners (the card readers are switched off when data may no
 * longer flow: `switchReadersOffWhenAccessStops`, PKS Pasal 9(4)). Requests never depend on this
 * timer: each one evaluates the state itself.
 */
import {
  agreementPermitsAccess,
  daysLeft,
  nextStateChange,
  type AgreementState,
} from '../../../policies/index.ts';
import type { AuditPrincipal, AuditTrail } from '../../../audit/index.ts';
import type { PolicyRegistry } from './registry.ts';

export type AgreementListener = (change: {
  number: string;
  state: AgreementState;
  permitsAccess: boolean;
}) => void;

const RETRY_MS = 5_000;

export class AgreementMonitor {
  private readonly registry: PolicyRegistry;
  private readonly audit: AuditTrail;
  private readonly now: () => number;
  private readonly listeners: AgreementListener[] = [];
  private last: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  private readonly onError: (error: unknown) => void;

  /** `onError` hears of an evaluation that failed (state.db unreadable); it is retried soon. */
  constructor(
    registry: PolicyRegistry,
    audit: AuditTrail,
    now: () => number,
    onError: (error: unknown) => void = () => undefined,
  ) {
    this.registry = registry;
    this.audit = audit;
    this.now = now;
    this.onError = onError;
  }

  onChange(listener: AgreementListener): void {
    this.listeners.push(listener);
  }

  start(): Promise<void> {
    this.running = true;
    return this.evaluate();
  }

  /**
   * The agreements were changed (renewal, termination): re-evaluated at once while the monitor
   * runs. A monitor not started (CLI commands, in-process tests) leaves that to the gateway's own.
   */
  agreementsChanged(): void {
    if (this.running) void this.evaluate();
  }

  /**
   * Records the state if it changed, then waits for the next boundary. Never rejects: when the
   * state cannot be read, nothing is recorded or switched off (it is unknown, and data requests
   * are refused meanwhile) and it is tried again in RETRY_MS.
   */
  async evaluate(): Promise<void> {
    clearTimeout(this.timer);
    try {
      await this.evaluateNow();
    } catch (error) {
      this.onError(error);
      this.schedule(RETRY_MS);
    }
  }

  private async evaluateNow(): Promise<void> {
    const now = this.now();
    this.registry.refresh(true);
    const current = this.registry.inForce(now);
    const number = current?.terms.number ?? 'none';
    const state: AgreementState = current?.state ?? 'expired';
    // The elements are part of the key: an addendum that narrows them is recorded when it applies.
    const key = `${number}:${state}:${current?.terms.elements.join(',') ?? ''}`;
    if (key !== this.last) {
      this.last = key;
      const permitsAccess = agreementPermitsAccess(state);
      const detail = {
        number,
        state,
        daysLeft: current ? daysLeft(current.terms, now) : 0,
        elements: current ? current.terms.elements.join(',') : '',
      };
      await this.audit
        .append({ type: 'system', event: 'agreement_state', outcome: 'success', detail })
        .catch(() => undefined);
      if (state === 'expiring' || !permitsAccess) {
        await this.audit
          .append({
            type: 'security',
            event: 'alert',
            outcome: 'alert',
            detail: {
              rule:
                state === 'expiring'
                  ? 'agreement_expiring'
                  : state === 'suspended'
                    ? 'agreement_suspended'
                    : 'agreement_inactive',
              ...detail,
            },
          })
          .catch(() => undefined);
      }
      for (const listener of this.listeners) listener({ number, state, permitsAccess });
    }
    const next = nextStateChange(this.registry.agreements(), now);
    // Re-check at least hourly: timers drift and configurations change.
    const delay = Math.min(next === undefined ? 3_600_000 : next - now, 3_600_000);
    this.schedule(delay);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.evaluate(), Math.max(delayMs, 0));
    this.timer.unref();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }
}

/** Who acts when the gateway itself changes state (readers off at the end of an agreement). */
export const SYSTEM_PRINCIPAL = {
  id: 'gerbang-system',
  role: 'system',
  certificateFingerprint: '-',
} as const satisfies AuditPrincipal;

/**
 * PKS Pasal 9(4): when data may no longer flow, every reader goes off — at the boundary, and at
 * start-up if the gateway was down when it passed — and an alert says how many did. `onError`
 * hears of a deactivation that failed (state.db or the trail unwritable).
 */
export function switchReadersOffWhenAccessStops(
  monitor: AgreementMonitor,
  services: {
    readonly readers: {
      deactivateAllReaders(
        context: { readonly principal: AuditPrincipal; readonly now: number },
        reason: string,
      ): Promise<number>;
    };
    readonly audit: AuditTrail;
    readonly now: () => number;
    readonly onError: (error: unknown) => void;
  },
): void {
  const { readers, audit, now, onError } = services;
  monitor.onChange(({ number, state, permitsAccess }) => {
    // A suspension (Pasal 6) pauses reads without switching readers off: they are refused while
    // it lasts (403 agreement_suspended), shown as suspended, and read again when it is resumed.
    if (permitsAccess || state === 'suspended') return;
    void readers
      .deactivateAllReaders(
        { principal: SYSTEM_PRINCIPAL, now: now() },
        `agreement ${number} ${state}`,
      )
      .then(async (count) => {
        if (count > 0)
          await audit.append({
            type: 'security',
            event: 'alert',
            outcome: 'alert',
            detail: { rule: 'readers_deactivated', readers: count, number, state },
          });
      })
      .catch(onError);
  });
}
