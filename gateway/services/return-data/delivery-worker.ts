/**
 * Delivers the outbox: due items, a few at a time, each with its own upstream idempotency key.
 * A delivery is recorded in the audit trail before it is marked delivered, so a crash between
 * the two resends (the upstream deduplicates) rather than losing the record. Failures back off
 * exponentially with jitter up to a cap; after `maxAttempts` an item becomes a dead letter and an
 * alert is raised.
 */
import type { Logger } from 'pino';
import { UpstreamFailure, type ReturnDataClient } from '../../../adapters/dukcapil/port.ts';
import type { AuditTrail } from '../../../audit/index.ts';
import type { GerbangConfig } from '../../config/index.ts';
import type { DueDelivery, Outbox } from '../../../adapters/sqlite/port.ts';

export function backoffMs(
  attempts: number,
  settings: { initialBackoffMs: number; maxBackoffMs: number },
  random: () => number,
): number {
  const ceiling = Math.min(
    settings.maxBackoffMs,
    settings.initialBackoffMs * 2 ** Math.min(attempts, 30),
  );
  return Math.round(ceiling * (0.5 + random() * 0.5));
}

const reasonOf = (error: unknown): string =>
  error instanceof Error ? ((error as { code?: string }).code ?? error.name) : 'unknown';

export class DeliveryWorker {
  private readonly outbox: Outbox;
  private readonly client: ReturnDataClient;
  private readonly audit: AuditTrail;
  private readonly settings: GerbangConfig['returnData'];
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly inFlight = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  private failedPasses = 0;

  constructor(options: {
    outbox: Outbox;
    client: ReturnDataClient;
    audit: AuditTrail;
    settings: GerbangConfig['returnData'];
    now: () => number;
    logger: Logger;
    random?: () => number;
  }) {
    this.outbox = options.outbox;
    this.client = options.client;
    this.audit = options.audit;
    this.settings = options.settings;
    this.now = options.now;
    this.logger = options.logger;
    this.random = options.random ?? Math.random;
  }

  start(pollMs = 250): void {
    this.stopped = false;
    const loop = (): void => {
      if (this.stopped) return;
      this.running = this.tick()
        .then(() => {
          this.failedPasses = 0;
        })
        .catch((error: unknown) => {
          // The outbox could not be read or written (a full disk): back off, so that a delivery
          // whose acknowledgement cannot be stored is not resent four times a second.
          this.failedPasses++;
          this.logger.error(
            { event: 'return_data_worker_failed', reason: reasonOf(error) },
            'return-data delivery paused: the outbox cannot be used',
          );
        })
        .finally(() => {
          this.running = undefined;
          const delay =
            this.failedPasses === 0
              ? pollMs
              : Math.min(60_000, 1000 * 2 ** Math.min(this.failedPasses - 1, 6));
          if (!this.stopped) this.timer = setTimeout(loop, delay);
        });
    };
    loop();
  }

  /** Work now rather than at the next poll (after a submission). */
  notify(): void {
    if (this.stopped || this.running !== undefined || this.failedPasses > 0) return;
    clearTimeout(this.timer);
    this.start();
  }

  /** One pass over what is due. Returns how many deliveries were acknowledged. */
  async tick(): Promise<number> {
    let acknowledged = 0;
    for (;;) {
      const due = this.outbox
        .due(this.now(), this.settings.concurrency)
        .filter((d) => !this.inFlight.has(d.id));
      if (due.length === 0) break;
      const results = await Promise.all(due.map((delivery) => this.deliverOne(delivery)));
      acknowledged += results.filter(Boolean).length;
      if (this.stopped) break;
    }
    // Erased payloads must not survive in old WAL frames.
    if (acknowledged > 0) this.outbox.checkpoint();
    return acknowledged;
  }

  private async deliverOne(delivery: DueDelivery): Promise<boolean> {
    this.inFlight.add(delivery.id);
    try {
      await this.client.deliver(
        { nik: delivery.nik, npwpd: delivery.npwpd, jenisPajak: delivery.jenisPajak },
        delivery.upstreamKey,
      );
      await this.audit.append({
        type: 'return_data',
        event: 'delivered',
        outcome: 'success',
        subject: delivery.subject,
        principal: { id: delivery.client, role: 'app', certificateFingerprint: '-' },
        reference: delivery.reference,
        detail: { delivery: delivery.id, attempts: delivery.attempts + 1 },
      });
      this.outbox.markDelivered(delivery.id, this.now());
      return true;
    } catch (error) {
      const reason = error instanceof UpstreamFailure ? error.reason : 'audit unavailable';
      const attempts = delivery.attempts + 1;
      if (attempts >= this.settings.maxAttempts) {
        this.outbox.markAttemptFailed(delivery.id, reason, 'dead');
        this.logger.error(
          { event: 'return_data_dead_letter', delivery: delivery.id, attempts, reason },
          'return data undeliverable',
        );
        await this.audit
          .append({
            type: 'security',
            event: 'alert',
            outcome: 'alert',
            subject: delivery.subject,
            detail: { rule: 'return_data_dead_letter', delivery: delivery.id, attempts, reason },
          })
          .catch(() => undefined);
      } else {
        this.outbox.markAttemptFailed(
          delivery.id,
          reason,
          this.now() + backoffMs(attempts, this.settings, this.random),
        );
      }
      return false;
    } finally {
      this.inFlight.delete(delivery.id);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
