/**
 * Watches the CRL in force (certs/revocation.ts) so that an operator hears of it before and when
 * it stops being usable, not from the clients: every few seconds it re-reads the file if it
 * changed and, on every change of condition, logs it and records it in the trail — an alert
 * (`crl_unusable`, with the reason code of /readyz) when no CRL is usable, a `crl_usable` system
 * record when one is again — and raises `crl_expiring` once per CRL a week before its nextUpdate.
 * Alerts are listed at GET /v1/alerts and forwarded to the SIEM like every other.
 */
import type { Logger } from 'pino';
import type { AuditEvent, AuditTrail } from '../../audit/index.ts';
import type { CrlFile, RevocationListCondition } from '../../certs/revocation.ts';

const DAY_MS = 86_400_000;

export interface CrlMonitorOptions {
  readonly revocation: Pick<CrlFile, 'refresh' | 'condition' | 'inForce'>;
  readonly audit: AuditTrail;
  readonly logger: Logger;
  /** The clock nextUpdate is judged by (the CRL file's). */
  readonly wallClock?: () => number;
  readonly everyMs?: number;
  /** `crl_expiring` this long before nextUpdate. */
  readonly warnBeforeMs?: number;
}

export class CrlMonitor {
  private readonly options: Required<CrlMonitorOptions>;
  private last: RevocationListCondition | undefined;
  private warnedFor: bigint | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(options: CrlMonitorOptions) {
    this.options = { wallClock: Date.now, everyMs: 5000, warnBeforeMs: 7 * DAY_MS, ...options };
  }

  /** Checks once (a CRL unusable at start is alerted before anything is served), then often. */
  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.options.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One look at the CRL; never throws (a timer must not end the process). */
  check(): Promise<void> {
    this.running ??= this.look()
      .catch((error: unknown) => {
        this.options.logger.error(
          {
            event: 'crl_monitor_failed',
            reason: error instanceof Error ? error.message : 'unknown',
          },
          'the CRL monitor failed; it tries again',
        );
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async look(): Promise<void> {
    const { revocation, logger } = this.options;
    await revocation.refresh();
    const condition = revocation.condition();
    const crl = revocation.inForce();
    const about = {
      condition,
      ...(crl === undefined
        ? {}
        : {
            crlNumber: crl.crlNumber.toString(),
            nextUpdate: new Date(crl.nextUpdate).toISOString(),
          }),
    };
    if (condition !== this.last) {
      const first = this.last === undefined;
      this.last = condition;
      if (condition !== 'ok') {
        logger.error(
          { event: 'crl_unusable', ...about },
          'no usable revocation list: every client is refused until a fresh CRL is published (gerbang certs crl)',
        );
        await this.record({
          type: 'security',
          event: 'alert',
          outcome: 'alert',
          detail: { rule: 'crl_unusable', ...about },
        });
      } else if (!first) {
        logger.info({ event: 'crl_usable', ...about }, 'a usable revocation list is in force');
        await this.record({
          type: 'system',
          event: 'crl_usable',
          outcome: 'success',
          detail: about,
        });
      }
    }
    if (
      condition === 'ok' &&
      crl !== undefined &&
      crl.nextUpdate - this.options.wallClock() < this.options.warnBeforeMs &&
      this.warnedFor !== crl.crlNumber
    ) {
      this.warnedFor = crl.crlNumber;
      logger.warn({ event: 'crl_expiring', ...about }, 'the CRL is due for renewal');
      await this.record({
        type: 'security',
        event: 'alert',
        outcome: 'alert',
        detail: { rule: 'crl_expiring', ...about },
      });
    }
  }

  /** Best effort: a failing trail shows in /readyz by itself. */
  private async record(event: AuditEvent): Promise<void> {
    await this.options.audit.append(event).catch(() => {
      this.options.logger.error({ event: 'audit_write_failed' }, 'could not record a CRL event');
    });
  }
}
